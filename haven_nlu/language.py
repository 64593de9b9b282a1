"""Which language a user writes in: English or Traditional Chinese (Taiwan).

One plain function shared by the Rasa component (it sets the `language` slot) and the Telegram
front end (it picks its own texts), so both always agree. The script of the message decides;
a message with no clear script ("ok", "👍", "?") changes nothing and the earlier choice stays.
A mixed message ("他說要po我的nudes") counts as Chinese: any Chinese character does.
"""

from __future__ import annotations

import re
from typing import Optional

ENGLISH = "en"
CHINESE = "zh-TW"
LANGUAGES = (ENGLISH, CHINESE)
DEFAULT_LANGUAGE = ENGLISH

# CJK Unified Ideographs (and extension A), the compatibility block, and bopomofo (注音文: ㄅㄆㄇ).
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3100-\u312f\u31a0-\u31bf]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Two Latin words make a message English ("help me", "kms tbh"); one ("ok", "hi") is too little.
_ENGLISH_MIN_WORDS = 2


def detect_language(text: Optional[str]) -> Optional[str]:
    """The language a message is written in, or None when its script does not tell."""
    if not text:
        return None
    if _CHINESE.search(text):
        return CHINESE
    if len(_LATIN_WORD.findall(text)) >= _ENGLISH_MIN_WORDS:
        return ENGLISH
    return None


def from_telegram_code(code: Optional[str]) -> Optional[str]:
    """Telegram's `language_code` (an IETF tag such as "zh-hant" or "en") as a hint: every
    Chinese tag maps to Traditional Chinese, the only Chinese this assistant writes."""
    if not code:
        return None
    code = code.lower()
    if code.startswith("zh"):
        return CHINESE
    if code.startswith("en"):
        return ENGLISH
    return None


def normalise_choice(code: Optional[str]) -> Optional[str]:
    """A language code from a button or the metadata, if it is one this assistant speaks."""
    return code if code in LANGUAGES else None
