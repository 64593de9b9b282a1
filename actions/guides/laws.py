"""The per-country law table (``resources/laws.yml``): what is illegal, under which statute, the
penalty, and the official text it was checked against. Adults get the table; a young user gets
a short calm summary, because the point for a child is that they are protected, not punished.
Translations sit next to the English they translate (``translations: {zh-TW: ...}``); statute
names are never translated, they stay as the official source writes them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Extra, validator

from actions.guides.sourced import Sourced, load_guide
from actions.paths import RESOURCES_DIR
from actions.texts.translated import Translatable, known_languages

LAWS_FILE = RESOURCES_DIR / "laws.yml"
LAW_TOPICS = ("possession", "production_distribution", "grooming", "sextortion", "cyberbullying")


class _Words(BaseModel):
    """A translation: the same field names as the English, each optional."""

    class Config:
        extra = Extra.forbid
        allow_mutation = False


class LawWords(_Words):
    summary: Optional[str] = None
    penalty: Optional[str] = None


class VictimNoteWords(_Words):
    text: Optional[str] = None


class CountryWords(_Words):
    young_summary: Optional[str] = None


_languages = validator("translations", allow_reuse=True)(known_languages)


class Law(Sourced, Translatable):
    id: str
    topic: str
    statute: str
    summary: str
    penalty: str
    translations: Dict[str, LawWords] = {}

    _translations = _languages

    @validator("topic")
    def _topic_is_known(cls, value: str) -> str:  # noqa: N805
        if value not in LAW_TOPICS:
            raise ValueError(f"{value!r} is not one of {', '.join(LAW_TOPICS)}")
        return value


class VictimNote(Sourced, Translatable):
    text: str
    statute: str
    translations: Dict[str, VictimNoteWords] = {}

    _translations = _languages


class CountryLaws(BaseModel, Translatable):
    young_summary: str
    laws: List[Law] = []
    victim_note: Optional[VictimNote] = None
    translations: Dict[str, CountryWords] = {}

    _translations = _languages

    class Config:
        extra = Extra.forbid


class LawTable(BaseModel):
    countries: Dict[str, CountryLaws]
    unverified: List[Dict[str, Any]] = []

    class Config:
        extra = Extra.forbid

    def for_country(self, country: Optional[str]) -> Optional[CountryLaws]:
        return self.countries.get(country or "")


@lru_cache(maxsize=4)
def load_laws(path: Path = LAWS_FILE) -> LawTable:
    """The validated law table; cached because the action server reads it on every request."""
    return load_guide(path, LawTable)
