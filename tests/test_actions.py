"""Custom actions, run with CollectingDispatcher and real Tracker objects."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.profile import UNCOVERED_SLOT, ActionRememberCountry, ActionRememberRole
from tests.helpers import covered_countries_now, make_tracker


def run_action(action: Any, tracker: Tracker) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    assert dispatcher.messages == []
    return events


@pytest.mark.parametrize(
    ("entity_value", "expected"),
    [
        ("United Kingdom", "United Kingdom"),
        ("england", "United Kingdom"),
        ("the uk", "United Kingdom"),
        ("usa", "United States"),
        ("America", "United States"),
        ("korea", "South Korea"),
        ("tw", "Taiwan"),
        ("Tiawan", "Taiwan"),
        ("japan", "Japan"),
        ("brasil", "Brazil"),
        ("germany", "Germany"),
    ],
)
def test_country_is_stored_by_its_canonical_name(entity_value: str, expected: str) -> None:
    tracker = make_tracker(
        f"i live in {entity_value}",
        "inform_country",
        entities=[{"entity": "country", "value": entity_value}],
        slots={"country": entity_value},
    )
    events = run_action(ActionRememberCountry(), tracker)
    assert events[0] == SlotSet("country", expected)
    # Brazil and Germany have no checked numbers: the urgent replies in Chinese read this slot.
    uncovered = expected not in covered_countries_now()
    assert events[1:] == ([SlotSet(UNCOVERED_SLOT, True)] if uncovered else [])


def test_naming_a_covered_country_after_an_uncovered_one_clears_the_mark() -> None:
    tracker = make_tracker(
        "actually i'm in taiwan",
        "inform_country",
        entities=[{"entity": "country", "value": "Taiwan"}],
        slots={"country": "Taiwan", UNCOVERED_SLOT: True},
    )
    events = run_action(ActionRememberCountry(), tracker)
    assert events == [SlotSet("country", "Taiwan"), SlotSet(UNCOVERED_SLOT, False)]


def test_unknown_country_name_is_cleared_so_the_international_route_is_shown() -> None:
    tracker = make_tracker(
        "i live in narnia",
        "inform_country",
        entities=[{"entity": "country", "value": "narnia"}],
        slots={"country": "narnia"},
    )
    assert run_action(ActionRememberCountry(), tracker) == [SlotSet("country", None)]


def test_country_button_without_a_name_changes_nothing() -> None:
    tracker = make_tracker("/inform_country", "inform_country")
    assert run_action(ActionRememberCountry(), tracker) == []


def test_new_country_replaces_the_old_one() -> None:
    tracker = make_tracker(
        "actually im in japan now",
        "inform_country",
        entities=[{"entity": "country", "value": "japan"}],
        slots={"country": "Taiwan"},
    )
    assert run_action(ActionRememberCountry(), tracker) == [SlotSet("country", "Japan")]


@pytest.mark.parametrize(
    ("text", "entity_value", "expected"),
    [
        ("im a mum", "parent", "parent"),
        ("i teach year 6", "educator", "educator"),
        ("social worker here", "professional", "professional"),
        ("im 13", "13", "youth"),
        ("14 yo", "youth", "youth"),
        ("im 16", None, "youth"),
        ("i am 10 years old", None, "youth"),
    ],
)
def test_role_is_normalised_and_ages_under_18_mean_youth(
    text: str, entity_value: Optional[str], expected: str
) -> None:
    entities = [{"entity": "user_role", "value": entity_value}] if entity_value else []
    tracker = make_tracker(text, "inform_role", entities=entities, slots={"role": entity_value})
    assert run_action(ActionRememberRole(), tracker) == [SlotSet("role", expected)]


def test_adult_age_alone_does_not_guess_a_role() -> None:
    tracker = make_tracker(
        "im 34",
        "inform_role",
        entities=[{"entity": "user_role", "value": "34"}],
        slots={"role": "34"},
    )
    assert run_action(ActionRememberRole(), tracker) == [SlotSet("role", None)]


def test_role_stays_when_nothing_new_is_said() -> None:
    tracker = make_tracker("thats me", "inform_role", slots={"role": "parent"})
    assert run_action(ActionRememberRole(), tracker) == [SlotSet("role", "parent")]


def test_action_names_follow_the_class_names() -> None:
    assert ActionRememberCountry().name() == "action_remember_country"
    assert ActionRememberRole().name() == "action_remember_role"


@pytest.mark.parametrize(
    "text",
    [
        "my daughter is 13",
        "im a mum of a 13 year old",
        "i was 12 then, now im 19",
        "i teach year 6",
    ],
)
def test_an_age_that_is_not_the_writers_does_not_make_them_a_child(text: str) -> None:
    tracker = make_tracker(text, "inform_role")
    assert run_action(ActionRememberRole(), tracker) == []
