"""Telegram settings, read once from the environment and checked before anything starts, so a
misconfigured deployment stops with a clear message instead of running half-safe (for example a
public webhook that anyone could post fake updates to)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional
from urllib.parse import urlparse

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
DEFAULT_WEBHOOK_PORT = 8443
# The webhook server only listens on loopback: TLS and the public address are the reverse proxy's.
WEBHOOK_LISTEN = "127.0.0.1"
# Over this, the child gets the offline reply (emergency numbers) instead of waiting.
RASA_TIMEOUT_SECONDS = 5.0

# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as the webhook secret token.
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MIN_SECRET_LENGTH = 16
_TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class SettingsError(ValueError):
    """The environment does not describe a safe, complete Telegram deployment."""


@dataclass(frozen=True)
class TelegramSettings:
    """Everything the Telegram front end needs; the token is kept out of repr so it never ends
    up in a log line or a traceback."""

    token: str = field(repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    webhook_url: Optional[str] = None
    webhook_secret: Optional[str] = field(default=None, repr=False)
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    webhook_listen: str = WEBHOOK_LISTEN
    rasa_url: str = DEFAULT_RASA_URL
    rasa_timeout: float = RASA_TIMEOUT_SECONDS

    @property
    def webhook_mode(self) -> bool:
        """Webhook when a public URL is configured, long polling otherwise."""
        return bool(self.webhook_url)

    @property
    def webhook_path(self) -> str:
        """The path the local webhook server answers: the public URL's path, so a reverse proxy
        can pass requests through unchanged."""
        if not self.webhook_url:
            return ""
        return urlparse(self.webhook_url).path.strip("/")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise SettingsError(f"TELEGRAM_WEBHOOK_PORT must be a number, got {value!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"TELEGRAM_WEBHOOK_PORT must be 1-65535, got {port}")
    return port


def _check_webhook(url: str, secret: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_URL must be a public https:// URL (Telegram only delivers webhooks "
            f"over HTTPS); got {url!r}"
        )
    if not secret:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET is required in webhook mode: without it anyone who finds "
            "the URL can post fake updates. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if not _SECRET_PATTERN.match(secret) or len(secret) < _MIN_SECRET_LENGTH:
        raise SettingsError(
            f"TELEGRAM_WEBHOOK_SECRET must be {_MIN_SECRET_LENGTH}-256 characters of A-Z, a-z, "
            "0-9, _ and - (Telegram's rule for secret_token)"
        )


def load_settings(environ: Mapping[str, str] = os.environ) -> TelegramSettings:
    """Reads and validates the TELEGRAM_* and HAVEN_RASA_URL variables."""
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather)")
    if not _TOKEN_PATTERN.match(token):
        # The message must not repeat the token: it may be printed or logged.
        raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a BotFather token (123:ABC...)")
    api_base_url = environ.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
    if urlparse(api_base_url).scheme not in ("http", "https"):
        raise SettingsError(f"TELEGRAM_API_BASE_URL must be an http(s) URL, got {api_base_url!r}")
    webhook_url = environ.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
    webhook_secret = environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if webhook_url:
        _check_webhook(webhook_url, webhook_secret or "")
    port_text = environ.get("TELEGRAM_WEBHOOK_PORT", "").strip()
    return TelegramSettings(
        token=token,
        api_base_url=api_base_url,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_port=_port(port_text) if port_text else DEFAULT_WEBHOOK_PORT,
        rasa_url=environ.get("HAVEN_RASA_URL", "").strip() or DEFAULT_RASA_URL,
    )
