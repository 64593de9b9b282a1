"""Shapes assistant replies for Telegram's limits: messages of at most 4,096 characters, callback
data of at most 64 bytes, deep-link payloads from an allow-list. Pure functions and one small
in-memory table, so each limit is tested on its own."""

from __future__ import annotations

import json
import re
import secrets
from collections import OrderedDict
from typing import Iterable, List, Optional, Sequence, Tuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rasa_client import BotReply, Button

MAX_MESSAGE_LENGTH = 4096  # Telegram's limit, in UTF-16 code units after entity parsing
MAX_CALLBACK_BYTES = 64
WIPE_CALLBACK = "wipe"
LANGUAGE_CALLBACK_PREFIX = "lang:"
_PAYLOAD_PREFIX = "r:"  # the Rasa payload itself, when it fits
_TOKEN_PREFIX = "t:"  # a short token standing for a longer payload

# Where to cut a long reply, best first: a paragraph, a line, a sentence end, a word.
_BREAKS = [
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"')\]]))\s+|(?<=[。！？])\s*"),
    re.compile(r"\s+"),
]


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> int:
    """The longest prefix (in characters) within the limit, never splitting a surrogate pair."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> List[str]:
    """Splits a reply into messages within the limit, cutting at the latest paragraph, line,
    sentence or word boundary that fits; only a single overlong word is cut mid-word."""
    chunks: List[str] = []
    rest = text.strip()
    while rest:
        if telegram_length(rest) <= limit:
            chunks.append(rest)
            break
        window = rest[: _hard_cut(rest, limit)]
        cut = 0
        for pattern in _BREAKS:
            ends = [match for match in pattern.finditer(window) if match.start() > 0]
            if ends:
                cut = ends[-1].start()
                chunk, rest = rest[:cut], rest[ends[-1].end() :]
                break
        if not cut:
            chunk, rest = window, rest[len(window) :]
        chunk = chunk.strip()
        if chunk:
            chunks.append(chunk)
        rest = rest.strip()
    return chunks


class CallbackRegistry:
    """Maps Rasa button payloads to callback data of at most 64 bytes. Short payloads travel as
    they are; longer ones get a random token kept in a bounded in-memory table (after a restart
    or eviction the button expires and the user is asked to type instead)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        """Callback data for a payload: the payload itself, or a token standing for it."""
        data = _PAYLOAD_PREFIX + payload
        if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return data
        token = secrets.token_urlsafe(12)
        self._payloads[token] = payload
        while len(self._payloads) > self._capacity:
            self._payloads.popitem(last=False)
        return _TOKEN_PREFIX + token

    def decode(self, data: Optional[str]) -> Optional[str]:
        """The payload behind callback data, or None when it is unknown or has expired."""
        if not data:
            return None
        if data.startswith(_PAYLOAD_PREFIX):
            return data[len(_PAYLOAD_PREFIX) :] or None
        if data.startswith(_TOKEN_PREFIX):
            return self._payloads.get(data[len(_TOKEN_PREFIX) :])
        return None


def keyboard(
    buttons: Sequence[Button],
    registry: CallbackRegistry,
    extra: Iterable[InlineKeyboardButton] = (),
) -> Optional[InlineKeyboardMarkup]:
    """One button per row (titles can be long on a phone screen), extra buttons last."""
    rows = [
        [InlineKeyboardButton(button.title, callback_data=registry.encode(button.payload))]
        for button in buttons
        if button.title and button.payload
    ]
    rows.extend([button] for button in extra)
    return InlineKeyboardMarkup(rows) if rows else None


def pressed_title(markup: Optional[InlineKeyboardMarkup], data: Optional[str]) -> Optional[str]:
    """The title of the button with this callback data in a message's keyboard."""
    if markup is None or data is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


# ---------------------------------------------------------------- what Rasa is sent

COUNTRY_CODES = {
    "tw": "Taiwan",
    "us": "United States",
    "uk": "United Kingdom",
    "jp": "Japan",
    "kr": "South Korea",
}
# Deep-link topics an NGO may open the bot on, and the intent each one starts.
TOPIC_INTENTS = {
    "help": "ask_help",
    "grooming": "ask_grooming",
    "sextortion": "ask_sextortion",
    "cyberbullying": "ask_cyberbullying",
    "privacy": "ask_privacy",
    "meeting": "ask_meeting_stranger",
    "harmful_content": "ask_harmful_content",
    "csam_report": "ask_csam_report",
    "reporting": "ask_report_platform",
    "law": "ask_law",
    "parents": "ask_parent_warning_signs",
    "shelter": "ask_shelter",
}
# Rasa's own "Another country" button: the assistant answers with the international route.
SOMEWHERE_ELSE_PAYLOAD = "/inform_country"
_DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Telegram's rule for start parameters


def country_payload(country: str) -> str:
    """The message that tells Rasa the user's country, as Rasa's own country buttons do."""
    return "/inform_country" + json.dumps({"country": country}, ensure_ascii=False)


def parse_start_payload(payload: Optional[str]) -> List[str]:
    """Messages for Rasa from a deep link (t.me/<bot>?start=<payload>): `country_uk`,
    `topic_sextortion`, or both joined by `-` (`country_uk-topic_sextortion`). Anything not on
    the allow-list is ignored, so a link can never inject arbitrary intents or text."""
    if not payload or not _DEEP_LINK.match(payload):
        return []
    messages: List[str] = []
    for part in payload.lower().split("-")[:2]:
        kind, _, value = part.partition("_")
        if kind == "country" and value in COUNTRY_CODES:
            messages.append(country_payload(COUNTRY_CODES[value]))
        elif kind == "topic" and value in TOPIC_INTENTS:
            messages.append("/" + TOPIC_INTENTS[value])
    return messages


# ---------------------------------------------------------------- sensitive answers

# A helpline line in Haven's answers reads "call 116 123", "call or text 988" (in Chinese "打 1995",
# "打電話或傳簡訊到 988"); the international route links Find A Helpline. Either means the
# conversation touched something a child may not want someone else who checks their phone to see.
_HELPLINE_NUMBER = re.compile(
    r"\b(?:call|text)(?: or text)?:? \+?\d|(?:打|撥|傳簡訊到) ?\+?\d", re.IGNORECASE
)
_HELPLINE_DIRECTORY = re.compile(r"findahelpline\.com", re.IGNORECASE)


def is_sensitive(replies: Sequence[BotReply]) -> bool:
    """True when an answer lists helplines (a phone number to call or text, or the helpline
    directory): those follow urgent and sensitive topics, so a wipe button is offered."""
    return any(
        _HELPLINE_NUMBER.search(reply.text) or _HELPLINE_DIRECTORY.search(reply.text)
        for reply in replies
    )


def plan_messages(replies: Sequence[BotReply], choose_text: str) -> List[Tuple[str, List[Button]]]:
    """(text, buttons) per Telegram message: long texts split, each reply's buttons on its last
    part, a button-only reply given a short prompt (Telegram needs text)."""
    planned: List[Tuple[str, List[Button]]] = []
    for reply in replies:
        parts = split_text(reply.text) or ([choose_text] if reply.buttons else [])
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            planned.append((part, list(reply.buttons) if last else []))
    return planned
