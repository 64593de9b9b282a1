"""The urgent replies are rendered from the sourced contacts in every language, carry a real
number for each covered country, fall back to the international route with a country picker,
and exactly one variation answers each (language, country) pair."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from actions.directory.loader import load_directory
from actions.directory.resolve import resources_for
from actions.directory.schema import INTERNATIONAL
from actions.profile import UNCOVERED_SLOT
from scripts import sync_urgent_responses
from tests.helpers import URGENT_INTENTS, covered_countries_now, domain
from tests.zh_checks import assert_taiwan_chinese

MAIN_COUNTRIES = covered_countries_now()
URGENT_RESPONSES = sorted(set(URGENT_INTENTS.values()))
GENERATED_RESPONSES = URGENT_RESPONSES + ["utter_urgent_csam", "utter_country_contacts"]
NEEDS_EMERGENCY_NUMBER = {
    "utter_urgent_self_harm",
    "utter_urgent_danger",
    "utter_urgent_abuse",
    "utter_urgent_friend",
}
EN, ZH = "en", "zh-TW"
REASSURANCE = {
    EN: ("not your fault", "right thing", "not to blame", "brave"),
    ZH: ("不是你的錯", "做得很對", "是對的"),
}
_NUMBER = re.compile(r"\d[\d -]{1,16}\d|\b\d{3}\b")


@lru_cache(maxsize=1)
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """domain.yml's responses, read once: the file is large and only the generator changes it."""
    return domain()["responses"]


@lru_cache(maxsize=1)
def _entries() -> tuple:
    return tuple(load_directory().resources)


def entries() -> list:
    """The shipped directory, validated once per run."""
    return list(_entries())


def _values(variation: dict, slot: str) -> List[Optional[str]]:
    return [c["value"] for c in variation.get("condition") or [] if c["name"] == slot]


def variation_for(response: str, country: Optional[str], language: str = EN) -> dict:
    """The variation for a country (None: no country), in a language. English without a country
    is the one variation with no condition; every other one names its language."""
    for variation in responses()[response]:
        if language == EN and country is None:
            if not variation.get("condition"):
                return variation
        elif _values(variation, "language") == [language]:
            if _values(variation, "country") == [country]:
                return variation
    raise AssertionError(f"{response} has no {language} variation for {country}")


def numbers(text: str) -> List[str]:
    return sorted(set(_NUMBER.findall(text)))


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
def test_urgent_reply_is_one_bubble(response: str) -> None:
    for variation in responses()[response]:
        assert "\n\n" not in variation["text"], response


def test_domain_is_in_sync_with_the_sourced_contacts() -> None:
    assert sync_urgent_responses.main(["--check"]) == 0


@pytest.mark.parametrize("language", [EN, ZH])
@pytest.mark.parametrize("response", GENERATED_RESPONSES)
@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_urgent_reply_carries_a_sourced_number_for_the_country(response, country, language):
    text = variation_for(response, country, language)["text"]
    contacts = [c for c in entries() if c.serves(country) and c.phone]
    assert any(c.phone in text for c in contacts), (response, country)
    if response in NEEDS_EMERGENCY_NUMBER:
        emergency = resources_for(contacts, country, ["emergency"])[0]
        assert emergency.phone in text


@pytest.mark.parametrize("response", sorted(URGENT_INTENTS.values()))
@pytest.mark.parametrize("language", [EN, ZH])
def test_urgent_reply_reassures_before_anything_else(response: str, language: str) -> None:
    for country in [None, *MAIN_COUNTRIES]:
        first_line = variation_for(response, country, language)["text"].split("\n")[0].casefold()
        assert any(phrase in first_line for phrase in REASSURANCE[language]), (response, country)


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
def test_unknown_country_gets_the_international_route_and_a_country_picker(response: str) -> None:
    variation = variation_for(response, None)
    directory = resources_for(entries(), INTERNATIONAL, ["directory"])[0]
    assert directory.web in variation["text"]
    assert "local emergency number" in variation["text"]
    titles = [button["title"] for button in variation["buttons"]]
    assert set(MAIN_COUNTRIES) <= set(titles)


