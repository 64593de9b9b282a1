"""The urgent replies are rendered from the sourced contacts, carry a real number for each covered
country, and fall back to the international route with a country picker."""

from __future__ import annotations

import pytest

from actions.directory.loader import load_directory
from actions.directory.resolve import resources_for
from actions.directory.schema import INTERNATIONAL
from scripts import sync_urgent_responses
from tests.helpers import URGENT_INTENTS, covered_countries_now, domain

MAIN_COUNTRIES = covered_countries_now()
URGENT_RESPONSES = sorted(set(URGENT_INTENTS.values()))
GENERATED_RESPONSES = URGENT_RESPONSES + ["utter_urgent_csam", "utter_country_contacts"]
NEEDS_EMERGENCY_NUMBER = {"utter_urgent_self_harm", "utter_urgent_danger", "utter_urgent_abuse"}
REASSURANCE = ("not your fault", "right thing", "not to blame", "brave")


def variation_for(response: str, country: str | None) -> dict:
    for variation in domain()["responses"][response]:
        condition = variation.get("condition") or []
        values = [c["value"] for c in condition if c["name"] == "country"]
        if (country is None and not condition) or values == [country]:
            return variation
    raise AssertionError(f"{response} has no variation for {country}")


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
def test_urgent_reply_is_one_bubble(response: str) -> None:
    for variation in domain()["responses"][response]:
        assert "\n\n" not in variation["text"], response


def test_domain_is_in_sync_with_the_sourced_contacts() -> None:
    assert sync_urgent_responses.main(["--check"]) == 0


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_urgent_reply_carries_a_sourced_number_for_the_country(response: str, country: str) -> None:
    text = variation_for(response, country)["text"]
    contacts = [c for c in load_directory().resources if c.serves(country) and c.phone]
    assert any(c.phone in text for c in contacts), (response, country)
    if response in NEEDS_EMERGENCY_NUMBER:
        emergency = resources_for(contacts, country, ["emergency"])[0]
        assert emergency.phone in text


@pytest.mark.parametrize("response", sorted(URGENT_INTENTS.values()))
def test_urgent_reply_reassures_before_anything_else(response: str) -> None:
    for country in [None, *MAIN_COUNTRIES]:
        first_line = variation_for(response, country)["text"].split("\n")[0].casefold()
        assert any(phrase in first_line for phrase in REASSURANCE), (response, country)


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
def test_unknown_country_gets_the_international_route_and_a_country_picker(response: str) -> None:
    variation = variation_for(response, None)
    directory = resources_for(load_directory().resources, INTERNATIONAL, ["directory"])[0]
    assert directory.web in variation["text"]
    assert "local emergency number" in variation["text"]
    titles = [button["title"] for button in variation["buttons"]]
    assert set(MAIN_COUNTRIES) <= set(titles)


@pytest.mark.parametrize("response", GENERATED_RESPONSES)
@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_urgent_reply_offers_a_line_open_around_the_clock(response: str, country: str) -> None:
    text = variation_for(response, country)["text"]
    around_the_clock = [
        c
        for c in load_directory().resources
        if c.serves(country) and c.phone and c.hours and "24" in c.hours
    ]
    assert any(c.phone in text for c in around_the_clock), (response, country)
