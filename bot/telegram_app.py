"""Builds the python-telegram-bot Application and wires Haven's handlers into it: rate limiting,
per-chat ordering, duplicate-update dropping, the command list, and logs that never carry the
bot token or what a child wrote."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, Awaitable, Dict, List, Optional, Set

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.pseudonym import Pseudonymizer
from bot.rasa_client import RasaClient
from bot.telegram_handlers import HavenTelegram
from bot.telegram_settings import TelegramSettings
from bot.telegram_texts import DEFAULT_LANGUAGE, Texts, default_texts

logger = logging.getLogger(__name__)

HAVEN_KEY = "haven"  # where the HavenTelegram instance lives in application.bot_data
# Only what the bot handles: channel posts, polls, inline queries and the rest never arrive.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT = timedelta(seconds=10)
MAX_CONCURRENT_UPDATES = 256
RATE_LIMIT_RETRIES = 3  # retries on RetryAfter (429): a reply is delayed, never dropped

# ---------------------------------------------------------------- ordering within a chat


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Processes updates of different chats concurrently and updates of one chat in arrival
    order, so a child's second message is never answered before the first. A chat's lock only
    exists while one of its updates is in flight, so memory stays bounded."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: Dict[int, asyncio.Lock] = {}
        self._waiting: Dict[int, int] = {}

    @property
    def active_chats(self) -> int:
        """Chats with an update in flight (for tests and monitoring)."""
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id]
                del self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


# ---------------------------------------------------------------- logs


_REDACTED = "[REDACTED]"
_secrets_to_redact: Set[str] = set()
_factory_installed = False


def _redact(text: str) -> str:
    for secret in _secrets_to_redact:
        text = text.replace(secret, _REDACTED)
    return text


def install_log_redaction(*secrets: Optional[str]) -> None:
    """Removes the given secrets (the bot token, the webhook secret) from every log record of
    the process, whoever logs it and wherever it goes: python-telegram-bot puts the token in
    some exception messages, and httpx in its request lines."""
    global _factory_installed
    _secrets_to_redact.update(s for s in secrets if s)
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not _secrets_to_redact:
            return record
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        if any(secret in message for secret in _secrets_to_redact):
            record.msg, record.args = _redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def quiet_noisy_loggers() -> None:
    """httpx logs every request URL at INFO, and Telegram's URLs contain the bot token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(settings: TelegramSettings, level: int = logging.INFO) -> None:
    """Plain logs to stderr with the token redacted and the request loggers quiet."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_noisy_loggers()
    install_log_redaction(settings.token, settings.webhook_secret)


# ---------------------------------------------------------------- start-up


def telegram_language_code(language: str) -> Optional[str]:
    """The Bot API's language_code for a texts language ("zh-TW" -> "zh": Telegram takes a
    two-letter ISO 639-1 code), or None for English, the default every user sees otherwise."""
    return None if language == DEFAULT_LANGUAGE else language.split("-")[0].lower()


async def announce(application: Application) -> None:
    """At start-up: the command list and the descriptions shown before a chat starts, in English
    for everyone and in each other language for users whose Telegram interface uses it. A
    failure here is logged and the bot still serves."""
    texts: Texts = application.bot_data[HAVEN_KEY].texts
    bot = application.bot
    for language in texts.languages:
        code = telegram_language_code(language)
        commands: List[BotCommand] = [
            BotCommand(name, description) for name, description in texts.commands(language).items()
        ]
        try:
            await bot.set_my_commands(commands, language_code=code)
            await bot.set_my_description(texts.get("description", language), language_code=code)
            await bot.set_my_short_description(
                texts.get("short_description", language), language_code=code
            )
        except TelegramError as error:
            logger.warning(
                "could not set the command list or description (%s): %s",
                language,
                type(error).__name__,
            )


async def close_rasa(application: Application) -> None:
    """Closes the HTTP client to Rasa on shutdown."""
    await application.bot_data[HAVEN_KEY].rasa.close()


def add_handlers(application: Application, haven: HavenTelegram) -> None:
    """Registers every handler; order matters within group 0 (first match wins)."""
    messages = filters.UpdateType.MESSAGES  # new and edited messages, never channel posts
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    application.add_handler(TypeHandler(Update, haven.drop_duplicates), group=-1)
    commands = {
        "start": haven.start,
        "help": haven.help,
        "resources": haven.resources,
        "country": haven.country,
        "language": haven.choose_language,
        "forget": haven.forget,
        "wipe": haven.wipe_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=messages))
    application.add_handler(CallbackQueryHandler(haven.button))
    application.add_handler(
        MessageHandler(messages & filters.COMMAND & (private | groups), haven.unknown_command)
    )
    application.add_handler(MessageHandler(messages & private & filters.TEXT, haven.text))
    application.add_handler(
        MessageHandler(
            messages & groups & (filters.Entity("mention") | filters.Entity("text_mention")),
            haven.group_mention,
        )
    )
    application.add_handler(MessageHandler(messages & private, haven.media))
    application.add_error_handler(haven.error)


def build_application(
    settings: TelegramSettings,
    texts: Optional[Texts] = None,
    pseudonymizer: Optional[Pseudonymizer] = None,
) -> Application:
    """The Application for these settings, with its handlers; not started. Fails at once when
    the pseudonym secret is missing, before any message could reach Rasa."""
    install_log_redaction(settings.token, settings.webhook_secret)
    quiet_noisy_loggers()
    haven = HavenTelegram(
        rasa=RasaClient(settings.rasa_url, timeout=settings.rasa_timeout),
        texts=texts or default_texts(),
        pseudonymizer=pseudonymizer or Pseudonymizer(),
        rasa_timeout=settings.rasa_timeout,
    )
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(announce)
        .post_shutdown(close_rasa)
        .build()
    )
    application.bot_data[HAVEN_KEY] = haven
    add_handlers(application, haven)
    return application


def polling_options() -> Dict[str, Any]:
    """Arguments for run_polling / Updater.start_polling. Pending updates are kept: a message a
    child sent while the bot was down is still answered."""
    return {"timeout": POLL_TIMEOUT, "allowed_updates": ALLOWED_UPDATES}


def webhook_options(settings: TelegramSettings) -> Dict[str, Any]:
    """Arguments for run_webhook / Updater.start_webhook: loopback only, behind a reverse proxy
    that terminates HTTPS; Telegram's secret token is required on every request."""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path,
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def serve(application: Application, settings: TelegramSettings) -> None:
    """Runs until stopped (Ctrl-C or SIGTERM): webhook mode when a webhook URL is set, long
    polling otherwise."""
    if settings.webhook_mode:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling(**polling_options())
