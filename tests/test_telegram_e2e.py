"""End to end: the real python-telegram-bot Application, pointed at a fake Bot API server on
loopback (TELEGRAM_API_BASE_URL), with the real Rasa and action server behind it where the
assistant's answer matters. Assertions are on what the bot actually sent to the Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Dict, List, Optional

import httpx
import pytest
from aiohttp import web
from telegram.ext import Application

from actions.directory.loader import load_directory
from actions.directory.resolve import resources_for
from bot.fallback import offline_reply
from bot.local_stack import LocalStack
from bot.telegram_app import HAVEN_KEY, build_application, polling_options, webhook_options
from bot.telegram_format import WIPE_CALLBACK, country_payload
from bot.telegram_handlers import HavenTelegram
from bot.telegram_settings import TelegramSettings
from bot.telegram_texts import default_texts
from haven_nlu.language import CHINESE
from tests.conftest import TEST_API_TOKEN
from tests.fake_bot_api import BOT_USERNAME, FakeBotApi
from tests.helpers import fake_bot_token

TOKEN = fake_bot_token()
WEBHOOK_SECRET = "test-webhook-secret-0123456789"
WEBHOOK_URL = "https://haven.example.org/telegram/webhook"
DEAD_RASA = "http://127.0.0.1:9"  # the discard port: nothing answers there
TEXTS = default_texts()


@pytest.fixture(autouse=True)
def private_environment(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    """A pseudonym secret for the run, every log captured, and after each test: the token
    never logged, and no message text at INFO or above."""
    monkeypatch.setenv("HAVEN_SENDER_SECRET", "test-sender-secret-0123456789abcdef")
    caplog.set_level(logging.DEBUG)
    yield
    assert TOKEN not in caplog.text
    assert WEBHOOK_SECRET not in caplog.text
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            message = record.getMessage()
            assert "kill myself" not in message and "nudes" not in message, message
            assert "不想活" not in message and "照片" not in message, message


def run(scenario: Awaitable[None], timeout: float = 60) -> None:
    asyncio.run(asyncio.wait_for(scenario, timeout))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Harness:
    fake: FakeBotApi
    application: Application
    haven: HavenTelegram
    settings: TelegramSettings

    def keyboard(self, chat_id: int, index: int = -1) -> List[Dict[str, Any]]:
        """Buttons of the index-th message sent to a chat (flattened)."""
        call = self.fake.calls_to("sendMessage", chat_id)[index]
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def sent_message(self, chat_id: int, index: int = -1) -> Dict[str, Any]:
        return self.fake.calls_to("sendMessage", chat_id)[index].result

    def payload(self, button: Dict[str, Any]) -> Optional[str]:
        return self.haven.registry.decode(button.get("callback_data"))


@asynccontextmanager
async def running_bot(
    rasa_url: str = DEAD_RASA, webhook: bool = False, rasa_timeout: float = 5.0
) -> AsyncIterator[Harness]:
    """The Application started as run_polling / run_webhook start it, against a fresh fake."""
    fake = await FakeBotApi(TOKEN).start()
    settings = TelegramSettings(
        token=TOKEN,
        api_base_url=fake.base_url,
        rasa_url=rasa_url,
        rasa_timeout=rasa_timeout,
        webhook_url=WEBHOOK_URL if webhook else None,
        webhook_secret=WEBHOOK_SECRET if webhook else None,
        webhook_port=free_port(),
    )
    application = build_application(settings)
    await application.initialize()
    await application.post_init(application)
    if webhook:
        await application.updater.start_webhook(**webhook_options(settings))
    else:
        await application.updater.start_polling(**polling_options())
    await application.start()
    try:
        yield Harness(fake, application, application.bot_data[HAVEN_KEY], settings)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)
        await fake.stop()


def numbers_for(country: str, kinds: List[str]) -> List[str]:
    """Phone numbers the sourced directory lists for a country (never hard-coded here)."""
    contacts = resources_for(load_directory().resources, country, kinds)
    return [contact.phone for contact in contacts if contact.phone]


async def ask(harness: Harness, chat: Dict, user: Dict, text: str, **fields: Any) -> List[str]:
    """Sends one message and returns the texts the bot answered with, once it is done (the
    typing indicator has stopped and no message arrived for a moment)."""
    fake, chat_id = harness.fake, chat["id"]
    before = len(fake.calls_to("sendMessage", chat_id))
    fake.push_message(chat, user, text, **fields)
    await fake.wait_for_messages(chat_id, before + 1)
    await settle(fake, chat_id)
    return fake.sent_texts(chat_id)[before:]


async def settle(fake: FakeBotApi, chat_id: int, quiet: float = 0.6) -> None:
    """Waits until nothing has been sent to the chat for `quiet` seconds."""

    def quiet_now() -> bool:
        recent = [c for c in fake.calls if c.params.get("chat_id") == chat_id]
        return not recent or time.monotonic() - recent[-1].at > quiet

    await fake.wait_for(quiet_now, what="the bot to finish")


async def press(harness: Harness, chat: Dict, user: Dict, index: int, payload: str) -> int:
    """Presses the button with this payload on the index-th message; returns that message id."""
    buttons = harness.keyboard(chat["id"], index)
    button = next(b for b in buttons if harness.payload(b) == payload)
    message = harness.sent_message(chat["id"], index)
    harness.fake.push_callback(user, message, button["callback_data"])
    return message["message_id"]


def new_user(user_id: int, name: str = "Alex") -> Dict[str, Any]:
    return FakeBotApi.user(user_id, first_name=name, username=f"{name.lower()}_{user_id}")


# ---------------------------------------------------------------- with the real assistant


def test_full_conversation(assistant: LocalStack) -> None:
    """/start (commands and descriptions set at start-up, welcome with topic buttons), a question
    answered by the assistant with a typing indicator, an edited message answered again, and a
    deep link that presets the country."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            fake = bot.fake
            commands = fake.calls_to("setMyCommands")[0].params["commands"]
            assert {"start", "help", "resources", "country", "language", "forget", "wipe"} <= {
                command["command"] for command in commands
            }
            assert fake.calls_to("setMyDescription") and fake.calls_to("setMyShortDescription")

            user = new_user(910001)
            chat = FakeBotApi.private_chat(user)
            welcome = await ask(bot, chat, user, "/start")
            assert len(welcome) == 1 and "not a human" in welcome[0]
            payloads = {bot.payload(b) for b in bot.keyboard(chat["id"])}
            assert {"/ask_help", "/ask_sextortion", "/ask_cyberbullying"} <= payloads

            question = await ask(bot, chat, user, "someone i met in a game keeps asking for nudes")
            assert question and sum(len(text) for text in question) > 80
            assert fake.calls_to("sendChatAction", chat["id"])[-1].params["action"] == "typing"

            before = len(fake.calls_to("sendMessage", chat["id"]))
            earlier = fake.push_message(chat, user, "hello")
            await fake.wait_for_messages(chat["id"], before + 1)
            await settle(fake, chat["id"])
            edited_before = len(fake.calls_to("sendMessage", chat["id"]))
            fake.push_edit(earlier, "what can you do?")
            await fake.wait_for_messages(chat["id"], edited_before + 1)

            other = new_user(910002, "Sam")
            other_chat = FakeBotApi.private_chat(other)
            texts = await ask(bot, other_chat, other, "/start country_uk")
            await fake.wait_for_messages(other_chat["id"], 2)
            await settle(fake, other_chat["id"])
            texts = fake.sent_texts(other_chat["id"])
            assert "not a human" in texts[0]
            uk_numbers = numbers_for("United Kingdom", ["emergency", "child_helpline"])
            assert any(number in " ".join(texts[1:]) for number in uk_numbers), texts

    run(scenario())


