"""Unit tests of the Telegram front end's pure parts: splitting, callback data, deep links,
settings, texts, message-id history and log redaction. No assistant needed."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from pathlib import Path
from types import SimpleNamespace
from typing import List

import pytest
import yaml
from telegram import Message
from telegram.error import InvalidToken
from telegram.ext import ApplicationBuilder

from actions.paths import PROJECT_ROOT
from bot.rasa_client import BotReply, Button
from bot.telegram_app import build_application, install_log_redaction, quiet_noisy_loggers
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
from bot.telegram_handlers import ChatHistory, mentions_bot
from bot.telegram_settings import SettingsError, TelegramSettings, load_settings
from bot.telegram_texts import Texts, default_texts
from tests.fake_bot_api import FakeBotApi
from tests.helpers import fake_bot_token

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
