"""Talks to Rasa's REST channel over loopback. Every channel (local chat, Telegram) goes through
this one client, so they all see the same assistant."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx

DEFAULT_RASA_URL = "http://127.0.0.1:5005"
REST_WEBHOOK_PATH = "/webhooks/rest/webhook"
# A button payload or deep link: /intent or /intent{"entity": "value"}.
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_]+)(?P<entities>\{.*\})?$", re.DOTALL)


@dataclass(frozen=True)
class Button:
    """A suggested answer: what the user sees and what is sent back when they choose it."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotReply:
    """One bubble from the assistant."""

    text: str
    buttons: List[Button] = field(default_factory=list)


def parse_replies(payload: List[Dict[str, Any]]) -> List[BotReply]:
    """Turns Rasa's REST response into replies, skipping parts a text channel cannot show."""
    replies: List[BotReply] = []
    for message in payload:
        text = message.get("text") or ""
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in message.get("buttons") or []
        ]
        if text or buttons:
            replies.append(BotReply(text=text, buttons=buttons))
    return replies


def payload_with_language(text: str, language: Optional[str]) -> str:
    """A payload carrying the chat's language as an entity. Rasa skips its NLU (and so the
    metadata) for payloads: without this, a Chinese user's first button press, or a deep link,
    would be answered in English."""
    match = _PAYLOAD.match(text)
    if not language or match is None:
        return text
    try:
        entities = json.loads(match.group("entities") or "{}")
    except ValueError:
        return text
    if not isinstance(entities, dict) or "language" in entities:
        return text
    entities["language"] = language
    return f"/{match.group('intent')}{json.dumps(entities, ensure_ascii=False)}"


class RasaClient:
    """Sends one user message to Rasa and returns the assistant's replies."""

    def __init__(self, base_url: str = DEFAULT_RASA_URL, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(
        self, sender_id: str, text: str, language: Optional[str] = None
    ) -> List[BotReply]:
        """Posts one message for a conversation; raises httpx.HTTPError when Rasa fails. The
        channel's language for the conversation goes along as metadata (and nothing else does),
        so Rasa answers in it when the message itself does not tell ("ok", "👍")."""
        body: Dict[str, Any] = {
            "sender": sender_id,
            "message": payload_with_language(text, language),
        }
        if language:
            body["metadata"] = {"language": language}
        response = await self._client.post(REST_WEBHOOK_PATH, json=body)
        response.raise_for_status()
        return parse_replies(response.json())

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *exc_info: Optional[BaseException]) -> None:
        await self.close()
