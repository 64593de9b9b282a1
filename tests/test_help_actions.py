"""The help, law and platform actions, with CollectingDispatcher and real trackers: every
country, no country, every role that changes the answer, an NGO override, and every action in
Traditional Chinese (language slot "zh-TW")."""

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
from actions.texts import texts_for
from tests.helpers import make_tracker, write_resource_dir
from tests.zh_checks import HAN, assert_taiwan_chinese

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


def test_talk_to_someone_after_a_friend_worry_brings_the_suicide_line_and_emergency_first() -> None:
    tracker = make_tracker(
        "/ask_help",
        "ask_help",
        slots={"country": "United States"},
        earlier_intents=["worried_about_friend"],
    )
    text = texts(run(ActionOfferHelp(), tracker))
    assert text.index("Emergency: call 911") < text.index("988")


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


# ---------------------------------------------------------------- Traditional Chinese (zh-TW)

ZH = "zh-TW"
HELP_ACTIONS = [ActionOfferHelp, *TOPIC_ACTIONS]


def zh_tracker(intent: str = "ask_help", **slots: Any) -> Tracker:
    return make_tracker("幫幫我", intent, slots={"language": ZH, **slots})


def expected_resources(action: Action, country):
    """What the action resolves: the offer follows the (here absent) topic, a topic action its
    own topic."""
    return resolve_resources(load_directory(), country, getattr(action, "topic", None))


@pytest.mark.parametrize("action_class", HELP_ACTIONS)
@pytest.mark.parametrize("country", ["Taiwan", None])
def test_chinese_help_is_chinese_and_gives_taiwans_numbers(action_class, country) -> None:
    action = action_class()
    messages = run(action, zh_tracker(country=country))
    text = texts(messages)
    assert_taiwan_chinese(text)
    assert HAN.search(text.splitlines()[0]), "the heading is Chinese"
    taiwan = expected_resources(action, "Taiwan")
    assert any(r.phone for r in taiwan), action.name()
    for resource in taiwan:
        assert resource.display_name(ZH) in text, (action.name(), resource.id)
        assert not resource.phone or resource.phone in text, (action.name(), resource.id)
    assert not FORBIDDEN_ADVICE.search(text)


@pytest.mark.parametrize("action_class", HELP_ACTIONS)
def test_chinese_help_without_a_country_lists_taiwan_first_then_anywhere(action_class) -> None:
    action = action_class()
    messages = run(action, zh_tracker())
    text = texts(messages)
    taiwan = expected_resources(action, "Taiwan")
    anywhere = expected_resources(action, None)
    assert text.index("如果你在台灣") < text.index("如果你在其他國家")
    assert text.index(taiwan[0].display_name(ZH)) < text.index(anywhere[-1].display_name(ZH))
    assert "findahelpline.com" in text
    titles = [button["title"] for button in buttons(messages)]
    assert titles[0] == "台灣" and titles[-1] == "其他國家"
    assert all(HAN.search(title) for title in titles)
    links = [m["custom"]["resources"] for m in messages if m.get("custom")][0]
    assert {r.id for r in taiwan} <= {link["id"] for link in links}


def test_chinese_help_in_another_country_uses_that_countrys_lines() -> None:
    text = texts(run(ActionSextortionHelp(), zh_tracker("ask_sextortion", country="Japan")))
    assert_taiwan_chinese(text)
    assert "在日本" in text and "如果你在台灣" not in text
    for resource in resolve_resources(load_directory(), "Japan", "sextortion"):
        assert resource.display_name(ZH) in text


def test_chinese_sextortion_help_says_never_pay_and_never_forward() -> None:
    text = texts(run(ActionSextortionHelp(), zh_tracker("ask_sextortion", country="Taiwan")))
    assert "不要付錢" in text and "不要刪掉對方威脅你的訊息" in text
    assert "絕對不要存下或轉傳照片" in text


