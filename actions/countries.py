"""Turns whatever a child types for a country ("uk", "Tiawan", "the states") into one canonical
English name, so resources and conditional responses can be keyed by it."""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Dict, List, Optional

import yaml

from actions.paths import RESOURCES_DIR
from haven_nlu.language import CHINESE

COUNTRIES_FILE = RESOURCES_DIR / "countries.yml"
_FUZZY_CUTOFF = 0.84
_MIN_FUZZY_LENGTH = 4


@lru_cache(maxsize=1)
def _lookup_table() -> Dict[str, str]:
    """Maps every casefolded name and alias to its canonical name."""
    data = yaml.safe_load(COUNTRIES_FILE.read_text(encoding="utf-8"))
    table = {name.casefold(): name for name in data["countries"]}
    for canonical, aliases in data["aliases"].items():
        if canonical not in data["countries"]:
            raise ValueError(f"{COUNTRIES_FILE}: alias target {canonical!r} is not a country")
        table.update({alias.casefold(): canonical for alias in aliases})
    return table


def _adjacent_swaps(word: str) -> List[str]:
    """Spellings one adjacent-letter swap away: the commonest phone typo ("tiawan")."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]


def canonical_country(text: Optional[str]) -> Optional[str]:
    """Returns the canonical country for a name, alias or near-miss typo, or None."""
    if not text or not isinstance(text, str):
        return None
    key = " ".join(text.strip().strip(".!?,").split()).casefold()
    table = _lookup_table()
    if key in table:
        return table[key]
    if key.startswith("the ") and key[4:] in table:
        return table[key[4:]]
    if len(key) < _MIN_FUZZY_LENGTH:
        return None
    for swapped in _adjacent_swaps(key):
        if swapped in table:
            return table[swapped]
    close = difflib.get_close_matches(key, list(table), n=1, cutoff=_FUZZY_CUTOFF)
    return table[close[0]] if close else None


def all_country_names() -> List[str]:
    """Every canonical country name, the only spellings the resource directory accepts."""
    return sorted(set(_lookup_table().values()))


# Telegram's language_code is a hint only: it orders the country picker, it never sets the
# country (a child in Leeds may use a Japanese phone), and it is never stored.
_LANGUAGE_HINTS = {
    "zh-tw": "Taiwan",
    "zh-hant": "Taiwan",
    "ja": "Japan",
    "ko": "South Korea",
    "en-gb": "United Kingdom",
    "en-us": "United States",
}


def country_hint(language_code: Optional[str]) -> Optional[str]:
    """The country a language tag suggests, if any ("ko" → South Korea)."""
    if not language_code or not isinstance(language_code, str):
        return None
    return _LANGUAGE_HINTS.get(language_code.strip().lower().replace("_", "-"))


# The country whose help a language's users most likely need first: a Traditional Chinese
# speaker is most likely in Taiwan. It orders pickers and lists; it never sets the country.
HOME_COUNTRIES: Dict[str, str] = {CHINESE: "Taiwan"}


def home_country(language: Optional[str]) -> Optional[str]:
    """The country listed first for users of a language ("zh-TW" → Taiwan), if any."""
    return HOME_COUNTRIES.get(language or "")


def suggested_country(language_code: Optional[str], language: Optional[str]) -> Optional[str]:
    """The country to offer first: the one the device's language tag suggests, else the home
    country of the conversation's language."""
    return country_hint(language_code) or home_country(language)
