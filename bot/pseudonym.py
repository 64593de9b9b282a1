"""Turns a channel's user id into the pseudonymous sender id Rasa stores.

Rasa's tracker store keys conversations by sender id; storing a raw Telegram id (or any id that
identifies a child) would make every stored conversation traceable. An HMAC with a secret kept
outside the repo gives a stable key per user that cannot be reversed or recomputed without it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Mapping, Optional

SECRET_ENV = "HAVEN_SENDER_SECRET"
ENVIRONMENT_ENV = "HAVEN_ENV"
DEVELOPMENT = "development"
# Only for a developer's own machine: a fixed secret means pseudonyms are stable across restarts
# there, and the start-up check below refuses it anywhere else.
_DEVELOPMENT_SECRET = "haven-development-only-not-secret"
_MIN_SECRET_LENGTH = 16


class MissingSecretError(RuntimeError):
    """The pseudonym secret is missing or too short outside development."""


def is_development(environ: Mapping[str, str] = os.environ) -> bool:
    """True only when the deployment says it is a developer's machine."""
    return environ.get(ENVIRONMENT_ENV, "").strip().lower() == DEVELOPMENT


def load_secret(environ: Mapping[str, str] = os.environ) -> bytes:
    """Returns the HMAC secret, or stops start-up with a message saying how to set it."""
    secret = environ.get(SECRET_ENV, "")
    if secret:
        if len(secret) < _MIN_SECRET_LENGTH:
            raise MissingSecretError(
                f"{SECRET_ENV} is shorter than {_MIN_SECRET_LENGTH} characters; generate one "
                "with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return secret.encode("utf-8")
    if is_development(environ):
        return _DEVELOPMENT_SECRET.encode("utf-8")
    raise MissingSecretError(
        f"{SECRET_ENV} is not set. It keys the pseudonyms that replace user ids in storage. "
        "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))' and keep it "
        f"outside the repo (or set {ENVIRONMENT_ENV}=development on a developer's machine)."
    )


class Pseudonymizer:
    """Maps (channel, user id) to a stable pseudonym; the same user always gets the same one."""

    def __init__(self, secret: Optional[bytes] = None) -> None:
        self._secret = secret if secret is not None else load_secret()

    def sender_id(self, channel: str, user_id: object) -> str:
        """A 32-hex-character pseudonym, prefixed by the channel so ids never collide."""
        message = f"{channel}:{user_id}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]
        return f"{channel}-{digest}"