@pytest.mark.parametrize("language", [EN, ZH])
@pytest.mark.parametrize("response", GENERATED_RESPONSES)
@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_urgent_reply_offers_a_line_open_around_the_clock(response, country, language) -> None:
    text = variation_for(response, country, language)["text"]
    around_the_clock = [
        c for c in entries() if c.serves(country) and c.phone and c.hours and "24" in c.hours
    ]
    assert any(c.phone in text for c in around_the_clock), (response, country)


# ---------------------------------------------------------------- Traditional Chinese


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_chinese_reply_is_chinese_with_the_same_numbers_and_links(response, country) -> None:
    english = variation_for(response, country)["text"]
    chinese = variation_for(response, country, ZH)["text"]
    assert_taiwan_chinese(chinese)
    assert numbers(chinese) == numbers(english), (response, country)
    links = re.findall(r"https://\S+", english)
    assert all(link in chinese for link in links), (response, country)


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
def test_chinese_reply_without_a_country_gives_taiwans_lines_then_anywhere(response) -> None:
    variation = variation_for(response, None, ZH)
    text = variation["text"]
    assert_taiwan_chinese(text)
    taiwan = variation_for(response, "Taiwan", ZH)["text"].split("\n")[1:]
    anywhere = variation_for(response, None)["text"]
    assert all(line in text for line in taiwan), response
    directory = resources_for(entries(), INTERNATIONAL, ["directory"])[0]
    assert text.index("如果你在台灣") < text.index(taiwan[0]) < text.index(directory.web)
    assert all(link in text for link in re.findall(r"https://\S+", anywhere))
    titles = [button["title"] for button in variation["buttons"]]
    assert titles[0] == "台灣" and len(titles) == len(MAIN_COUNTRIES) + 1
    payloads = [button["payload"] for button in variation["buttons"]]
    assert payloads == sorted(payloads, key=lambda p: "Taiwan" not in p)
    assert '/inform_country{{"country": "Taiwan"}}' in payloads


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
def test_every_conditional_variation_names_its_language(response: str) -> None:
    variations = responses()[response]
    assert sum(1 for v in variations if not v.get("condition")) == 1, "one English default"
    for variation in variations:
        if variation.get("condition"):
            assert len(_values(variation, "language")) == 1, variation["condition"]
            where = _values(variation, "country") + _values(variation, UNCOVERED_SLOT)
            assert len(where) == 1, variation["condition"]


def _eligible(response: str, slots: Dict[str, Optional[str]]) -> List[dict]:
    return ResponseVariationFilter(responses()).responses_for_utter_action(response, "rest", slots)


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
@pytest.mark.parametrize("language", [EN, ZH])
@pytest.mark.parametrize("country", [*MAIN_COUNTRIES, None, "France"])
def test_exactly_one_variation_answers_each_language_and_country(response, language, country):
    """Rasa picks at random among all matching variations: a Chinese user in Japan must never
    get the Taiwan-first or the English reply by chance."""
    uncovered = True if country == "France" else None  # set by action_remember_country
    slots = {"language": language, "country": country, UNCOVERED_SLOT: uncovered}
    eligible = _eligible(response, slots)
    assert len(eligible) == 1, (response, language, country, len(eligible))
    chosen = eligible[0]
    if country == "France":
        # No condition can say "any other country": an uncovered country gets the international
        # reply (emergency advice, the cross-border route), the English default in English and
        # the country_uncovered variation in Chinese.
        assert _values(chosen, "language") == ([] if language == EN else [language])
    elif not (language == EN and country is None):
        assert _values(chosen, "language") == [language] and _values(chosen, "country") == [country]


def test_a_reporting_reply_never_lists_only_a_counselling_line() -> None:
    """A country without its own reporting route borrows the cross-border one (Korea had only
    its counselling line 1388 under "report the link here")."""
    reporting = {r.web for r in entries() if r.kind == "csam_report"}
    for language in (EN, ZH):
        for country in [None, *MAIN_COUNTRIES]:
            text = variation_for("utter_urgent_csam", country, language)["text"]
            first_contact = next(line for line in text.split("\n") if line.startswith("•"))
            assert any(web in first_contact for web in reporting), (language, country)
