"""The words the custom actions say, one file per language beside this module (``en.yml``,
``zh-TW.yml``), so code never branches on the language: it asks for a text by key.

Every language file holds the same keys (a test checks), so a missing translation fails the tests
instead of showing a child half a sentence. Numbers and links never live here: they come from the
sourced files under resources/.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml
from rasa_sdk import Tracker

from haven_nlu.language import DEFAULT_LANGUAGE, LANGUAGES, normalise_choice

TEXTS_DIR = Path(__file__).resolve().parent


class Texts:
    """One language's words, looked up by dotted key ("help.headings.csam")."""

    def __init__(self, language: str, data: Mapping[str, Any]) -> None:
        self.language = language
        self._data = data

    def get(self, key: str) -> Any:
        """The raw value (a string, list or mapping); a missing key names the file and the key."""
        value: Any = self._data
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise KeyError(f"{self.language}.yml has no text {key!r}")
            value = value[part]
        return value

    def __call__(self, key: str, **values: Any) -> str:
        """The text for a key with its placeholders ({place}, {country}, ...) filled in."""
        return str(self.get(key)).format(**values)

    def country(self, country: str) -> str:
        """A canonical country name as this language writes it (the canonical name otherwise)."""
        return self.get("countries").get(country, country)


@lru_cache(maxsize=len(LANGUAGES))
def texts_for(language: Optional[str]) -> Texts:
    """The words for a language; an unknown or missing language gets the default (English)."""
    language = normalise_choice(language) or DEFAULT_LANGUAGE
    path = TEXTS_DIR / f"{language}.yml"
    data: Dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Texts(language, data)


def user_language(tracker: Tracker) -> str:
    """The conversation's language from the `language` slot ("en" when unset or unknown)."""
    return normalise_choice(tracker.get_slot("language")) or DEFAULT_LANGUAGE
