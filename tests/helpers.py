"""Readers for the project's data files, shared by the tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import yaml

from actions.directory.contacts import covered_countries, load_contacts
from actions.paths import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")

TAXONOMY = """
    greet goodbye thank affirm deny bot_challenge ask_capabilities out_of_scope inform_country
    inform_role ask_grooming ask_sextortion ask_csam_report ask_cyberbullying ask_meeting_stranger
    ask_privacy ask_harmful_content ask_law ask_report_platform ask_parent_warning_signs
    ask_talk_to_child ask_help ask_shelter disclose_abuse crisis_self_harm crisis_immediate_danger
    feeling_distressed
""".split()
RISK_DISCLOSURE_CRISIS = """
    ask_grooming ask_sextortion ask_csam_report ask_cyberbullying ask_meeting_stranger ask_privacy
    ask_harmful_content disclose_abuse crisis_self_harm crisis_immediate_danger
""".split()
URGENT_INTENTS = {
    "crisis_self_harm": "utter_urgent_self_harm",
    "crisis_immediate_danger": "utter_urgent_danger",
    "disclose_abuse": "utter_urgent_abuse",
    "ask_sextortion": "utter_urgent_sextortion",
    "ask_shelter": "utter_urgent_shelter",
    "feeling_distressed": "utter_urgent_distress",
}


def covered_countries_now() -> List[str]:
    """Every country the sourced contacts cover: urgent replies must work for each of them."""
    return covered_countries(load_contacts())


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def domain() -> Dict[str, Any]:
    return load_yaml(PROJECT_ROOT / "domain.yml")


def plain_text(example: str) -> str:
    """An NLU example without entity markup: what the user actually typed."""
    return _ENTITY_MARKUP.sub(r"\1", example).strip()


def nlu_examples(path: Path) -> Iterator[Tuple[str, str]]:
    """(intent, plain example text) for every example in an NLU file."""
    for block in load_yaml(path).get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield block["intent"], plain_text(line[2:])


def all_training_examples() -> List[Tuple[str, str]]:
    return [pair for path in sorted(NLU_DIR.glob("*.yml")) for pair in nlu_examples(path)]


def response_variations() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for name, variations in domain()["responses"].items():
        for variation in variations:
            yield name, variation
