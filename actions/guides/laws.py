"""The per-country law table (``resources/laws.yml``): what is illegal, under which statute, the
penalty, and the official text it was checked against. Adults get the table; a young user gets
a short calm summary, because the point for a child is that they are protected, not punished."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Extra, validator

from actions.guides.sourced import Sourced, load_guide
from actions.paths import RESOURCES_DIR

LAWS_FILE = RESOURCES_DIR / "laws.yml"
LAW_TOPICS = ("possession", "production_distribution", "grooming", "sextortion", "cyberbullying")


class Law(Sourced):
    id: str
    topic: str
    statute: str
    summary: str
    penalty: str

    @validator("topic")
    def _topic_is_known(cls, value: str) -> str:  # noqa: N805
        if value not in LAW_TOPICS:
            raise ValueError(f"{value!r} is not one of {', '.join(LAW_TOPICS)}")
        return value


class VictimNote(Sourced):
    text: str
    statute: str


class CountryLaws(BaseModel):
    young_summary: str
    laws: List[Law] = []
    victim_note: Optional[VictimNote] = None

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
