"""Unit tests of the Telegram front end's pure parts: splitting, callback data, deep links,
settings, texts, message-id history and log redaction. No assistant needed."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import string
from pathlib import Path
from types import SimpleNamespace
from typing import List, Optional

import httpx
import pytest
import yaml
from telegram import Message, Update
from telegram.error import InvalidToken
from telegram.ext import ApplicationBuilder

from actions.directory.loader import load_directory
from actions.directory.resolve import resources_for
from actions.directory.schema import INTERNATIONAL
from actions.paths import PROJECT_ROOT
from bot.fallback import offline_reply
from bot.local_chat import LocalChat
from bot.pseudonym import Pseudonymizer
from bot.rasa_client import BotReply, Button, RasaClient
from bot.telegram_app import (
    HAVEN_KEY,
    announce,
    build_application,
    install_log_redaction,
    quiet_noisy_loggers,
    telegram_language_code,
)
from bot.telegram_format import (
    MAX_CALLBACK_BYTES,
    CallbackRegistry,
    country_payload,
    is_sensitive,
    keyboard,
    parse_start_payload,
    plan_messages,
    split_text,
    telegram_length,
)
from bot.telegram_handlers import ChatHistory, HavenTelegram, mentions_bot
from bot.telegram_settings import SettingsError, TelegramSettings, load_settings
from bot.telegram_texts import Texts, default_texts
from tests.fake_bot_api import FakeBotApi
from tests.helpers import fake_bot_token
from tests.zh_checks import MAINLAND_TERMS, SIMPLIFIED

TOKEN = fake_bot_token()

# ---------------------------------------------------------------- splitting


def _sentences(count: int) -> str:
    return " ".join(
        f"This is sentence number {n}, about staying safe online." for n in range(count)
    )


def test_short_text_is_one_message() -> None:
    assert split_text("Hello there. How are you?") == ["Hello there. How are you?"]
    assert split_text("") == []


def test_long_text_is_split_at_sentence_ends_within_the_limit() -> None:
    text = _sentences(200)  # about 11,000 characters
    parts = split_text(text)
    assert len(parts) == 3
    assert all(telegram_length(part) <= 4096 for part in parts)
    assert all(part.endswith("online.") for part in parts)
    assert " ".join(parts) == text


def test_paragraphs_are_preferred_over_sentences() -> None:
    first, second = _sentences(40), _sentences(40)
    parts = split_text(f"{first}\n\n{second}", limit=3000)
    assert parts == [first, second]


def test_emoji_count_twice_and_are_never_cut_in_half() -> None:
    text = "💙" * 3000  # 6,000 UTF-16 code units, no boundary at all
    parts = split_text(text)
    assert [telegram_length(part) for part in parts] == [4096, 6000 - 4096]
    assert "".join(parts) == text


def test_chinese_text_splits_after_full_stops() -> None:
    sentence = "如果有人在網路上威脅你，這不是你的錯。"
    parts = split_text(sentence * 300, limit=1000)
    assert all(len(part) <= 1000 and part.endswith("。") for part in parts)
    assert "".join(parts) == sentence * 300


def test_buttons_go_on_the_last_part_and_button_only_replies_get_words() -> None:
    buttons = [Button("Yes", "/affirm")]
    planned = plan_messages(
        [BotReply(_sentences(100), buttons), BotReply("", [Button("No", "/deny")])], "Choose:"
    )
    assert [bool(b) for _, b in planned] == [False, True, True]
    assert planned[1][1] == buttons and planned[-1][0] == "Choose:"


# ---------------------------------------------------------------- callback data


def test_short_payloads_travel_as_they_are() -> None:
    registry = CallbackRegistry()
    data = registry.encode('/inform_country{"country": "United Kingdom"}')
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert registry.decode(data) == '/inform_country{"country": "United Kingdom"}'


def test_long_payloads_are_mapped_through_a_short_token() -> None:
    registry = CallbackRegistry(capacity=2)
    long_payloads = [f'/report{{"platform": "{"台灣" * 20}", "n": {n}}}' for n in range(3)]
    data = [registry.encode(payload) for payload in long_payloads]
    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)
    assert registry.decode(data[2]) == long_payloads[2]
    assert registry.decode(data[0]) is None  # evicted: the button has expired
    assert registry.decode("t:made-up") is None and registry.decode("garbage") is None
    assert registry.decode(None) is None and registry.decode("r:") is None


def _domain_payloads() -> List[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    payloads = []
    for variations in domain["responses"].values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                # Rasa fills response templates, so {{ and }} reach the channel as { and }.
                payloads.append(button["payload"].replace("{{", "{").replace("}}", "}"))
    return payloads


def test_every_assistant_button_fits_telegram() -> None:
    registry = CallbackRegistry()
    payloads = _domain_payloads()
    assert payloads
    markup = keyboard([Button("b", payload) for payload in payloads], registry)
    assert markup is not None
    assert len(markup.inline_keyboard) == len(payloads)
    for row, payload in zip(markup.inline_keyboard, payloads, strict=True):
        data = row[0].callback_data
        assert 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES
        assert registry.decode(data) == payload


# ---------------------------------------------------------------- deep links


@pytest.mark.parametrize(
    ("payload", "messages"),
    [
        ("country_tw", [country_payload("Taiwan")]),
        ("country_kr", ['/inform_country{"country": "South Korea"}']),
        ("topic_sextortion", ["/ask_sextortion"]),
        ("topic_help", ["/ask_help"]),
        (
            "country_uk-topic_cyberbullying",
            [country_payload("United Kingdom"), "/ask_cyberbullying"],
        ),
        ("COUNTRY_US", [country_payload("United States")]),
        ("group", []),
        (None, []),
        ("", []),
        ("country_fr", []),
        ("topic_greet", []),
        ("topic_ask_help", []),
        ("/ask_help", []),
        ('country_uk{"x":1}', []),
        ("topic_help-topic_help-topic_help", ["/ask_help", "/ask_help"]),
        ("a" * 65, []),
    ],
)
def test_deep_links_follow_the_allow_list(payload, messages) -> None:
    assert parse_start_payload(payload) == messages


# ---------------------------------------------------------------- sensitive answers


@pytest.mark.parametrize(
    ("text", "sensitive"),
    [
        ("• Samaritans: call 116 123 (24 hours)", True),
        ("• 988 Lifeline: call or text 988", True),
        ("• Find A Helpline: https://findahelpline.com (free)", True),
        ("Here's what I can help with: bullying, privacy.", False),
        ("If you're in danger, call your local emergency number.", False),
    ],
)
def test_wipe_button_follows_helpline_answers(text, sensitive) -> None:
    assert is_sensitive([BotReply("Hi."), BotReply(text)]) is sensitive


# ---------------------------------------------------------------- settings


def test_polling_settings_with_defaults() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.rasa_url == "http://127.0.0.1:5005" and settings.rasa_timeout == 5.0
    assert not settings.webhook_mode and settings.webhook_port == 8443
    assert settings.webhook_listen == "127.0.0.1"
    assert TOKEN not in repr(settings)


def test_webhook_settings() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": "https://haven.example.org/telegram/hook",
            "TELEGRAM_WEBHOOK_SECRET": "s" * 32,
            "TELEGRAM_WEBHOOK_PORT": "9443",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "HAVEN_RASA_URL": "http://127.0.0.1:6005",
        }
    )
    assert settings.webhook_mode and settings.webhook_path == "telegram/hook"
    assert settings.webhook_port == 9443 and settings.rasa_url == "http://127.0.0.1:6005"
    assert "s" * 32 not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, "does not look like"),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://h.example.org/t"},
            "TELEGRAM_WEBHOOK_SECRET is required",
        ),
        (
            {"TELEGRAM_WEBHOOK_URL": "http://h.example.org/t", "TELEGRAM_WEBHOOK_SECRET": "s" * 32},
            "https://",
        ),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://h.example.org/t", "TELEGRAM_WEBHOOK_SECRET": "short"},
            "16-256 characters",
        ),
        (
            {
                "TELEGRAM_WEBHOOK_URL": "https://h.example.org/t",
                "TELEGRAM_WEBHOOK_SECRET": "ä" * 20,
            },
            "16-256 characters",
        ),
        ({"TELEGRAM_WEBHOOK_PORT": "eighty"}, "must be a number"),
        ({"TELEGRAM_WEBHOOK_PORT": "70000"}, "1-65535"),
    ],
)
def test_invalid_settings_stop_with_a_clear_error(environ, message) -> None:
    environ = {"TELEGRAM_BOT_TOKEN": TOKEN, **environ} if environ else {}
    with pytest.raises(SettingsError, match=re.escape(message)) as error:
        load_settings(environ)
    assert TOKEN not in str(error.value)


def test_a_bad_token_is_not_repeated_in_the_error() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({"TELEGRAM_BOT_TOKEN": "secret value with spaces"})
    assert "secret value" not in str(error.value)


# ---------------------------------------------------------------- texts


def test_texts_cover_telegram_limits() -> None:
    texts = default_texts()
    assert len(texts.get("description")) <= 512
    assert len(texts.get("short_description")) <= 120
    commands = texts.commands()
    assert list(commands) == ["start", "help", "resources", "country", "language", "forget", "wipe"]
    for name, description in commands.items():
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 1 <= len(description) <= 256
    for key in ("welcome", "media", "group", "wiped", "offline_note", "error_reply"):
        assert texts.get(key).strip()
    assert texts.get("pressed", title="Bullying") == "➡️ Bullying"


def test_a_partial_translation_falls_back_to_english(tmp_path: Path) -> None:
    english = (PROJECT_ROOT / "bot" / "texts" / "en.yml").read_text(encoding="utf-8")
    (tmp_path / "en.yml").write_text(english, encoding="utf-8")
    (tmp_path / "zh-Hant.yml").write_text(
        "language_name: 繁體中文\nbuttons:\n  wipe: 🧹 清除對話\n", encoding="utf-8"
    )
    texts = Texts(tmp_path)
    assert texts.languages == ["en", "zh-Hant"]
    assert texts.get("language_name", "zh-Hant") == "繁體中文"
    assert texts.entry("buttons", "wipe", "zh-Hant") == "🧹 清除對話"
    assert texts.entry("buttons", "get_help", "zh-Hant") == "Get help"
    assert texts.get("welcome", "zh-Hant") == texts.get("welcome")


# ---------------------------------------------------------------- ids kept for /wipe


def test_history_keeps_ids_for_48_hours_only() -> None:
    now = [1000.0]
    history = ChatHistory(max_chats=2, per_chat=3, max_age=100, clock=lambda: now[0])
    history.add(1, 10)
    now[0] += 150
    for message_id in (11, 12, 13, 14):
        history.add(1, message_id)
    assert history.take(1) == [12, 13, 14]  # 10 too old, 11 beyond the per-chat bound
    assert history.take(1) == []
    for chat in (1, 2, 3):
        history.add(chat, chat)
    assert history.take(1) == [] and history.take(3) == [3]


# ---------------------------------------------------------------- mentions


def _message(text: str, entities: list) -> Message:
    data = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -5, "type": "group", "title": "g"},
        "text": text,
        "entities": entities,
    }
    return Message.de_json(data, None)


def test_mentions_of_the_bot_only() -> None:
    bot = SimpleNamespace(username="HavenTestBot", id=42)
    mention = {"type": "mention", "offset": 3, "length": 13}
    assert mentions_bot(_message("hi @havenTestBot help", [mention]), bot)
    assert not mentions_bot(_message("hi @SomeoneElse1 help", [mention]), bot)
    linked = {
        "type": "text_mention",
        "offset": 0,
        "length": 5,
        "user": {"id": 42, "is_bot": True, "first_name": "Haven"},
    }
    assert mentions_bot(_message("Haven, hi", [linked]), bot)
    assert not mentions_bot(_message("no mention here", []), bot)


# ---------------------------------------------------------------- logs


def test_the_token_never_reaches_the_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever logs it (a message, an argument, an exception from python-telegram-bot whose
    message repeats the token), the output carries [REDACTED] instead."""
    monkeypatch.setenv("HAVEN_ENV", "development")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_log_redaction(TOKEN)
        logger = logging.getLogger("haven.test")
        logger.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        logger.warning(f"token {TOKEN} in the message itself")

        async def rejected_token() -> None:
            fake = await FakeBotApi("999:other-token").start()
            application = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
            try:
                await application.initialize()
            finally:
                await fake.stop()

        with pytest.raises(InvalidToken) as error:
            asyncio.run(rejected_token())
        assert TOKEN in str(error.value)  # PTB's message does carry it...
        logger.error("start-up failed", exc_info=error.value)
    finally:
        root.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output  # ...but the log never does
    assert output.count("[REDACTED]") == 3


