"""Training data and responses keep the contract and the house rules."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from typing import Any, Dict, Iterator

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from actions.profile import UNCOVERED_SLOT
from tests.helpers import (
    LANGUAGES,
    PROJECT_ROOT,
    RISK_DISCLOSURE_CRISIS,
    TAXONOMY,
    all_training_examples,
    covered_countries_now,
    domain,
    nlu_examples,
    nlu_files,
    response_variations,
)

MAX_BUBBLE = 700
TOPIC_ANSWER_PREFIXES = tuple(
    f"utter_{topic}"
    for topic in """grooming sextortion csam cyber meeting privacy harmful law report warning talk
    safe distress shelter abuse""".split()
)
PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$")


def test_domain_intents_are_exactly_the_contracted_taxonomy() -> None:
    assert sorted(domain()["intents"]) == sorted(TAXONOMY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_examples_in_each_language(language: str) -> None:
    counts = Counter(intent for intent, _ in all_training_examples(language))
    for intent in TAXONOMY:
        minimum = 60 if intent in RISK_DISCLOSURE_CRISIS else 25
        assert counts[intent] >= minimum, (language, intent, counts[intent])


def test_each_intent_lives_in_the_same_topic_file_in_every_language() -> None:
    files_by_intent = defaultdict(set)
    for path in nlu_files():
        for intent, _ in nlu_examples(path):
            files_by_intent[intent].add(path.name)
    assert {i: f for i, f in files_by_intent.items() if len(f) > 1} == {}
    topic_files = {code: sorted(p.name for p in nlu_files(code)) for code in LANGUAGES}
    assert topic_files["zh-TW"] == topic_files["en"]


def test_no_example_is_labelled_with_two_intents() -> None:
    intents_by_text = defaultdict(set)
    for intent, text in all_training_examples():
        intents_by_text[text.casefold()].add(intent)
    assert {t: i for t, i in intents_by_text.items() if len(i) > 1} == {}


@pytest.mark.parametrize("name_and_variation", list(response_variations()), ids=lambda p: p[0])
def test_every_bubble_fits_a_phone_screen(name_and_variation) -> None:
    name, variation = name_and_variation
    assert 0 < len(variation.get("text", "")) <= MAX_BUBBLE, name


@pytest.mark.parametrize("name_and_variation", list(response_variations()), ids=lambda p: p[0])
def test_every_button_sends_a_known_intent(name_and_variation) -> None:
    name, variation = name_and_variation
    for button in variation.get("buttons", []):
        payload = button["payload"].replace("{{", "{").replace("}}", "}")  # Rasa's escaping
        match = PAYLOAD.match(payload)
        assert match and match.group("intent") in TAXONOMY, (name, button)
        if match.group("entities"):
            json.loads(match.group("entities"))
        assert len(payload.encode()) <= 64, (name, button)
        assert 0 < len(button["title"]) <= 40, (name, button)


def test_no_response_asks_for_pictures_or_identifying_details() -> None:
    forbidden = re.compile(
        r"send (me )?(a |the )?(pic|photo|picture|image|screenshot)|what is your (name|address)"
        r"|which school|your full name|your address",
        re.IGNORECASE,
    )
    for name, variation in response_variations():
        assert not forbidden.search(variation["text"]), name


def test_no_response_advises_paying_or_keeping_images() -> None:
    risky = re.compile(
        r"\b(pay (them|him|her|the)|send (them|him|her) (more|money)|save the (pic|photo|image)"
        r"|forward (it|the (pic|photo|image|video)) to)",
        re.IGNORECASE,
    )
    for name, variation in response_variations():
        text = variation["text"]
        for match in risky.finditer(text):
            before = text[max(0, match.start() - 30) : match.start()].casefold()
            assert re.search(r"\b(don't|do not|never|not)\b", before), (name, match.group(0))


def test_every_answer_has_a_recorded_source() -> None:
    sources = (PROJECT_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    topic_answers = [
        name for name in domain()["responses"] if name.startswith(TOPIC_ANSWER_PREFIXES)
    ]
    assert topic_answers
    assert [name for name in topic_answers if not re.search(rf"\b{name}\b", sources)] == []


@pytest.mark.parametrize("held_out_file", ["nlu_holdout.yml", "nlu_holdout_zh.yml"])
def test_held_out_messages_never_appear_in_the_training_data(held_out_file: str) -> None:
    training = {text.casefold() for _, text in all_training_examples()}
    held_out = [text for _, text in nlu_examples(PROJECT_ROOT / "tests" / held_out_file)]
    assert held_out
    assert [text for text in held_out if text.casefold() in training] == []


def _slot_combinations() -> Iterator[Dict[str, Any]]:
    covered = covered_countries_now()
    countries = [None, *covered, "Hong Kong"]  # Hong Kong: a country with no checked numbers
    roles = [None, "youth", "parent", "educator", "professional"]
    for language, country, role in itertools.product(LANGUAGES, countries, roles):
        uncovered = True if country and country not in covered else None
        yield {"language": language, "country": country, "role": role, UNCOVERED_SLOT: uncovered}


@pytest.mark.parametrize("name", sorted(domain()["responses"]))
def test_every_response_has_exactly_one_reading_per_language_country_and_role(name: str) -> None:
    """Rasa picks at random among every conditional variation that matches: for each language,
    country and role exactly one text may match, and a Chinese user never gets English."""
    variations = ResponseVariationFilter(domain()["responses"])
    for slots in _slot_combinations():
        chosen = variations.responses_for_utter_action(name, "rest", slots)
        texts = {variation["text"] for variation in chosen}
        assert len(texts) == 1, (name, slots, len(texts))
        in_chinese = bool(re.search(r"[\u4e00-\u9fff]", texts.pop().split("\n")[0]))
        assert in_chinese == (slots["language"] == "zh-TW"), (name, slots)
