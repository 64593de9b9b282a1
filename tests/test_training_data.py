"""Training data and responses keep the contract and the house rules."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest

from tests.helpers import (
    NLU_DIR,
    PROJECT_ROOT,
    RISK_DISCLOSURE_CRISIS,
    TAXONOMY,
    all_training_examples,
    domain,
    nlu_examples,
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


def test_every_intent_has_enough_examples() -> None:
    counts = Counter(intent for intent, _ in all_training_examples())
    for intent in TAXONOMY:
        minimum = 60 if intent in RISK_DISCLOSURE_CRISIS else 25
        assert counts[intent] >= minimum, (intent, counts[intent])


def test_each_intent_lives_in_one_topic_file() -> None:
    files_by_intent = defaultdict(set)
    for path in NLU_DIR.glob("*.yml"):
        for intent, _ in nlu_examples(path):
            files_by_intent[intent].add(path.name)
    assert {i: f for i, f in files_by_intent.items() if len(f) > 1} == {}


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


def test_held_out_messages_never_appear_in_the_training_data() -> None:
    training = {text.casefold() for _, text in all_training_examples()}
    held_out = [text for _, text in nlu_examples(PROJECT_ROOT / "tests" / "nlu_holdout.yml")]
    assert [text for text in held_out if text.casefold() in training] == []
