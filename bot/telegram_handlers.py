"""What the Telegram bot does with each update. Every user message goes to Rasa under a pseudonym;
when Rasa is down, slow or failing, the child still gets the offline reply with emergency numbers.
Nothing here stores message text: only message ids (for /wipe) and each chat's language code
("en" or "zh-TW", from the script of its messages, /language, or the Telegram interface language
as a hint), in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict, deque
from typing import AsyncIterator, Callable, Deque, Dict, List, Optional, Sequence, Tuple

import httpx
from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from actions.countries import home_country
from bot.fallback import offline_reply
from bot.pseudonym import Pseudonymizer
from bot.rasa_client import BotReply, Button, RasaClient
from bot.telegram_format import (
    COUNTRY_CODES,
    LANGUAGE_CALLBACK_PREFIX,
    SOMEWHERE_ELSE_PAYLOAD,
    WIPE_CALLBACK,
    CallbackRegistry,
    country_payload,
    is_sensitive,
    keyboard,
    parse_start_payload,
    plan_messages,
    pressed_title,
)
from bot.telegram_texts import DEFAULT_LANGUAGE, Texts
from haven_nlu.language import detect_language, from_telegram_code, normalise_choice

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
# Bots may delete messages in private chats for 48 hours; a margin avoids failing right at the end.
DELETABLE_SECONDS = 48 * 3600 - 300
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing" for 5 seconds
RETRY_DELAY_SECONDS = 0.3
WELCOME_BUTTONS = [
    ("help_now", "/ask_help"),
    ("grooming", "/ask_grooming"),
    ("sextortion", "/ask_sextortion"),
    ("cyberbullying", "/ask_cyberbullying"),
    ("privacy", "/ask_privacy"),
    ("parents", "/ask_parent_warning_signs"),
]
# Sent to Rasa when a language is chosen with /language, so its `language` slot follows.
SET_LANGUAGE_INTENT = "/set_language"
# Deleted after the reply: a picture of a child should not stay in a chat someone else may see.
_DELETED_MEDIA = ("photo", "video", "video_note", "animation", "document")


class BoundedDict(OrderedDict):
    """A dict that forgets its oldest entries beyond a capacity, so per-chat memory stays bounded
    however many children write to the bot."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def __setitem__(self, key: object, value: object) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.capacity:
            self.popitem(last=False)