def test_crisis_message_and_country_button(assistant: LocalStack) -> None:
    """A crisis message gets the international route (and the wipe button); after choosing a
    country with /country (a button press: answered, keyboard removed, assistant answers), the
    same message gets that country's emergency or crisis numbers."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            fake = bot.fake
            user = new_user(910011)
            chat = FakeBotApi.private_chat(user)
            first = await ask(bot, chat, user, "i want to kill myself")
            assert "findahelpline.com" in " ".join(first)
            assert any(b.get("callback_data") == WIPE_CALLBACK for b in bot.keyboard(chat["id"]))

            picker = await ask(bot, chat, user, "/country")
            assert picker == [TEXTS.get("country_question")]
            buttons = bot.keyboard(chat["id"])
            assert len(buttons) == 6
            before = len(fake.calls_to("sendMessage", chat["id"]))
            message_id = await press(
                bot, chat, user, -1, '/inform_country{"country": "United Kingdom"}'
            )
            await fake.wait_for_messages(chat["id"], before + 2)
            await settle(fake, chat["id"])
            assert fake.calls_to("answerCallbackQuery")
            edits = fake.calls_to("editMessageReplyMarkup", chat["id"])
            assert [e.params["message_id"] for e in edits] == [message_id]
            assert "reply_markup" not in edits[0].params
            assert fake.sent_texts(chat["id"])[before] == "➡️ United Kingdom"

            again = await ask(bot, chat, user, "i want to kill myself")
            uk_numbers = numbers_for("United Kingdom", ["emergency", "crisis_line"])
            assert any(number in " ".join(again) for number in uk_numbers), again
            assert any(b.get("callback_data") == WIPE_CALLBACK for b in bot.keyboard(chat["id"]))

            # The wipe button deletes the whole chat, this answer included.
            shown = {m for (c, m) in fake.messages if c == chat["id"]}
            last = bot.sent_message(chat["id"])
            fake.push_callback(user, last, WIPE_CALLBACK)
            await fake.wait_for(lambda: fake.calls_to("deleteMessages", chat["id"]))
            await settle(fake, chat["id"])
            deleted = {i for c in fake.calls_to("deleteMessages") for i in c.params["message_ids"]}
            assert shown <= deleted and last["message_id"] in deleted
            assert fake.sent_texts(chat["id"])[-1] == TEXTS.get("wiped")

    run(scenario())


def test_topic_button_press(assistant: LocalStack) -> None:
    """Pressing a welcome button: the query is answered, the keyboard removed, the choice echoed
    and the assistant's answer on that topic sent; a stale button is answered, not relayed."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            fake = bot.fake
            user = new_user(910021)
            chat = FakeBotApi.private_chat(user)
            await ask(bot, chat, user, "/start")
            await press(bot, chat, user, 0, "/ask_cyberbullying")
            await fake.wait_for_messages(chat["id"], 3)
            await settle(fake, chat["id"])
            texts = fake.sent_texts(chat["id"])
            assert texts[1] == "➡️ " + TEXTS.entry("buttons", "cyberbullying")
            assert len(texts) >= 3 and "bull" in " ".join(texts[2:]).lower()
            assert len(fake.calls_to("answerCallbackQuery")) == 1
            assert len(fake.calls_to("editMessageReplyMarkup", chat["id"])) == 1

            sent = len(texts)
            message = bot.sent_message(chat["id"], 0)
            fake.push_callback(user, message, "t:unknown-token")
            await fake.wait_for(lambda: len(fake.calls_to("answerCallbackQuery")) == 2)
            answer = fake.calls_to("answerCallbackQuery")[-1].params
            assert answer["text"] == TEXTS.get("button_expired")
            await settle(fake, chat["id"])
            assert len(fake.sent_texts(chat["id"])) == sent

    run(scenario())


