"""The schema every help-directory entry must satisfy (pydantic).

A number a child dials must never be a guess, so an entry without a source, with a check date in
the future, a number that cannot be dialled or an unknown topic is rejected when the directory
loads, with a message naming the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional, Set

from pydantic import BaseModel, Extra, validator

from actions.sourcing import checked_in_the_past, official_page
from actions.texts.translated import Translatable, known_languages
from haven_nlu.language import CHINESE

INTERNATIONAL = "International"
KINDS = (
    "emergency",
    "child_helpline",
    "crisis_line",
    "csam_report",
    "image_takedown",
    "cyberbullying_support",
    "shelter_runaway",
    "police_cyber",
    "parent_support",
    "directory",
)
TOPICS = (
    "self_harm",
    "immediate_danger",
    "abuse",
    "sexual_abuse",
    "grooming",
    "sextortion",
    "csam",
    "image_abuse",
    "cyberbullying",
    "meeting_strangers",
    "privacy",
    "harmful_content",
    "runaway",
    "distress",
    "parenting",
    "scams",
)
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{1,18}[0-9]$|^[0-9]{3,4}$|^#[0-9]{4}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_ID = re.compile(r"^[a-z0-9_]+$")
# What a translation may only repeat, never add: numbers of three digits or more, and links.
_NUMBER = re.compile(r"\d{3,}")
_LINK = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[\x21-\x7e]*)?", re.IGNORECASE)
_ENGLISH_TEXT = ("name", "local_name", "phone", "sms", "chat", "web", "email", "hours", "note")
# What a reader sees in sentences: a translation must cover it when the entry has it.
_TRANSLATED_TEXT = ("note", "hours")
# Countries whose `local_name` is written in a language the assistant speaks: a reader of that
# language is shown the local name (Japanese and Korean local names are not).
LOCAL_NAME_LANGUAGES = {"Taiwan": CHINESE}


class DirectoryError(ValueError):
    """A directory file or entry is malformed; the message names file, entry and field."""


def _facts(text: str) -> Set[str]:
    """The numbers and links in a text, normalised for comparison."""
    links = {link.rstrip(".,;:)").casefold() for link in _LINK.findall(text)}
    return set(_NUMBER.findall(text)) | links


def _known_countries() -> set:
    # Imported here so the schema can be read without the country tables.
    from actions.countries import all_country_names

    return set(all_country_names()) | {INTERNATIONAL}


class Translation(BaseModel):
    """An entry's words in another language: the name its readers know it by, the note and the
    opening hours. Never a number or a link the entry itself does not carry."""

    name: Optional[str] = None
    note: Optional[str] = None
    hours: Optional[str] = None

    class Config:
        extra = Extra.forbid
        allow_mutation = False
        anystr_strip_whitespace = True


class Resource(BaseModel, Translatable):
    """One sourced way to reach help: a hotline, a reporting site, a shelter line."""

    id: str
    name: str
    kind: str
    countries: List[str]
    topics: List[str]
    source: str
    checked: dt.date
    local_name: Optional[str] = None
    phone: Optional[str] = None
    sms: Optional[str] = None
    chat: Optional[str] = None
    web: Optional[str] = None
    email: Optional[str] = None
    hours: Optional[str] = None
    open_24h: Optional[bool] = None
    languages: List[str] = []
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    free: Optional[bool] = None
    confidential: Optional[bool] = None
    audience: Optional[str] = None
    note: Optional[str] = None
    translations: Dict[str, Translation] = {}
    evidence: Optional[str] = None

    class Config:
        extra = Extra.forbid
        allow_mutation = False
        anystr_strip_whitespace = True

    @validator("id")
    def _id_is_a_slug(cls, value: str) -> str:  # noqa: N805
        if not _ID.match(value):
            raise ValueError("must be lowercase letters, digits and underscores")
        return value

    @validator("kind")
    def _kind_is_known(cls, value: str) -> str:  # noqa: N805
        if value not in KINDS:
            raise ValueError(f"{value!r} is not one of {', '.join(KINDS)}")
        return value

    @validator("countries")
    def _countries_are_canonical(cls, value: List[str]) -> List[str]:  # noqa: N805
        if not value:
            raise ValueError("needs at least one country (or International)")
        unknown = [country for country in value if country not in _known_countries()]
        if unknown:
            raise ValueError(f"unknown country name(s) {unknown}; use the English CLDR name")
        return value

    @validator("topics")
    def _topics_are_known(cls, value: List[str]) -> List[str]:  # noqa: N805
        if not value:
            raise ValueError("needs at least one topic")
        unknown = [topic for topic in value if topic not in TOPICS]
        if unknown:
            raise ValueError(f"unknown topic(s) {unknown}; known: {', '.join(TOPICS)}")
        return value

    @validator("phone", "sms", pre=True)
    def _number_is_dialable(cls, value: object) -> Optional[str]:  # noqa: N805
        if value is None:
            return None
        text = str(value).strip()
        if not _PHONE.match(text):
            raise ValueError(f"{text!r} does not parse as a phone number")
        return text

    @validator("web", "chat")
    def _link_is_https(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https URL a child can open safely")
        return value

    @validator("email")
    def _email_is_an_address(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    _source = validator("source", allow_reuse=True)(official_page)
    _checked = validator("checked", allow_reuse=True)(checked_in_the_past)

    @validator("max_age")
    def _ages_are_ordered(cls, value: Optional[int], values: dict) -> Optional[int]:  # noqa: N805
        low = values.get("min_age")
        if value is not None and low is not None and value < low:
            raise ValueError("is below min_age")
        return value

    @validator("translations")
    def _translations_add_no_fact(  # noqa: N805
        cls, value: Dict[str, Translation], values: dict
    ) -> Dict[str, Translation]:
        # Runs after the English fields (field order), so it compares against them.
        known_languages(value)
        english = _facts(" ".join(str(values.get(field) or "") for field in _ENGLISH_TEXT))
        for language, translation in value.items():
            missing = [f for f in _TRANSLATED_TEXT if values.get(f) and not getattr(translation, f)]
            if missing:
                raise ValueError(f"{language}: translate {missing} too, or it shows in English")
            added = _facts(" ".join(filter(None, translation.dict().values()))) - english
            if added:
                raise ValueError(
                    f"{language} translation adds {sorted(added)}: numbers and links come only "
                    "from the entry's own sourced fields"
                )
        return value

    @validator("evidence", always=True)
    def _reachable(cls, value: Optional[str], values: dict) -> Optional[str]:  # noqa: N805
        # Runs last (field order): every entry must give a child some way to reach it.
        if not any(values.get(field) for field in ("phone", "sms", "chat", "web", "email")):
            raise ValueError("entry needs at least one of phone, sms, chat, web or email")
        return value

    @property
    def tel_uri(self) -> Optional[str]:
        """The phone number as a tappable ``tel:`` link."""
        if not self.phone or self.phone.startswith("#"):
            return None
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}"

    def serves(self, country: str) -> bool:
        return country in self.countries

    def display_name(self, language: str) -> str:
        """The name a reader of this language knows the service by: its translated name, else its
        local name where the country writes in this language, else the English name."""
        translated = self._translation("name", language)
        if translated:
            return translated
        local = any(LOCAL_NAME_LANGUAGES.get(country) == language for country in self.countries)
        return self.local_name if self.local_name and local else self.name