def test_httpx_request_lines_are_silenced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVEN_ENV", "development")
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    build_application(TelegramSettings(token=TOKEN))
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    quiet_noisy_loggers()
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)


def test_the_pseudonym_secret_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    """No secret, no bot: raw ids could otherwise end up keyed in storage."""
    monkeypatch.delenv("HAVEN_SENDER_SECRET", raising=False)
    monkeypatch.delenv("HAVEN_ENV", raising=False)
    with pytest.raises(Exception, match="HAVEN_SENDER_SECRET"):
        build_application(TelegramSettings(token=TOKEN))


# ---------------------------------------------------------------- Traditional Chinese (zh-TW)

TEXTS_DIR = PROJECT_ROOT / "bot" / "texts"
# Simplified-only characters and mainland terms: none may appear in Taiwan texts.


def _texts_file(language: str) -> dict:
    return yaml.safe_load((TEXTS_DIR / f"{language}.yml").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _shape(value: object) -> object:
    """Keys (recursively) and {placeholders}: what a translation must keep."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return _placeholders(str(value))


def _all_strings(value: object) -> List[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _all_strings(item)]
    return [str(value)]


@pytest.mark.parametrize("path", sorted(TEXTS_DIR.glob("*.yml")), ids=lambda path: path.stem)
def test_every_texts_file_has_every_key_and_placeholder(path: Path) -> None:
    """Same keys, nested tables included, and the same {placeholders} as English, so no text
    falls back to English unnoticed and no format() call fails."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _shape(data) == _shape(_texts_file("en"))
    assert list(data["commands"]) == list(_texts_file("en")["commands"])


def test_chinese_texts_fit_telegram_and_taiwan_usage() -> None:
    texts = default_texts()
    assert texts.languages == ["en", "zh-TW"]
    assert len(texts.get("description", "zh-TW")) <= 512
    assert len(texts.get("short_description", "zh-TW")) <= 120
    for description in texts.commands("zh-TW").values():
        assert 1 <= len(description) <= 256
    assert texts.get("language_name", "zh-TW") == "繁體中文"
    assert texts.get("language_set", "zh-TW") == "好的，我會用繁體中文。"
    assert texts.get("pressed", "zh-TW", title="霸凌") == "➡️ 霸凌"
    assert texts.entry("country_names", "Taiwan", "zh-TW") == "台灣"
    for text in _all_strings(_texts_file("zh-TW")):
        assert not SIMPLIFIED & set(text), text
        assert not any(term in text for term in MAINLAND_TERMS), text
    english_hint = texts.get("language_coming")
    assert "coming soon" not in english_hint and "Chinese" in english_hint


# The numbers a Chinese offline reply must carry, if (and only if) the directory lists them.
_TAIWAN_NUMBERS = ("113", "110", "119", "1995")


def _directory_phones(country: str) -> List[str]:
    kinds = ["emergency", "child_helpline", "crisis_line"]
    return [r.phone for r in resources_for(load_directory().resources, country, kinds) if r.phone]


def test_chinese_offline_reply_lists_taiwan_first_from_the_directory() -> None:
    reply = offline_reply("zh-TW")
    lines = reply.splitlines()
    taiwan = _directory_phones("Taiwan")
    assert taiwan
    assert lines[1].startswith("• 台灣：")  # right after the header
    for number in taiwan:
        assert number in lines[1]
    for number in _TAIWAN_NUMBERS:
        assert (number in lines[1]) == (number in taiwan)
    # Every number shown comes from the directory: nothing is made up.
    contacts = load_directory().resources
    known = " ".join(
        f"{r.name} {r.local_name or ''} {r.phone or ''} {r.web or ''}" for r in contacts
    )
    for number in re.findall(r"\d[\d\- ]*\d|\d", reply):
        assert number in known, number
    web = resources_for(contacts, INTERNATIONAL, ["directory"])[0].web
    assert web in lines[-2]
    assert re.search("[\u4e00-\u9fff]", lines[0]) and re.search("[\u4e00-\u9fff]", lines[-1])


def test_english_offline_reply_is_unchanged() -> None:
    reply = offline_reply()
    assert reply == offline_reply("en") == offline_reply(None) == offline_reply("fr")
    assert reply.startswith("Sorry, I can't answer properly right now, but help is still here.")
    assert reply.endswith("Please try your message again in a minute.")
    taiwan = next(line for line in reply.splitlines() if line.startswith("• Taiwan: "))
    taiwan_contacts = resources_for(
        load_directory().resources, "Taiwan", ["emergency", "child_helpline", "crisis_line"]
    )
    assert taiwan == "• Taiwan: " + ", ".join(f"{r.name} {r.phone}" for r in taiwan_contacts)
    assert reply.splitlines()[1].startswith("• Japan: ")  # file order, as before


@pytest.mark.parametrize(
    ("text", "sensitive"),
    [
        ("• 生命線 1995／Lifeline：打 1995 – 電話會轉接到你所在縣市的生命線。", True),
        ("• 988 Suicide & Crisis Lifeline：打電話或傳簡訊到 988（24 小時）", True),
        ("• 緊急電話：打 110（警察）或 119（消防、救護車）", True),
        ("我可以幫你處理網路霸凌、隱私和安全的問題。", False),
    ],
)
def test_wipe_button_follows_chinese_helpline_answers(text, sensitive) -> None:
    assert is_sensitive([BotReply(text)]) is sensitive


# ------------------------------------------- the language of a chat, with no Telegram and no Rasa


class RecordingBot:
    """Stands in for telegram.Bot: records every method called (name, arguments) and answers
    send_message with a message id."""

    username = "HavenTestBot"
    id = 42
    defaults = None  # read by python-telegram-bot when it decodes updates

    def __init__(self) -> None:
        self.calls: List[tuple] = []
        self._next_id = 1000

    def __getattr__(self, method: str):
        async def call(*args, **kwargs):
            self.calls.append((method, args, kwargs))
            if method == "send_message":
                self._next_id += 1
                return SimpleNamespace(message_id=self._next_id)
            return True

        return call

    def texts(self) -> List[str]:
        """The texts of the messages sent, in order."""
        return [
            kwargs.get("text", args[1] if len(args) > 1 else None)
            for method, args, kwargs in self.calls
            if method == "send_message"
        ]

    def markups(self) -> List[object]:
        return [kw.get("reply_markup") for m, _, kw in self.calls if m == "send_message"]


class RecordingRasa:
    """Stands in for RasaClient: records (message, language), answers with an echo, or fails
    like a Rasa that is down."""

    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.sent: List[tuple] = []

    async def send(self, sender_id: str, text: str, language: Optional[str] = None):
        self.sent.append((text, language))
        if self.down:
            raise httpx.ConnectError("connection refused")
        return [BotReply(f"echo {text}")]


_next_update = [0]


def _update(bot: RecordingBot, text: Optional[str] = "hi", language_code: str = "en", **extra):
    """A private-chat message update from user 501 (one chat), as Telegram sends it."""
    _next_update[0] += 1
    user = {"id": 501, "is_bot": False, "first_name": "Alex", "language_code": language_code}
    message = {
        "message_id": _next_update[0],
        "date": 0,
        "chat": {"id": 501, "type": "private", "first_name": "Alex"},
        "from": user,
        **extra,
    }
    if text is not None:
        message["text"] = text
    return Update.de_json({"update_id": _next_update[0], "message": message}, bot)


def _haven(rasa: Optional[RecordingRasa] = None) -> HavenTelegram:
    return HavenTelegram(
        rasa=rasa or RecordingRasa(),
        texts=default_texts(),
        pseudonymizer=Pseudonymizer(secret=b"unit-test-secret-0123456789"),
        rasa_timeout=2.0,
    )


def _context(bot: RecordingBot) -> SimpleNamespace:
    return SimpleNamespace(bot=bot, args=[])


def test_the_script_of_a_message_sets_the_chat_language() -> None:
    """Chinese script -> zh-TW, remembered; a message that does not tell keeps it; two English
    words switch back. Rasa gets the language with every message."""
    rasa, bot = RecordingRasa(), RecordingBot()
    haven = _haven(rasa)

    async def scenario() -> None:
        for text in ("有人一直跟我要照片", "ok", "👍", "someone keeps messaging me", "hi"):
            await haven.text(_update(bot, text), _context(bot))

    asyncio.run(scenario())
    assert [language for _, language in rasa.sent] == ["zh-TW", "zh-TW", "zh-TW", "en", "en"]
    assert haven.languages[501] == "en"


def test_telegram_interface_language_is_a_hint_never_stored() -> None:
    rasa, bot = RecordingRasa(), RecordingBot()
    haven = _haven(rasa)

    async def scenario() -> None:
        await haven.text(_update(bot, "ok", language_code="zh-hant"), _context(bot))
        await haven.start(_update(bot, "/start", language_code="zh-hant"), _context(bot))
        await haven.text(_update(bot, "ok", language_code="ja"), _context(bot))
        await haven.text(_update(bot, "嗨", language_code="en"), _context(bot))
        await haven.text(_update(bot, "ok", language_code="en"), _context(bot))

    asyncio.run(scenario())
    assert [language for _, language in rasa.sent] == ["zh-TW", "en", "zh-TW", "zh-TW"]
    assert bot.texts()[1] == default_texts().get("welcome", "zh-TW")
    welcome_buttons = bot.markups()[1].inline_keyboard
    assert welcome_buttons[0][0].text == default_texts().entry("buttons", "help_now", "zh-TW")
    assert dict(haven.languages) == {501: "zh-TW"}  # from the script, never from the hint


def test_choosing_a_language_tells_rasa_and_sends_its_answer() -> None:
    rasa, bot = RecordingRasa(), RecordingBot()
    haven = _haven(rasa)
    update = _update(bot, "/language")

    async def scenario() -> None:
        await haven.choose_language(update, _context(bot))
        await haven.set_language(update, bot, update.effective_chat, "zh-TW")
        await haven.text(_update(bot, "ok"), _context(bot))

    asyncio.run(scenario())
    markup = bot.markups()[0]
    buttons = [(row[0].text, row[0].callback_data) for row in markup.inline_keyboard]
    assert buttons == [("English", "lang:en"), ("繁體中文", "lang:zh-TW")]
    texts = default_texts()
    assert bot.texts()[0] == f"{texts.get('language_question')}\n{texts.get('language_coming')}"
    assert rasa.sent[0] == ('/set_language{"language":"zh-TW"}', "zh-TW")
    assert bot.texts()[1] == 'echo /set_language{"language":"zh-TW"}'  # Rasa's own answer
    assert rasa.sent[1] == ("ok", "zh-TW")
    assert haven.languages[501] == "zh-TW"


def test_choosing_a_language_while_rasa_is_down_answers_locally() -> None:
    rasa, bot = RecordingRasa(down=True), RecordingBot()
    haven = _haven(rasa)
    update = _update(bot, "/language")

    async def scenario() -> None:
        await haven.set_language(update, bot, update.effective_chat, "zh-TW")
        await haven.set_language(update, bot, update.effective_chat, "fr")

    asyncio.run(scenario())
    texts = default_texts()
    assert bot.texts() == [
        texts.get("language_set", "zh-TW"),
        texts.get("button_expired", "zh-TW"),
    ]
    assert haven.languages[501] == "zh-TW"  # an unknown code changes nothing


def test_a_chinese_chat_gets_the_chinese_offline_reply_and_texts() -> None:
    rasa, bot = RecordingRasa(down=True), RecordingBot()
    haven = _haven(rasa)
    texts = default_texts()
    voice = {"file_id": "AwAD", "file_unique_id": "v1", "duration": 3}

    async def scenario() -> None:
        await haven.text(_update(bot, "有人說要把我的照片傳出去"), _context(bot))
        await haven.media(_update(bot, None, voice=voice), _context(bot))
        await haven.unknown_command(_update(bot, "/nope"), _context(bot))
        context = SimpleNamespace(bot=bot, args=[], error=RuntimeError("boom"))
        await haven.error(_update(bot, "嗨"), context)

    asyncio.run(scenario())
    offline = offline_reply("zh-TW")
    assert bot.texts() == [
        f"{offline}\n\n{texts.get('offline_note', 'zh-TW')}",
        texts.get("voice", "zh-TW"),
        texts.get("unknown_command", "zh-TW"),
        f"{texts.get('error_reply', 'zh-TW')}\n\n{offline}",
    ]
    assert len(rasa.sent) == 2  # one retry, then the offline reply


def test_country_picker_puts_taiwan_first_for_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.telegram_handlers as handlers

    reordered = {"us": "United States", "jp": "Japan", "tw": "Taiwan"}
    monkeypatch.setattr(handlers, "COUNTRY_CODES", reordered)
    bot = RecordingBot()
    haven = _haven()

    async def scenario() -> None:
        await haven.country(_update(bot, "/country", language_code="en"), _context(bot))
        await haven.country(_update(bot, "/country", language_code="zh-hant"), _context(bot))

    asyncio.run(scenario())
    english, chinese = ([row[0].text for row in markup.inline_keyboard] for markup in bot.markups())
    assert english == ["United States", "Japan", "Taiwan", "Somewhere else"]
    assert chinese == [
        "台灣",
        "美國",
        "日本",
        default_texts().entry("buttons", "somewhere_else", "zh-TW"),
    ]
    assert bot.texts()[1] == default_texts().get("country_question", "zh-TW")
    data = bot.markups()[1].inline_keyboard[0][0].callback_data
    assert haven.registry.decode(data) == country_payload("Taiwan")


def test_a_group_mention_in_chinese_gets_the_chinese_group_reply() -> None:
    bot, haven = RecordingBot(), _haven()
    text = "@HavenTestBot 有人在群組裡罵我"
    update = Update.de_json(
        {
            "update_id": 9001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -77, "type": "group", "title": "g"},
                "from": {"id": 502, "is_bot": False, "first_name": "Sam", "language_code": "en"},
                "text": text,
                "entities": [{"type": "mention", "offset": 0, "length": 13}],
            },
        },
        bot,
    )
    asyncio.run(haven.group_mention(update, _context(bot)))
    assert bot.texts() == [default_texts().get("group", "zh-TW")]
    button = bot.markups()[0].inline_keyboard[0][0]
    assert button.text == default_texts().entry("buttons", "private_chat", "zh-TW")


