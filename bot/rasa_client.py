"""Talks to Rasa's REST channel over loopback. Every channel (local chat, Telegram) goes through
this one client, so they all see the same assistant."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx

DEFAULT_RASA_URL = "http://127.0.0.1:5005"
REST_WEBHOOK_PATH = "/webhooks/rest/webhook"


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


class RasaClient:
    """Sends one user message to Rasa and returns the assistant's replies."""

    def __init__(self, base_url: str = DEFAULT_RASA_URL, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(self, sender_id: str, text: str) -> List[BotReply]:
        """Posts one message for a conversation; raises httpx.HTTPError when Rasa fails."""
        response = await self._client.post(
            REST_WEBHOOK_PATH, json={"sender": sender_id, "message": text}
        )
        response.raise_for_status()
        return parse_replies(response.json())

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *exc_info: Optional[BaseException]) -> None:
        await self.close()
