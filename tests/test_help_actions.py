"""The help, law and platform actions, with CollectingDispatcher and real trackers: every
country, no country, every role that changes the answer, and an NGO override."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.help as help_actions
from actions.directory.loader import load_directory
from actions.directory.resolve import resolve_resources
from actions.guides.laws import load_laws
from actions.guides.platforms import load_platform_guides
from actions.help import (
    ActionCyberbullyingHelp,
    ActionOfferHelp,
    ActionReportCsam,
    ActionSextortionHelp,
    ActionShelterHelp,
)
from actions.law import NOT_IN_TROUBLE, ActionExplainLaw
from actions.platforms import ActionPlatformGuide
from tests.helpers import make_tracker, write_resource_dir

MAIN_COUNTRIES = ["Taiwan", "United States", "United Kingdom", "Japan", "South Korea"]
TOPIC_ACTIONS = [ActionReportCsam, ActionSextortionHelp, ActionShelterHelp, ActionCyberbullyingHelp]
FORBIDDEN_ADVICE = re.compile(
    r"\b(pay (them|him|her)|send (them|him|her) (money|the money)|forward (it|the (pic|image))|"
    r"save (the|your) (pic|image|nude)|send (me|us) (a|the) (pic|photo|screenshot))",
    re.IGNORECASE,
)


def run(action: Action, tracker: Tracker) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    assert events == []
    return dispatcher.messages


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def buttons(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [button for message in messages for button in message.get("buttons") or []]


@pytest.fixture(autouse=True)
def fresh_directory(monkeypatch):
    """Each test loads the directory itself (an override test must not leak into the next)."""
    monkeypatch.setattr(help_actions, "_directory", None)
    monkeypatch.delenv("HAVEN_RESOURCES_DIR", raising=False)


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_offer_help_gives_the_countrys_sourced_numbers(country: str) -> None:
    tracker = make_tracker("I need help", "ask_help", slots={"country": country})
    messages = run(ActionOfferHelp(), tracker)
    text = texts(messages)
    directory = load_directory()
    expected = resolve_resources(directory, country, None)
    assert expected and all(r.name in text for r in expected)
    assert f"in {country}" in text
    assert not buttons(messages), "no country picker once the country is known"
    links = [m["custom"]["resources"] for m in messages if m.get("custom")]
    assert links and all(link["id"] for link in links[0])


def test_offer_help_follows_the_conversations_topic_and_urgency() -> None:
    tracker = make_tracker(
        "/ask_help", "ask_help", slots={"country": "Taiwan"}, earlier_intents=["ask_sextortion"]
    )
    text = texts(run(ActionOfferHelp(), tracker))
    assert text.index("Emergency: call 110") < text.index("113")
    takedown = [r for r in load_directory().resources if r.kind == "image_takedown"]
    assert any(r.name in text for r in takedown if r.serves("Taiwan") or r.serves("International"))


def test_offer_help_without_a_country_gives_the_international_route_and_a_picker() -> None:
    messages = run(ActionOfferHelp(), make_tracker("help", "ask_help"))
    text = texts(messages)
    assert "findahelpline.com" in text
    assert "local emergency number" in text
    payloads = [b["payload"] for b in buttons(messages)]
    assert '/inform_country{"country": "Taiwan"}' in payloads
    assert all(len(p.encode()) <= 64 for p in payloads)


def test_the_language_code_only_orders_the_picker() -> None:
    tracker = make_tracker("help", "ask_help", metadata={"language_code": "ko"})
    messages = run(ActionOfferHelp(), tracker)
    assert buttons(messages)[0]["title"] == "South Korea"
    assert "findahelpline.com" in texts(messages), "a hint never picks the numbers"


def test_a_country_we_do_not_cover_never_gets_a_guessed_number() -> None:
    text = texts(
        run(ActionOfferHelp(), make_tracker("help", "ask_help", slots={"country": "France"}))
    )
    assert "findahelpline.com" in text
    assert not re.search(r"call \d", text)


@pytest.mark.parametrize("action_class", TOPIC_ACTIONS)
@pytest.mark.parametrize("country", MAIN_COUNTRIES + [None])
def test_topic_actions_resolve_resources_for_each_country(action_class, country) -> None:
    action = action_class()
    tracker = make_tracker("hi", "ask_help", slots={"country": country})
    messages = run(action, tracker)
    text = texts(messages)
    expected = resolve_resources(load_directory(), country, action.topic)
    assert expected, (action.name(), country)
    for resource in expected:
        assert resource.name in text, (action.name(), country, resource.id)
    assert not FORBIDDEN_ADVICE.search(text)
    assert bool(buttons(messages)) == (country is None)


def test_sextortion_help_points_to_takedown_everywhere() -> None:
    for country in MAIN_COUNTRIES + [None]:
        text = texts(
            run(
                ActionSextortionHelp(),
                make_tracker("x", "ask_sextortion", slots={"country": country}),
            )
        )
        takedown = [r.name for r in load_directory().resources if r.kind == "image_takedown"]
        assert any(name in text for name in takedown), country


def test_a_parent_is_offered_the_line_for_worried_adults_first() -> None:
    slots = {"country": "United Kingdom", "role": "parent"}
    tracker = make_tracker(
        "who can help", "ask_help", slots=slots, earlier_intents=["ask_grooming"]
    )
    bullets = [line for line in texts(run(ActionOfferHelp(), tracker)).splitlines() if "•" in line]
    assert "NSPCC" in bullets[0]


# ---------------------------------------------------------------- NGO override


NGO_ENTRY = {
    "id": "ngo_tw_line",
    "name": "Example NGO Youth Line",
    "kind": "child_helpline",
    "countries": ["Taiwan"],
    "topics": ["sextortion", "abuse", "self_harm", "distress", "cyberbullying"],
    "phone": "0800 000 123",
    "source": "https://example.org/youth-line",
    "checked": "2026-11-01",
    "evidence": "the NGO's own page",
}


def test_an_ngo_line_added_as_first_choice_is_offered_first(tmp_path, monkeypatch) -> None:
    folder = write_resource_dir(
        tmp_path / "ngo", entries=[NGO_ENTRY], first_choice={"Taiwan": "ngo_tw_line"}
    )
    monkeypatch.setenv("HAVEN_RESOURCES_DIR", str(folder))
    text = texts(
        run(
            ActionCyberbullyingHelp(),
            make_tracker("x", "ask_cyberbullying", slots={"country": "Taiwan"}),
        )
    )
    bullets = [line for line in text.splitlines() if line.startswith("•")]
    assert bullets[0].startswith("• Example NGO Youth Line")


def test_an_ngo_can_replace_an_entry(tmp_path, monkeypatch) -> None:
    replaced = load_directory().by_id("uk_child_helpline_childline").dict()
    replaced["name"] = "Childline (via Example NGO)"
    monkeypatch.setenv(
        "HAVEN_RESOURCES_DIR", str(write_resource_dir(tmp_path / "ngo", entries=[replaced]))
    )
    text = texts(
        run(ActionOfferHelp(), make_tracker("x", "ask_help", slots={"country": "United Kingdom"}))
    )
    assert "Childline (via Example NGO)" in text


def test_an_ngo_can_hide_an_entry(tmp_path, monkeypatch) -> None:
    folder = write_resource_dir(tmp_path / "ngo", hide=["uk_child_helpline_childline"])
    monkeypatch.setenv("HAVEN_RESOURCES_DIR", str(folder))
    text = texts(
        run(ActionOfferHelp(), make_tracker("x", "ask_help", slots={"country": "United Kingdom"}))
    )
    assert "Childline" not in text and "116 123" in text


# ---------------------------------------------------------------- law


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_a_young_user_gets_the_short_calm_version(country: str) -> None:
    text = texts(
        run(
            ActionExplainLaw(), make_tracker("is it illegal", "ask_law", slots={"country": country})
        )
    )
    assert load_laws().countries[country].young_summary.split()[0] in text
    assert NOT_IN_TROUBLE in text
    assert "Penalty" not in text and "imprisonment" not in text.lower()


@pytest.mark.parametrize("country", [c for c in MAIN_COUNTRIES if load_laws().countries[c].laws])
def test_a_parent_gets_statutes_penalties_and_sources(country: str) -> None:
    tracker = make_tracker("law", "ask_law", slots={"country": country, "role": "parent"})
    text = texts(run(ActionExplainLaw(), tracker))
    for law in load_laws().countries[country].laws:
        assert law.statute in text and law.source in text


def test_the_law_without_a_country_asks_for_one() -> None:
    messages = run(ActionExplainLaw(), make_tracker("law", "ask_law"))
    assert buttons(messages)


# ---------------------------------------------------------------- platform guides


@pytest.mark.parametrize("guide", load_platform_guides().platforms, ids=lambda g: g.name)
def test_each_checked_platform_gets_its_steps_and_help_page(guide) -> None:
    entity = [{"entity": "platform", "value": guide.name}]
    text = texts(
        run(ActionPlatformGuide(), make_tracker("report", "ask_report_platform", entities=entity))
    )
    assert guide.report_steps[0] in text and guide.block_steps[0] in text
    assert guide.help_url in text and guide.checked.isoformat() in text


def test_an_alias_finds_the_platform() -> None:
    guide = load_platform_guides().platforms[0]
    entity = [{"entity": "platform", "value": guide.aliases[0]}]
    text = texts(
        run(ActionPlatformGuide(), make_tracker("report", "ask_report_platform", entities=entity))
    )
    assert guide.help_url in text


def test_an_unknown_platform_gets_general_steps_never_guessed_menus() -> None:
    entity = [{"entity": "platform", "value": "Whisperly"}]
    text = texts(
        run(ActionPlatformGuide(), make_tracker("report", "ask_report_platform", entities=entity))
    )
    assert load_platform_guides().general.report_steps[0] in text
    assert "Whisperly" in text and "never save" in text.lower()


def test_no_platform_named_asks_which_app() -> None:
    messages = run(ActionPlatformGuide(), make_tracker("how do i report", "ask_report_platform"))
    payloads = [b["payload"] for b in buttons(messages)]
    assert payloads and all(p.startswith("/ask_report_platform{") for p in payloads)
    assert all(len(p.encode()) <= 64 for p in payloads)
