"""`python -m bot` (what `make run` starts): serves Telegram when TELEGRAM_BOT_TOKEN is set,
otherwise opens the local terminal chat. In Telegram mode the assistant (Rasa and the action
server) is started on loopback first unless one already answers at HAVEN_RASA_URL; if it cannot
start, the bot still serves and every message gets the offline reply with emergency numbers."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import ExitStack
from typing import List, Optional
from urllib.parse import urlparse

from bot.local_stack import LOOPBACK, LocalStack, answers
from bot.pseudonym import MissingSecretError, load_secret
from bot.telegram_settings import SettingsError, TelegramSettings, load_settings

logger = logging.getLogger("bot")
DEFAULT_ACTIONS_PORT = 5055


def start_assistant(settings: TelegramSettings, cleanup: ExitStack) -> None:
    """Starts Rasa and the action server on the HAVEN_RASA_URL port when nothing answers there
    yet; a remote or already running Rasa is used as it is."""
    if answers(f"{settings.rasa_url}/"):
        logger.info("using the assistant already running at %s", settings.rasa_url)
        return
    parsed = urlparse(settings.rasa_url)
    if parsed.hostname not in (LOOPBACK, "localhost"):
        logger.warning("the assistant at %s does not answer yet", settings.rasa_url)
        return
    stack = LocalStack(
        rasa_port=parsed.port or 5005,
        actions_port=int(os.environ.get("HAVEN_ACTIONS_PORT", DEFAULT_ACTIONS_PORT)),
    )
    logger.info("starting the assistant (about 30 seconds)")
    try:
        cleanup.enter_context(stack)
    except (RuntimeError, TimeoutError, OSError) as error:
        # Still serve: the offline reply carries the emergency numbers and helplines.
        logger.error("the assistant could not start (%s); serving offline replies", error)


def serve_telegram() -> int:
    """Checks the settings and the pseudonym secret, starts the assistant, serves Telegram."""
    from bot.telegram_app import build_application, configure_logging, serve

    try:
        settings = load_settings()
        load_secret()
    except (SettingsError, MissingSecretError) as error:
        print(f"haven: {error}", file=sys.stderr)
        return 2
    configure_logging(settings)
    with ExitStack() as cleanup:
        start_assistant(settings, cleanup)
        mode = "webhook" if settings.webhook_mode else "long polling"
        logger.info("serving Telegram (%s)", mode)
        serve(build_application(settings), settings)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    if os.environ.get("TELEGRAM_BOT_TOKEN", "").strip():
        return serve_telegram()
    from bot.local_chat import main as local_chat

    return local_chat(argv)


if __name__ == "__main__":
    sys.exit(main())