class ChatHistory:
    """Ids (never text) of the messages in each private chat for the last 48 hours, both sides,
    so /wipe can delete them. Bounded per chat and in number of chats; lost on restart."""

    def __init__(
        self,
        max_chats: int = 10_000,
        per_chat: int = 1_000,
        max_age: float = DELETABLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._chats: BoundedDict = BoundedDict(max_chats)
        self._per_chat = per_chat
        self._max_age = max_age
        self._clock = clock

    def add(self, chat_id: int, message_id: int) -> None:
        """Remembers one message id of a private chat."""
        ids: Deque[Tuple[int, float]] = self._chats.get(chat_id) or deque(maxlen=self._per_chat)
        ids.append((message_id, self._clock()))
        self._chats[chat_id] = ids

    def take(self, chat_id: int) -> List[int]:
        """Returns and forgets the chat's ids that can still be deleted, oldest first."""
        ids = self._chats.pop(chat_id, None) or deque()
        oldest = self._clock() - self._max_age
        return sorted({message_id for message_id, at in ids if at >= oldest})


class HavenTelegram:
    """The bot's behaviour: one instance per Application, its bound methods are the handlers."""

    def __init__(
        self,
        rasa: RasaClient,
        texts: Texts,
        pseudonymizer: Optional[Pseudonymizer] = None,
        rasa_timeout: float = 5.0,
    ) -> None:
        self.rasa = rasa
        self.texts = texts
        self.pseudonymizer = pseudonymizer or Pseudonymizer()
        self.rasa_timeout = rasa_timeout
        self.registry = CallbackRegistry()
        self.history = ChatHistory()
        self.languages: BoundedDict = BoundedDict(50_000)
        self._seen_updates: BoundedDict = BoundedDict(10_000)

    # ------------------------------------------------------------ helpers

    def language(self, chat: Optional[Chat], user: Optional[User] = None) -> str:
        """The chat's language: the one its messages were last written in or chosen with
        /language; until there is one, the user's Telegram interface language as a hint (used,
        never stored); else English."""
        if chat is not None and chat.id in self.languages:
            return self.languages[chat.id]
        hint = from_telegram_code(user.language_code if user is not None else None)
        return hint if hint in self.texts.languages else DEFAULT_LANGUAGE

    def _language(self, update: Update) -> str:
        return self.language(update.effective_chat, update.effective_user)

    def follow_language(self, chat: Chat, text: Optional[str]) -> None:
        """Remembers the language a message is written in, so the bot's own words and Rasa's
        answers follow the child; a message whose script does not tell ("ok", "👍") keeps the
        earlier language."""
        detected = detect_language(text)
        if detected is not None and detected in self.texts.languages:
            self.languages[chat.id] = detected

    def _remember(self, chat: Chat, message: Optional[Message]) -> None:
        if message is not None and chat.type == ChatType.PRIVATE:
            self.history.add(chat.id, message.message_id)

    async def send_text(
        self, bot: Bot, chat: Chat, text: str, markup: Optional[InlineKeyboardMarkup] = None
    ) -> Message:
        """Sends one message (no link previews: they would fetch links on the child's behalf)
        and remembers its id for /wipe."""
        message = await bot.send_message(
            chat.id,
            text,
            reply_markup=markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        self._remember(chat, message)
        return message

    def _button(self, key: str, payload: str, language: str) -> Button:
        return Button(title=self.texts.entry("buttons", key, language), payload=payload)

    def _wipe_button(self, language: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            self.texts.entry("buttons", "wipe", language), callback_data=WIPE_CALLBACK
        )

    async def send_replies(
        self, bot: Bot, chat: Chat, replies: Sequence[BotReply], language: str
    ) -> None:
        """Sends Rasa's replies as messages, buttons as inline keyboards, and offers the wipe
        button after an answer that lists helplines."""
        planned = plan_messages(replies, self.texts.get("choose", language))
        wipe = is_sensitive(replies) and chat.type == ChatType.PRIVATE
        for index, (text, buttons) in enumerate(planned):
            extra = [self._wipe_button(language)] if wipe and index == len(planned) - 1 else []
            await self.send_text(bot, chat, text, keyboard(buttons, self.registry, extra))

    @contextlib.asynccontextmanager
    async def typing(self, bot: Bot, chat: Chat) -> AsyncIterator[None]:
        """Shows "typing..." until the block ends (Telegram clears it after 5 seconds)."""

        async def refresh() -> None:
            while True:
                with contextlib.suppress(TelegramError):
                    await bot.send_chat_action(chat.id, ChatAction.TYPING)
                await asyncio.sleep(TYPING_REFRESH_SECONDS)

        task = asyncio.create_task(refresh())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def ask_rasa(
        self, sender_id: str, message: str, language: Optional[str] = None
    ) -> Optional[List[BotReply]]:
        """Rasa's replies, or None when Rasa cannot answer in time. A failed connection or a
        server error is retried once; a timeout is not (Rasa may still be handling the message,
        and the child should not wait twice)."""
        for attempt in (1, 2):
            try:
                return await asyncio.wait_for(
                    self.rasa.send(sender_id, message, language), timeout=self.rasa_timeout
                )
            except (asyncio.TimeoutError, httpx.TimeoutException):
                logger.warning("Rasa did not answer within %.0f s", self.rasa_timeout)
                return None
            except (httpx.HTTPError, ValueError) as error:
                logger.warning("Rasa failed (%s), attempt %d", type(error).__name__, attempt)
                if attempt == 1:
                    await asyncio.sleep(RETRY_DELAY_SECONDS)
        return None

    async def relay(self, update: Update, bot: Bot, message: str) -> None:
        """Sends a message to Rasa under the user's pseudonym and delivers the answer, or the
        offline reply with emergency numbers when Rasa cannot answer."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        language = self.language(chat, user)
        replies = await self._converse(bot, chat, user, message, language)
        # Every turn of the assistant says something, so an empty answer means Rasa failed inside
        # (its REST channel answers [] on an error, e.g. while the database restarts): the child
        # gets the emergency numbers and is asked to send the message again.
        if not replies:
            note = self.texts.get("offline_note", language)
            await self.send_text(bot, chat, f"{offline_reply(language)}\n\n{note}")
            return
        await self.send_replies(bot, chat, replies, language)

    async def _converse(
        self, bot: Bot, chat: Chat, user: User, message: str, language: str
    ) -> Optional[List[BotReply]]:
        """Rasa's answer to one message, "typing..." shown meanwhile. Only the pseudonym, the
        text and the chat's language go to Rasa: no Telegram id, username or name."""
        sender_id = self.pseudonymizer.sender_id(CHANNEL, user.id)
        async with self.typing(bot, chat):
            return await self.ask_rasa(sender_id, message, language)

    async def set_language(self, update: Update, bot: Bot, chat: Chat, code: str) -> None:
        """A language chosen with /language: remembered for the chat and told to Rasa (its
        `language` slot follows), whose confirmation is sent; the local one when Rasa is down."""
        language, user = normalise_choice(code), update.effective_user
        if language is None or language not in self.texts.languages or user is None:
            expired = self.texts.get("button_expired", self.language(chat, user))
            await self.send_text(bot, chat, expired)
            return
        self.languages[chat.id] = language
        payload = SET_LANGUAGE_INTENT + json.dumps({"language": language}, separators=(",", ":"))
        replies = await self._converse(bot, chat, user, payload, language)
        if replies:
            await self.send_replies(bot, chat, replies, language)
        else:
            await self.send_text(bot, chat, self.texts.get("language_set", language))

    async def group_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group: general words only, and a button that opens a private chat."""
        message = update.effective_message
        if message is None:
            return
        url = f"https://t.me/{context.bot.username}?start=group"
        language = self._language(update)
        title = self.texts.entry("buttons", "private_chat", language)
        await message.reply_text(
            self.texts.get("group", language),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(title, url=url)]]),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _command_chat(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> Optional[Chat]:
        """The private chat a command came from, its message id remembered for /wipe; in a
        group the general reply is sent instead and None returned (no advice in groups)."""
        chat = self._private(update)
        if chat is None:
            await self.group_reply(update, context)
            return None
        self._remember(chat, update.effective_message)
        return chat

    def _private(self, update: Update) -> Optional[Chat]:
        """The chat, when it is a private one; None in groups and channels."""
        chat = update.effective_chat
        return chat if chat is not None and chat.type == ChatType.PRIVATE else None

    # ------------------------------------------------------------ update filters

    async def drop_duplicates(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs first (group -1): an update id seen before (a webhook retried by Telegram or a
        proxy) is dropped, so the child never gets the same answer twice."""
        if update.update_id in self._seen_updates:
            logger.info("duplicate update %d dropped", update.update_id)
            raise ApplicationHandlerStop
        self._seen_updates[update.update_id] = True

    # ------------------------------------------------------------ commands

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start and deep links (/start country_uk, /start topic_sextortion)."""
        chat = await self._command_chat(update, context)
        if chat is None:
            return
        language = self._language(update)
        buttons = [self._button(key, payload, language) for key, payload in WELCOME_BUTTONS]
        await self.send_text(
            context.bot,
            chat,
            self.texts.get("welcome", language),
            keyboard(buttons, self.registry),
        )
        for message in parse_start_payload(context.args[0] if context.args else None):
            await self.relay(update, context.bot, message)

    async def _relay_command(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str
    ) -> None:
        chat = await self._command_chat(update, context)
        if chat is None:
            return
        await self.relay(update, context.bot, message)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: what the assistant can do."""
        await self._relay_command(update, context, "/ask_capabilities")

    async def resources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/resources: Rasa shows a country picker first when it does not know the country."""
        await self._relay_command(update, context, "/ask_help")

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: Rasa asks for confirmation and then erases the stored conversation."""
        await self._relay_command(update, context, "/request_forget")

    async def country(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/country: a picker for the covered countries (the home country of the chat's language
        first: Taiwan for Chinese), and one for anywhere else."""
        chat = await self._command_chat(update, context)
        if chat is None:
            return
        language = self._language(update)
        home = home_country(language)
        buttons = [
            Button(self.texts.entry("country_names", name, language), country_payload(name))
            for name in sorted(COUNTRY_CODES.values(), key=lambda name: name != home)
        ]
        buttons.append(self._button("somewhere_else", SOMEWHERE_ELSE_PAYLOAD, language))
        await self.send_text(
            context.bot,
            chat,
            self.texts.get("country_question", language),
            keyboard(buttons, self.registry),
        )

    async def choose_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: a button per language with a texts file (English, 繁體中文)."""
        chat = await self._command_chat(update, context)
        if chat is None:
            return
        language = self._language(update)
        rows = [
            [
                InlineKeyboardButton(
                    self.texts.get("language_name", code),
                    callback_data=LANGUAGE_CALLBACK_PREFIX + code,
                )
            ]
            for code in self.texts.languages
        ]
        text = (
            f"{self.texts.get('language_question', language)}\n"
            f"{self.texts.get('language_coming', language)}"
        )
        await self.send_text(context.bot, chat, text, InlineKeyboardMarkup(rows))

    async def wipe_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/wipe: deletes this chat's messages, both sides, that are still deletable."""
        chat = await self._command_chat(update, context)
        if chat is None:
            return
        await self.wipe(context.bot, chat, self._language(update))

    async def wipe(self, bot: Bot, chat: Chat, language: str = DEFAULT_LANGUAGE) -> None:
        """Deletes the remembered messages in batches (deleteMessages), one by one if a batch
        fails, then confirms in one short message."""
        ids = self.history.take(chat.id)
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            try:
                await bot.delete_messages(chat.id, batch)
            except TelegramError as error:
                logger.info("batch delete failed (%s); deleting one by one", type(error).__name__)
                for message_id in batch:
                    with contextlib.suppress(TelegramError):
                        await bot.delete_message(chat.id, message_id)
        await self.send_text(bot, chat, self.texts.get("wiped", language))

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have: never passed to Rasa as an intent. In a group, only
        a command addressed to this bot (/x@ThisBot) is answered, not other bots' commands."""
        chat, message = self._private(update), update.effective_message
        if chat is None:
            command = (message.text or "").split(maxsplit=1)[0] if message else ""
            if command.lower().endswith(f"@{context.bot.username}".lower()):
                await self.group_reply(update, context)
            return
        self._remember(chat, update.effective_message)
        await self.send_text(
            context.bot, chat, self.texts.get("unknown_command", self._language(update))
        )

    # ------------------------------------------------------------ messages

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private text message (or an edited one, answered as new): its language remembered,
        then relayed to Rasa as is."""
        chat, message = self._private(update), update.effective_message
        if chat is None or message is None or message.text is None:
            return
        self._remember(chat, message)
        self.follow_language(chat, message.text)
        await self.relay(update, context.bot, message.text)

    async def group_mention(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group message: answered only when it mentions the bot, and only in general."""
        message, chat = update.effective_message, update.effective_chat
        if message is not None and chat is not None and mentions_bot(message, context.bot):
            self.follow_language(chat, message.text or message.caption)
            await self.group_reply(update, context)

    async def media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pictures, videos, files, stickers, voice, locations and contacts: never downloaded or
        stored. A kind answer for each; pictures, videos and files are deleted from the chat."""
        chat, message = self._private(update), update.effective_message
        if chat is None or message is None:
            return
        language = self._language(update)
        if any(getattr(message, kind) for kind in _DELETED_MEDIA):
            help_button = self._button("get_help", "/ask_help", language)
            markup = keyboard([help_button], self.registry)
            await self.send_text(context.bot, chat, self.texts.get("media", language), markup)
            try:
                await context.bot.delete_message(chat.id, message.message_id)
            except TelegramError as error:
                logger.warning("could not delete a media message (%s)", type(error).__name__)
            return
        self._remember(chat, message)
        if message.sticker:
            key = "sticker"
        elif message.voice or message.audio:
            key = "voice"
        elif message.location or message.venue or message.contact:
            key = "location"
        else:
            key = "unsupported"
        await self.send_text(context.bot, chat, self.texts.get(key, language))

    # ------------------------------------------------------------ buttons

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: answered at once, its keyboard removed so it cannot be
        pressed twice, the choice echoed, then handled like a typed message."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None:
            return
        data = query.data or ""
        payload = self.registry.decode(data)
        known = data == WIPE_CALLBACK or data.startswith(LANGUAGE_CALLBACK_PREFIX) or payload
        language = self._language(update)
        if chat is None or chat.type != ChatType.PRIVATE or not known:
            await query.answer(self.texts.get("button_expired", language), show_alert=True)
            return
        await query.answer()
        if data == WIPE_CALLBACK:
            await self.wipe(context.bot, chat, language)
            return
        message = query.message if isinstance(query.message, Message) else None
        title = pressed_title(message.reply_markup if message else None, data)
        if message is not None and message.reply_markup is not None:
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except TelegramError as error:  # already removed, or too old to edit
                logger.info("keyboard not removed (%s)", type(error).__name__)
        if data.startswith(LANGUAGE_CALLBACK_PREFIX):
            code = data[len(LANGUAGE_CALLBACK_PREFIX) :]
            await self.set_language(update, context.bot, chat, code)
            return
        if title:
            pressed = self.texts.get("pressed", language, title=title)
            await self.send_text(context.bot, chat, pressed)
        await self.relay(update, context.bot, payload or "")

    # ------------------------------------------------------------ errors

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The one error handler: logs the exception type and update id only (never text or user
        data), and gives a private chat a kind reply with the emergency numbers."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("update %s failed: %s", update_id, type(context.error).__name__)
        if not isinstance(update, Update):
            return
        chat = self._private(update)
        if chat is None:
            return
        language = self._language(update)
        text = f"{self.texts.get('error_reply', language)}\n\n{offline_reply(language)}"
        try:
            await self.send_text(context.bot, chat, text)
        except TelegramError as error:
            logger.error("could not send the error reply: %s", type(error).__name__)


def mentions_bot(message: Message, bot: Bot) -> bool:
    """True when a message @-mentions the bot (by username, or a mention that links its id)."""
    username = f"@{bot.username}".lower()
    entities: Dict[MessageEntity, str] = {
        **message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]),
        **message.parse_caption_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]),
    }
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text.lower() == username:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False
