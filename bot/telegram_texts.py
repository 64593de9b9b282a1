"""The Telegram front end's own words, loaded from bot/texts/<language>.yml, so a translation (a
Traditional Chinese file is planned) is a new file, not a code change."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping

import yaml

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
DEFAULT_LANGUAGE = "en"


class TextsError(ValueError):
    """A texts file is missing or has the wrong shape."""


def _load_file(path: Path) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TextsError(f"{path.name} must be a mapping of keys to texts")
    return data


class Texts:
    """Looks texts up by language, falling back to English for a missing language or key, so a
    partial translation never leaves a child without an answer."""

    def __init__(self, directory: Path = TEXTS_DIR) -> None:
        self._by_language: Dict[str, Dict[str, Any]] = {
            path.stem: _load_file(path) for path in sorted(directory.glob("*.yml"))
        }
        if DEFAULT_LANGUAGE not in self._by_language:
            raise TextsError(f"{directory}/{DEFAULT_LANGUAGE}.yml is required")

    @property
    def languages(self) -> List[str]:
        """Language codes with a texts file, English first."""
        others = sorted(code for code in self._by_language if code != DEFAULT_LANGUAGE)
        return [DEFAULT_LANGUAGE, *others]

    def raw(self, key: str, language: str = DEFAULT_LANGUAGE) -> Any:
        """The value under a top-level key (a string or a mapping)."""
        for code in (language, DEFAULT_LANGUAGE):
            table = self._by_language.get(code, {})
            if key in table:
                return table[key]
        raise KeyError(key)

    def get(self, key: str, language: str = DEFAULT_LANGUAGE, **values: str) -> str:
        """One text, with {placeholders} filled in."""
        text = self.raw(key, language)
        if not isinstance(text, str):
            raise TextsError(f"text {key!r} is not a string")
        return text.format(**values) if values else text

    def entry(self, table: str, key: str, language: str = DEFAULT_LANGUAGE) -> str:
        """One text from a nested table such as buttons or commands."""
        for code in (language, DEFAULT_LANGUAGE):
            values = self._by_language.get(code, {}).get(table)
            if isinstance(values, Mapping) and key in values:
                return str(values[key])
        raise KeyError(f"{table}.{key}")

    def commands(self, language: str = DEFAULT_LANGUAGE) -> Dict[str, str]:
        """Command name to description, in the file's order (the order Telegram shows)."""
        commands = self.raw("commands", language)
        if not isinstance(commands, Mapping):
            raise TextsError("commands must be a mapping of command to description")
        return {str(name): str(description) for name, description in commands.items()}


@lru_cache(maxsize=1)
def default_texts() -> Texts:
    """The shipped texts, read once."""
    return Texts()