def test_an_unknown_language_gets_english() -> None:
    tracker = make_tracker("help", "ask_help", slots={"country": "Taiwan", "language": "fr"})
    assert "Here is who can help in Taiwan" in texts(run(ActionOfferHelp(), tracker))


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_a_young_chinese_user_gets_the_calm_version_in_chinese(country: str) -> None:
    text = texts(run(ActionExplainLaw(), zh_tracker("ask_law", country=country)))
    laws = load_laws().countries[country]
    assert laws.in_language("young_summary", ZH) in text
    assert texts_for(ZH)("law.not_in_trouble") in text
    assert "刑罰" not in text and "有期徒刑" not in text
    assert_taiwan_chinese(text)


def test_a_chinese_parent_in_taiwan_gets_the_sourced_statutes_in_chinese() -> None:
    text = texts(run(ActionExplainLaw(), zh_tracker("ask_law", country="Taiwan", role="parent")))
    laws = load_laws().countries["Taiwan"]
    for law in laws.laws:
        assert law.statute in text and law.source in text
        assert law.in_language("summary", ZH) in text and law.in_language("penalty", ZH) in text
    assert laws.victim_note.in_language("text", ZH) in text
    assert texts_for(ZH)("law.untranslated") not in text
    assert_taiwan_chinese(text)


def test_a_chinese_parent_abroad_is_told_which_summaries_are_in_english() -> None:
    text = texts(run(ActionExplainLaw(), zh_tracker("ask_law", country="Japan", role="parent")))
    assert text.startswith("日本的法律")
    assert texts_for(ZH)("law.untranslated") in text
    assert all(law.statute in text for law in load_laws().countries["Japan"].laws)


def test_the_law_without_a_country_asks_in_chinese_taiwan_first() -> None:
    messages = run(ActionExplainLaw(), zh_tracker("ask_law"))
    assert_taiwan_chinese(texts(messages))
    assert buttons(messages)[0]["title"] == "台灣"


@pytest.mark.parametrize("guide", load_platform_guides().platforms, ids=lambda g: g.name)
def test_a_chinese_user_gets_general_steps_and_the_checked_help_page(guide) -> None:
    entity = [{"entity": "platform", "value": guide.name}]
    tracker = make_tracker("檢舉", "ask_report_platform", entities=entity, slots={"language": ZH})
    text = texts(run(ActionPlatformGuide(), tracker))
    general = load_platform_guides().general
    assert general.in_language("report_steps", ZH)[0] in text
    assert guide.help_url in text and guide.checked.isoformat() in text
    assert guide.report_steps[0] not in text, "no English menu steps"
    assert_taiwan_chinese(text.replace(guide.name, ""))


def test_an_unknown_platform_gets_chinese_general_steps_and_the_proof_rule() -> None:
    entity = [{"entity": "platform", "value": "Dcard"}]
    tracker = make_tracker("檢舉", "ask_report_platform", entities=entity, slots={"language": ZH})
    text = texts(run(ActionPlatformGuide(), tracker))
    assert "Dcard" in text and texts_for(ZH)("platforms.keep_proof") in text
    assert_taiwan_chinese(text.replace("Dcard", ""))


def test_no_platform_named_asks_which_app_in_chinese() -> None:
    tracker = make_tracker("怎麼檢舉", "ask_report_platform", slots={"language": ZH})
    messages = run(ActionPlatformGuide(), tracker)
    assert texts(messages) == texts_for(ZH)("platforms.ask_which") and buttons(messages)


def _shape(value: Any) -> Any:
    """A texts file's keys, and each text's placeholders, without the words."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return sorted(re.findall(r"\{(\w+)\}", str(value)))


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    english, chinese = texts_for("en"), texts_for(ZH)
    for section in ("directory", "help", "law", "platforms"):
        assert _shape(chinese.get(section)) == _shape(english.get(section)), section
    assert set(chinese.get("countries")) == set(english.get("countries"))