def test_long_message(assistant: LocalStack) -> None:
    """A 5,000-character message is answered, and every message sent fits Telegram's limit."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            user = new_user(910031)
            chat = FakeBotApi.private_chat(user)
            sentence = "People at school keep posting mean comments about me online. "
            text = (sentence * 90)[:5000]
            assert len(text) == 5000
            replies = await ask(bot, chat, user, text)
            assert replies
            assert all(len(reply) <= 4096 for reply in replies)
            assert not bot.fake.calls_to("sendMessage", ok=False)

    run(scenario())


def _assistant_knows(assistant: LocalStack, intent: str) -> bool:
    response = httpx.get(
        f"{assistant.rasa_url}/domain",
        params={"token": TEST_API_TOKEN},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    response.raise_for_status()
    return intent in response.json().get("intents", [])


def test_forget(assistant: LocalStack) -> None:
    """/forget is relayed; the assistant asks to confirm with buttons; "yes" erases."""
    if not _assistant_knows(assistant, "request_forget"):
        pytest.skip("the trained model has no request_forget intent yet")

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            user = new_user(910041)
            chat = FakeBotApi.private_chat(user)
            await ask(bot, chat, user, "people keep bullying me on instagram")
            confirm = await ask(bot, chat, user, "/forget")
            assert confirm
            payloads = [bot.payload(b) for b in bot.keyboard(chat["id"])]
            assert "/affirm" in payloads and "/deny" in payloads
            before = len(bot.fake.calls_to("sendMessage", chat["id"]))
            await press(bot, chat, user, -1, "/affirm")
            await bot.fake.wait_for_messages(chat["id"], before + 2)
            await settle(bot.fake, chat["id"])
            erased = bot.fake.sent_texts(chat["id"])[before + 1 :]
            assert erased and "eras" in " ".join(erased).lower()
            assert erased[0] not in confirm

    run(scenario())


def test_wipe(assistant: LocalStack) -> None:
    """/wipe deletes both sides' messages of the chat (deleteMessages), then confirms; when the
    batch call fails, each message is deleted on its own."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            fake = bot.fake
            user = new_user(910051)
            chat = FakeBotApi.private_chat(user)
            await ask(bot, chat, user, "/start")
            await ask(bot, chat, user, "hi")
            ids = {m for (c, m) in fake.messages if c == chat["id"]}
            wiped = await ask(bot, chat, user, "/wipe")
            assert wiped == [TEXTS.get("wiped")]
            deleted = [
                i for call in fake.calls_to("deleteMessages") for i in call.params["message_ids"]
            ]
            assert ids < set(deleted)  # everything before, and the /wipe command itself
            assert [m for (c, m) in fake.messages if c == chat["id"]] == [
                bot.sent_message(chat["id"])["message_id"]
            ]

            other = new_user(910052, "Sam")
            other_chat = FakeBotApi.private_chat(other)
            await ask(bot, other_chat, other, "/language")
            fake.fail_next("deleteMessages", 400, "Bad Request: message can't be deleted")
            await ask(bot, other_chat, other, "/wipe")
            singles = {c.params["message_id"] for c in fake.calls_to("deleteMessage")}
            assert len(singles) == 3  # /language, its answer, /wipe

    run(scenario())