def test_rasa_gets_the_language_as_its_only_metadata() -> None:
    bodies: List[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=[{"recipient_id": "x", "text": "嗨"}])

    async def scenario() -> List[BotReply]:
        client = RasaClient("http://rasa.invalid")
        await client.close()
        client._client = httpx.AsyncClient(
            base_url="http://rasa.invalid", transport=httpx.MockTransport(handler)
        )
        async with client:
            replies = await client.send("telegram-abc", "你好", "zh-TW")
            await client.send("local-1", "hello there")
        return replies

    assert asyncio.run(scenario()) == [BotReply("嗨")]
    assert bodies == [
        {"sender": "telegram-abc", "message": "你好", "metadata": {"language": "zh-TW"}},
        {"sender": "local-1", "message": "hello there"},
    ]


def test_commands_and_descriptions_are_registered_in_chinese() -> None:
    bot = RecordingBot()
    application = SimpleNamespace(bot=bot, bot_data={HAVEN_KEY: _haven()})
    asyncio.run(announce(application))
    texts = default_texts()
    by_code = {}
    for method, args, kwargs in bot.calls:
        by_code.setdefault(kwargs.get("language_code"), {})[method] = args[0]
    assert set(by_code) == {None, "zh"}
    chinese = by_code["zh"]
    assert [(c.command, c.description) for c in chinese["set_my_commands"]] == list(
        texts.commands("zh-TW").items()
    )
    assert chinese["set_my_description"] == texts.get("description", "zh-TW")
    assert chinese["set_my_short_description"] == texts.get("short_description", "zh-TW")
    assert by_code[None]["set_my_description"] == texts.get("description")
    assert telegram_language_code("zh-TW") == "zh" and telegram_language_code("en") is None


def test_local_chat_follows_the_language_of_each_line() -> None:
    class Client:
        def __init__(self) -> None:
            self.sent: List[tuple] = []
            self.down = False

        async def send(self, sender_id: str, text: str, language: Optional[str] = None):
            self.sent.append((text, language))
            if self.down:
                raise httpx.ConnectError("refused")
            return [BotReply("好", [Button("台灣", country_payload("Taiwan"))])]

    client, out = Client(), io.StringIO()
    chat = LocalChat(client, out)  # type: ignore[arg-type]

    async def scenario() -> None:
        for line in ("hi", "我好難過", "1", "ok"):
            await chat.send_and_print(line)
        client.down = True
        await chat.send_and_print("...")
        await chat.send_and_print("help me please")

    asyncio.run(scenario())
    assert client.sent[:4] == [
        ("hi", "en"),
        ("我好難過", "zh-TW"),
        (country_payload("Taiwan"), "zh-TW"),
        ("ok", "zh-TW"),
    ]
    for language in ("zh-TW", "en"):  # "..." keeps Chinese; "help me please" is English
        assert offline_reply(language).replace("\n", "\n       ") in out.getvalue()
