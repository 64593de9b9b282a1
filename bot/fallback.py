"""The reply a channel gives on its own when the assistant cannot be reached: it still carries
emergency advice and sourced helplines, so a child is never left with silence. It exists in every
language the front end speaks, the home country of the language listed first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional

import yaml

from actions.countries import home_country
from actions.directory.loader import load_directory
from actions.directory.resolve import covered_countries, resources_for
from actions.directory.schema import INTERNATIONAL, DirectoryError, Resource
from bot.telegram_texts import default_texts
from haven_nlu.language import CHINESE, DEFAULT_LANGUAGE, ENGLISH

logger = logging.getLogger(__name__)

_KINDS_SHOWN = ["emergency", "child_helpline", "crisis_line"]


@dataclass(frozen=True)
class _Words:
    """The fixed words of the offline reply in one language."""

    header: str
    anywhere: str
    footer: str
    last_resort: str
    country_sep: str  # between a country and its numbers
    list_sep: str  # between two numbers
    number_once: bool  # a name that carries its number ("113保護專線") is not followed by it again


_WORDS: Dict[str, _Words] = {
    ENGLISH: _Words(
        header=(
            "Sorry, I can't answer properly right now, but help is still here. "
            "If you are in danger right now, call your local emergency number."
        ),
        anywhere="Anywhere",
        footer="Please try your message again in a minute.",
        last_resort="Find a free helpline in your country:",
        country_sep=": ",
        list_sep=", ",
        number_once=False,  # the English reply keeps its long-standing wording
    ),
    CHINESE: _Words(
        header=(
            "抱歉，我現在沒辦法好好回答你，但你還是可以找到人幫忙。"
            "如果你現在有危險，請馬上打當地的緊急電話。"
        ),
        anywhere="其他國家",
        footer="請過一分鐘再傳一次你的訊息。",
        last_resort="在這裡可以找到你所在國家的免費求助專線：",
        country_sep="：",
        list_sep="、",
        number_once=True,
    ),
}
# Used only if the contacts file itself cannot be read: the international directory is the one
# route that is right for every country.
_LAST_RESORT_URL = "https://findahelpline.com"


def _country_name(country: str, language: str) -> str:
    """The country as the front end's texts name it in this language (English otherwise)."""
    if language == DEFAULT_LANGUAGE:
        return country
    try:
        return default_texts().entry("country_names", country, language)
    except (KeyError, OSError, ValueError, yaml.YAMLError):
        return country


def _contact(resource: Resource, local: bool, words: _Words) -> str:
    """Name and number: the directory's local name in the home country ("生命線 1995"), its
    English name elsewhere."""
    name = (resource.local_name if local else None) or resource.name
    if words.number_once and resource.phone and resource.phone in name:
        return name
    return f"{name} {resource.phone}"


def _build_offline_reply(language: str) -> str:
    words = _WORDS[language]
    contacts = load_directory().resources
    home = home_country(language)
    countries = sorted(covered_countries(contacts), key=lambda country: country != home)
    lines: List[str] = [words.header]
    for country in countries:
        chosen = resources_for(contacts, country, _KINDS_SHOWN)
        numbers = words.list_sep.join(
            _contact(c, country == home, words) for c in chosen if c.phone
        )
        if numbers:
            lines.append(f"• {_country_name(country, language)}{words.country_sep}{numbers}")
    for contact in resources_for(contacts, INTERNATIONAL, ["directory"])[:1]:
        lines.append(f"• {words.anywhere}{words.country_sep}{contact.name} {contact.web}")
    lines.append(words.footer)
    return "\n".join(lines)


@lru_cache(maxsize=8)
def offline_reply(language: Optional[str] = DEFAULT_LANGUAGE) -> str:
    """Returns the offline message in a language (English for one it does not speak): emergency
    numbers, child and crisis lines, the international route. It never raises: a broken contacts
    file still yields the international route."""
    language = language if language in _WORDS else DEFAULT_LANGUAGE
    try:
        return _build_offline_reply(language)
    except (DirectoryError, OSError, ValueError) as error:
        logger.error("contacts unavailable for the offline reply: %s", type(error).__name__)
        words = _WORDS[language]
        return f"{words.header}\n{words.last_resort} {_LAST_RESORT_URL}"