class RecordingProxy:
    """A loopback TCP proxy to Rasa that records what the bot sends through it and can be shut
    down mid-test (connections closed, port no longer listening: connection refused)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.sent = bytearray()
        self._server: Optional[asyncio.base_events.Server] = None
        self._writers: List[asyncio.StreamWriter] = []
        self.port = 0

    async def start(self) -> RecordingProxy:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: bool):
        try:
            while data := await reader.read(65536):
                if log:
                    self.sent.extend(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers += [writer, up_writer]
        await asyncio.gather(
            self._pipe(reader, up_writer, True), self._pipe(up_reader, writer, False)
        )

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    def bodies(self) -> List[Dict[str, Any]]:
        """The JSON bodies of the HTTP requests that went through."""
        found, data = [], bytes(self.sent)
        for match in re.finditer(rb"content-length: (\d+)\r\n.*?\r\n\r\n", data, re.I | re.S):
            body = data[match.end() : match.end() + int(match.group(1))]
            found.append(json.loads(body))
        return found


def test_rasa_stopped_mid_conversation(assistant: LocalStack) -> None:
    """Rasa goes away mid-conversation: the next message still gets a reply with emergency
    numbers (the offline reply). Rasa only ever saw a pseudonym, the text and the language."""

    async def scenario() -> None:
        proxy = await RecordingProxy(assistant.rasa_port).start()
        async with running_bot(f"http://127.0.0.1:{proxy.port}") as bot:
            user = new_user(910061, "Robin")
            chat = FakeBotApi.private_chat(user)
            first = await ask(bot, chat, user, "hi")
            assert first and offline_reply() not in first[0]
            chinese = await ask(bot, chat, user, "你好")
            assert chinese and offline_reply(CHINESE) not in chinese[0]
            await proxy.stop()
            second = await ask(bot, chat, user, "i want to kill myself")
            assert offline_reply() in second[0]
            assert TEXTS.get("offline_note") in second[0]
            assert any(
                number in second[0] for number in numbers_for("United States", ["emergency"])
            )

        bodies = proxy.bodies()
        # Besides the pseudonym and the text, only the chat's language: nothing else.
        assert all(set(body) == {"sender", "message", "metadata"} for body in bodies)
        assert [body["metadata"] for body in bodies] == [{"language": "en"}, {"language": CHINESE}]
        assert {body["sender"] for body in bodies} == {
            bot.haven.pseudonymizer.sender_id("telegram", user["id"])
        }
        for leaked in (str(user["id"]), user["username"], user["first_name"]):
            assert leaked.encode() not in bytes(proxy.sent)

    run(scenario())


# ---------------------------------------------------------------- without the real assistant


@asynccontextmanager
async def fake_rasa(
    delays: Dict[str, float], status: int = 200, answers: bool = True
) -> AsyncIterator[List[str]]:
    """A stand-in Rasa REST channel that echoes (or answers an empty list, as Rasa does when it
    fails inside), sleeping first for messages starting with a key of `delays`; yields the list
    of messages it received."""
    received: List[str] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        received.append(body["message"])
        for prefix, delay in delays.items():
            if body["message"].startswith(prefix):
                await asyncio.sleep(delay)
        if status != 200:
            return web.json_response({"error": "boom"}, status=status)
        if not answers:
            return web.json_response([])
        return web.json_response([{"recipient_id": body["sender"], "text": body["message"]}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    received.append(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}")
    try:
        yield received
    finally:
        await runner.cleanup()


def test_slow_or_failing_rasa_gets_the_offline_reply() -> None:
    """Over the time limit: the offline reply at once, no retry. A server error: one quick
    retry, then the offline reply."""

    async def scenario() -> None:
        async with fake_rasa({"slow": 3.0}) as received:
            url = received.pop(0)
            async with running_bot(url, rasa_timeout=0.5) as bot:
                user = new_user(910071)
                chat = FakeBotApi.private_chat(user)
                started = time.monotonic()
                replies = await ask(bot, chat, user, "slow message")
                assert offline_reply() in replies[0]
                assert time.monotonic() - started < 2.5
                assert received == ["slow message"]
        async with fake_rasa({}, status=500) as received:
            url = received.pop(0)
            async with running_bot(url) as bot:
                user = new_user(910072)
                chat = FakeBotApi.private_chat(user)
                replies = await ask(bot, chat, user, "hello")
                assert offline_reply() in replies[0]
                assert received == ["hello", "hello"]

    run(scenario())


def test_an_empty_answer_from_rasa_gets_the_offline_reply() -> None:
    """Rasa's REST channel answers [] when it fails inside (e.g. its database restarts): the
    child still gets the emergency numbers and is asked to send the message again."""

    async def scenario() -> None:
        async with fake_rasa({}, answers=False) as received:
            url = received.pop(0)
            async with running_bot(url) as bot:
                user = new_user(910073)
                chat = FakeBotApi.private_chat(user)
                replies = await ask(bot, chat, user, "someone is threatening me")
                assert len(replies) == 1 and offline_reply() in replies[0]

    run(scenario())


def test_order_within_a_chat_concurrency_across_chats() -> None:
    """A chat's second message is answered after its first even when the first is slower;
    another chat is not held up meanwhile."""

    async def scenario() -> None:
        async with fake_rasa({"first": 1.5}) as received:
            url = received.pop(0)
            async with running_bot(url) as bot:
                fake = bot.fake
                one, two = new_user(910081), new_user(910082, "Sam")
                chat_one, chat_two = FakeBotApi.private_chat(one), FakeBotApi.private_chat(two)
                fake.push_message(chat_one, one, "first")
                fake.push_message(chat_one, one, "second")
                fake.push_message(chat_two, two, "other chat")
                await fake.wait_for_messages(chat_one["id"], 2)
                assert fake.sent_texts(chat_one["id"]) == ["first", "second"]
                assert fake.calls_to("sendMessage")[0].params["text"] == "other chat"
                assert bot.application.update_processor.active_chats == 0  # idle chats forgotten

    run(scenario())


def test_photo_and_other_media_are_never_downloaded() -> None:
    """A photo: a kind reply with a help button, the photo deleted, never fetched (no getFile).
    Voice asks to type; a location share gets the reminder; a sticker a gentle reply."""

    async def scenario() -> None:
        async with running_bot() as bot:
            fake = bot.fake
            user = new_user(910091)
            chat = FakeBotApi.private_chat(user)
            photo = [
                {"file_id": "AgAD-small", "file_unique_id": "s1", "width": 90, "height": 90},
                {"file_id": "AgAD-large", "file_unique_id": "l1", "width": 900, "height": 900},
            ]
            fake.push_message(chat, user, None, photo=photo)
            photo_id = max(m for (c, m) in fake.messages if c == chat["id"])
            await fake.wait_for(lambda: fake.calls_to("deleteMessage", chat["id"]))
            assert fake.sent_texts(chat["id"]) == [TEXTS.get("media")]
            assert [bot.payload(b) for b in bot.keyboard(chat["id"])] == ["/ask_help"]
            assert fake.calls_to("deleteMessage", chat["id"])[0].params["message_id"] == photo_id

            voice = {"file_id": "AwAD", "file_unique_id": "v1", "duration": 3}
            assert await ask(bot, chat, user, None, voice=voice) == [TEXTS.get("voice")]
            location = {"latitude": 51.5, "longitude": -0.12}
            assert await ask(bot, chat, user, None, location=location) == [TEXTS.get("location")]
            sticker = {
                "file_id": "CAAD",
                "file_unique_id": "k1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
            assert await ask(bot, chat, user, None, sticker=sticker) == [TEXTS.get("sticker")]
            assert not [c for c in fake.calls if c.method == "getFile"]
            assert len(fake.calls_to("deleteMessage")) == 1

    run(scenario())


def test_groups_get_general_words_and_a_private_chat_button() -> None:
    """In a group: plain text ignored, a mention or a command answered with general words and a
    t.me button to a private chat (never the assistant's individual advice). Channel posts
    are ignored."""

    async def scenario() -> None:
        async with running_bot() as bot:
            fake = bot.fake
            user = new_user(910101)
            group = FakeBotApi.group_chat(-4000000101)
            fake.push_message(group, user, "hello everyone, i want to kill myself")
            mention = f"@{BOT_USERNAME} someone is blackmailing me"
            entity = {"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}
            fake.push_message(group, user, mention, entities=[entity])
            await fake.wait_for_messages(group["id"], 1)
            fake.push_message(group, user, f"/help@{BOT_USERNAME}")
            fake.push_message(group, user, "/start@SomeOtherBot")
            channel = {"id": -1000000202, "type": "channel", "title": "News"}
            post = {"message_id": 5, "date": int(time.time()), "chat": channel, "text": "/start"}
            fake.queue(fake.new_update("channel_post", post))
            await fake.wait_for_messages(group["id"], 2)
            await settle(fake, group["id"], quiet=1.0)
            assert fake.sent_texts(group["id"]) == [TEXTS.get("group")] * 2
            url = f"https://t.me/{BOT_USERNAME}?start=group"
            for index in (0, 1):
                assert bot.keyboard(group["id"], index) == [
                    {"text": TEXTS.entry("buttons", "private_chat"), "url": url}
                ]
            assert not fake.calls_to("sendChatAction")
            assert not fake.calls_to("sendMessage", channel["id"])

    run(scenario())


def test_429_retry_after_delivers_once() -> None:
    """Telegram answers 429 with retry_after: the rate limiter waits and sends again, and the
    message is delivered exactly once."""

    async def scenario() -> None:
        async with running_bot() as bot:
            fake = bot.fake
            fake.fail_next("sendMessage", 429, retry_after=1)
            user = new_user(910111)
            chat = FakeBotApi.private_chat(user)
            await ask(bot, chat, user, "/start")
            failed = fake.calls_to("sendMessage", chat["id"], ok=False)
            delivered = fake.calls_to("sendMessage", chat["id"])
            assert len(failed) == 1 and len(delivered) == 1
            assert delivered[0].params["text"] == TEXTS.get("welcome")
            assert delivered[0].at - failed[0].at >= 1.0

    run(scenario())


def test_error_handler_gives_a_kind_reply(caplog: pytest.LogCaptureFixture) -> None:
    """An unexpected Bot API error while answering: the error handler logs only the exception
    type and update id, and the child still gets a kind reply with emergency numbers."""

    async def scenario() -> None:
        async with running_bot() as bot:
            bot.fake.fail_next("sendMessage", 400, "Bad Request: something unexpected")
            user = new_user(910121)
            chat = FakeBotApi.private_chat(user)
            replies = await ask(bot, chat, user, "/country")
            assert replies == [f"{TEXTS.get('error_reply')}\n\n{offline_reply()}"]

    run(scenario())
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(re.fullmatch(r"update \d+ failed: BadRequest", m) for m in errors), errors
    assert not any("910121" in m or "country" in m.lower() for m in errors)


# ---------------------------------------------------------------- webhook mode


def test_webhook_secret_and_duplicates() -> None:
    """Webhook mode: setWebhook with the secret token; a wrong or missing secret is rejected with
    403 and nothing answered; the same update posted twice is answered once."""

    async def scenario() -> None:
        async with running_bot(webhook=True) as bot:
            fake = bot.fake
            webhook = fake.calls_to("setWebhook")[0].params
            assert webhook["url"] == WEBHOOK_URL and webhook["secret_token"] == WEBHOOK_SECRET
            assert "channel_post" not in webhook["allowed_updates"]
            local = f"http://127.0.0.1:{bot.settings.webhook_port}/{bot.settings.webhook_path}"
            user = new_user(910141)
            chat = FakeBotApi.private_chat(user)
            update = fake.new_update("message", fake.user_message(chat, user, "/start"))
            async with httpx.AsyncClient(timeout=10) as client:
                for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"}, {}):
                    response = await client.post(local, json=update, headers=headers)
                    assert response.status_code == 403
                await asyncio.sleep(0.5)
                assert not fake.calls_to("sendMessage")

                good = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
                for _ in range(2):
                    response = await client.post(local, json=update, headers=good)
                    assert response.status_code == 200
            await fake.wait_for_messages(chat["id"], 1)
            await settle(fake, chat["id"], quiet=1.0)
            assert fake.sent_texts(chat["id"]) == [TEXTS.get("welcome")]

    run(scenario())


# ---------------------------------------------------------------- Traditional Chinese (zh-TW)

_CHINESE_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def mostly_chinese(texts: List[str]) -> bool:
    """True when an answer is written in Chinese: more Chinese characters than Latin words (a
    Chinese answer may name "Find A Helpline"; an English one naming 台灣 does not count)."""
    text = " ".join(texts)
    chinese = len(_CHINESE_CHARACTER.findall(text))
    return chinese >= 5 and chinese > len(_LATIN_WORD.findall(text))


def chinese_user(user_id: int, name: str = "Mei") -> Dict[str, Any]:
    """A user whose Telegram interface is in Chinese (language_code is only a hint)."""
    return {**new_user(user_id, name), "language_code": "zh-hant"}


def rasa_slot(assistant: LocalStack, sender_id: str, slot: str) -> Any:
    """A slot of a conversation, read from Rasa's HTTP API (token required)."""
    response = httpx.get(
        f"{assistant.rasa_url}/conversations/{sender_id}/tracker",
        params={"token": TEST_API_TOKEN},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["slots"].get(slot)


async def choose(harness: Harness, chat: Dict, user: Dict, data: str) -> List[str]:
    """Presses a button of the last message by its callback data; returns what was sent."""
    fake, chat_id = harness.fake, chat["id"]
    before = len(fake.calls_to("sendMessage", chat_id))
    fake.push_callback(user, harness.sent_message(chat_id), data)
    await fake.wait_for_messages(chat_id, before + 1)
    await settle(fake, chat_id)
    return fake.sent_texts(chat_id)[before:]


def test_chinese_message_gets_a_chinese_reply(assistant: LocalStack) -> None:
    """An English-interface user who writes Chinese gets Chinese from Rasa and from the bot
    itself; a message whose script does not tell ("hi") keeps Chinese, through the metadata."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            user = new_user(910201)
            chat = FakeBotApi.private_chat(user)
            replies = await ask(bot, chat, user, "你好")
            assert mostly_chinese(replies), replies
            assert offline_reply(CHINESE) not in replies[0]
            assert bot.haven.languages[chat["id"]] == CHINESE

            welcome = await ask(bot, chat, user, "/start")
            assert welcome == [TEXTS.get("welcome", CHINESE)]
            titles = [b["text"] for b in bot.keyboard(chat["id"])]
            assert TEXTS.entry("buttons", "help_now", CHINESE) in titles

            again = await ask(bot, chat, user, "hi")
            assert mostly_chinese(again), again

            english = await ask(bot, chat, user, "what can you help me with?")
            assert not mostly_chinese(english), english

    run(scenario())


def test_language_command_switches_to_chinese_and_back(assistant: LocalStack) -> None:
    """/language offers English and 繁體中文; choosing one is relayed to Rasa as
    /set_language{"language": ...} with that language as metadata, Rasa's `language` slot
    follows and its confirmation is sent; later messages and pickers are in that language."""

    async def scenario() -> None:
        proxy = await RecordingProxy(assistant.rasa_port).start()
        try:
            async with running_bot(f"http://127.0.0.1:{proxy.port}") as bot:
                fake = bot.fake
                user = new_user(910211)
                chat = FakeBotApi.private_chat(user)
                sender = bot.haven.pseudonymizer.sender_id("telegram", user["id"])
                picker = await ask(bot, chat, user, "/language")
                question = f"{TEXTS.get('language_question')}\n{TEXTS.get('language_coming')}"
                assert picker == [question]
                assert [(b["text"], b["callback_data"]) for b in bot.keyboard(chat["id"])] == [
                    ("English", "lang:en"),
                    ("繁體中文", "lang:zh-TW"),
                ]
                picker_id = bot.sent_message(chat["id"])["message_id"]

                confirm = await choose(bot, chat, user, "lang:zh-TW")
                assert confirm and mostly_chinese(confirm), confirm
                assert offline_reply(CHINESE) not in confirm[0]
                assert fake.calls_to("answerCallbackQuery")
                edits = fake.calls_to("editMessageReplyMarkup", chat["id"])
                assert [e.params["message_id"] for e in edits] == [picker_id]
                assert rasa_slot(assistant, sender, "language") == CHINESE

                greeting = await ask(bot, chat, user, "hi")
                assert mostly_chinese(greeting), greeting

                countries = await ask(bot, chat, user, "/country")
                assert countries == [TEXTS.get("country_question", CHINESE)]
                first = bot.keyboard(chat["id"])[0]
                assert first["text"] == "台灣"
                assert bot.payload(first) == country_payload("Taiwan")

                await ask(bot, chat, user, "/language")
                back = await choose(bot, chat, user, "lang:en")
                assert back and not mostly_chinese(back), back
                assert rasa_slot(assistant, sender, "language") == "en"
        finally:
            await proxy.stop()

        relayed = [body for body in proxy.bodies() if body["message"].startswith("/set_language")]
        assert relayed == [
            {
                "sender": sender,
                "message": '/set_language{"language":"zh-TW"}',
                "metadata": {"language": "zh-TW"},
            },
            {
                "sender": sender,
                "message": '/set_language{"language":"en"}',
                "metadata": {"language": "en"},
            },
        ]

    run(scenario())


def test_chinese_crisis_message(assistant: LocalStack) -> None:
    """ "我不想活了" gets a Chinese crisis answer with the wipe button at once; with Taiwan chosen
    in the (Chinese) country picker, the same message gets Taiwan's 1995 or 113 from the
    directory."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            fake = bot.fake
            user = new_user(910221)
            chat = FakeBotApi.private_chat(user)
            taiwan = numbers_for("Taiwan", ["crisis_line", "child_helpline"])
            assert taiwan

            first = await ask(bot, chat, user, "我不想活了")
            assert mostly_chinese(first), first
            joined = " ".join(first)
            assert any(n in joined for n in taiwan) or "findahelpline.com" in joined, first
            assert any(b.get("callback_data") == WIPE_CALLBACK for b in bot.keyboard(chat["id"]))

            await ask(bot, chat, user, "/country")
            before = len(fake.calls_to("sendMessage", chat["id"]))
            await press(bot, chat, user, -1, country_payload("Taiwan"))
            await fake.wait_for_messages(chat["id"], before + 2)
            await settle(fake, chat["id"])
            assert fake.sent_texts(chat["id"])[before] == TEXTS.get(
                "pressed", CHINESE, title="台灣"
            )

            again = await ask(bot, chat, user, "我不想活了")
            assert mostly_chinese(again), again
            assert any(number in " ".join(again) for number in taiwan), again
            assert any(b.get("callback_data") == WIPE_CALLBACK for b in bot.keyboard(chat["id"]))

    run(scenario())


def test_rasa_down_gives_the_chinese_offline_reply() -> None:
    """Without Rasa: a Chinese message gets the Chinese offline reply (Taiwan's numbers from the
    directory first); a Chinese-interface user gets the bot's own words in Chinese, and choosing
    a language is confirmed locally."""

    async def scenario() -> None:
        async with running_bot() as bot:
            user = new_user(910231)
            chat = FakeBotApi.private_chat(user)
            replies = await ask(bot, chat, user, "有人威脅要把我的照片傳出去")
            assert replies == [f"{offline_reply(CHINESE)}\n\n{TEXTS.get('offline_note', CHINESE)}"]
            taiwan_line = replies[0].splitlines()[1]
            assert taiwan_line.startswith("• 台灣：")
            for number in numbers_for("Taiwan", ["emergency", "child_helpline", "crisis_line"]):
                assert number in taiwan_line

            mei = chinese_user(910232)
            mei_chat = FakeBotApi.private_chat(mei)
            assert await ask(bot, mei_chat, mei, "/start") == [TEXTS.get("welcome", CHINESE)]
            voice = {"file_id": "AwAD", "file_unique_id": "v1", "duration": 3}
            assert await ask(bot, mei_chat, mei, None, voice=voice) == [TEXTS.get("voice", CHINESE)]
            offline = await ask(bot, mei_chat, mei, "ok")
            assert offline[0].startswith(offline_reply(CHINESE))
            await ask(bot, mei_chat, mei, "/language")
            assert await choose(bot, mei_chat, mei, "lang:zh-TW") == [
                TEXTS.get("language_set", CHINESE)
            ]
            assert bot.haven.languages[mei_chat["id"]] == CHINESE

    run(scenario())


def test_commands_and_descriptions_in_chinese() -> None:
    """At start-up the command list and both descriptions are set in English for everyone and
    in Chinese with language_code "zh" (what Telegram shows a Chinese interface)."""

    async def scenario() -> None:
        async with running_bot() as bot:
            fake = bot.fake
            commands = {
                call.params.get("language_code"): call.params["commands"]
                for call in fake.calls_to("setMyCommands")
            }
            assert set(commands) == {None, "zh"}
            for code, language in ((None, "en"), ("zh", CHINESE)):
                assert commands[code] == [
                    {"command": name, "description": description}
                    for name, description in TEXTS.commands(language).items()
                ]
            for method, key in (
                ("setMyDescription", "description"),
                ("setMyShortDescription", "short_description"),
            ):
                sent = {c.params.get("language_code"): c.params[key] for c in fake.calls_to(method)}
                assert sent == {None: TEXTS.get(key), "zh": TEXTS.get(key, CHINESE)}

    run(scenario())


def test_chinese_interface_user_pressing_a_welcome_button(assistant: LocalStack) -> None:
    """A child whose Telegram is in Chinese opens the bot and presses a welcome button before
    typing anything: the welcome, the echo and Rasa's answer are all in Chinese (the payload
    carries no script, so Rasa must take the language from the metadata)."""

    async def scenario() -> None:
        async with running_bot(assistant.rasa_url) as bot:
            fake = bot.fake
            user = chinese_user(910241)
            chat = FakeBotApi.private_chat(user)
            assert await ask(bot, chat, user, "/start") == [TEXTS.get("welcome", CHINESE)]
            await press(bot, chat, user, 0, "/ask_cyberbullying")
            await fake.wait_for_messages(chat["id"], 3)
            await settle(fake, chat["id"])
            texts = fake.sent_texts(chat["id"])
            assert texts[1] == TEXTS.get(
                "pressed", CHINESE, title=TEXTS.entry("buttons", "cyberbullying", CHINESE)
            )
            assert mostly_chinese(texts[2:]), texts[2:]
            assert chat["id"] not in bot.haven.languages  # the hint is used, never stored

    run(scenario())
