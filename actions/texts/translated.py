"""Sourced facts (directory entries, laws, platform steps) keep their translations next to the
English they translate, so a reviewer checks both against the same source in one place.

A model that mixes in ``Translatable`` has a ``translations`` field: language code -> the same
field names, each optional. A field without a translation falls back to the English.
"""

from __future__ import annotations

from typing import Any, Dict

from haven_nlu.language import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATED_LANGUAGES = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)


def known_languages(value: Dict[str, Any]) -> Dict[str, Any]:
    """Validator: translations only for languages the assistant speaks besides English."""
    unknown = sorted(set(value) - set(TRANSLATED_LANGUAGES))
    if unknown:
        known = ", ".join(TRANSLATED_LANGUAGES)
        raise ValueError(f"no such language {unknown}; translations exist for {known}")
    return value


class Translatable:
    """Reads a field in a language, falling back to the English field."""

    def _translation(self, field: str, language: str) -> Any:
        translations: Dict[str, Any] = getattr(self, "translations", {})
        return getattr(translations.get(language), field, None)

    def in_language(self, field: str, language: str) -> Any:
        """The field in this language, or in English when it has no translation."""
        translated = self._translation(field, language)
        return getattr(self, field) if translated is None else translated

    def has_translation(self, field: str, language: str) -> bool:
        """Whether the field reads in this language (English always does)."""
        return language == DEFAULT_LANGUAGE or self._translation(field, language) is not None
