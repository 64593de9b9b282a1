"""Readers for the project's data files, shared by the tests."""

from __future__ import annotations

import copy
import os
import re
import secrets
import socket
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import yaml
from rasa_sdk import Tracker

from actions.directory.loader import load_directory
from actions.directory.resolve import covered_countries
from actions.paths import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
# One sub-folder per language, the same topic files in each.
LANGUAGES = ("en", "zh-TW")
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")

TAXONOMY = """
    greet goodbye thank affirm deny bot_challenge ask_capabilities out_of_scope inform_country
    inform_role ask_grooming ask_sextortion ask_csam_report ask_cyberbullying ask_meeting_stranger
    ask_privacy ask_harmful_content ask_law ask_report_platform ask_parent_warning_signs
    ask_talk_to_child ask_help ask_shelter disclose_abuse crisis_self_harm crisis_immediate_danger
    request_forget
    feeling_distressed set_language worried_about_friend
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
    "worried_about_friend": "utter_urgent_friend",
}


def covered_countries_now() -> List[str]:
    """Every country the sourced contacts cover: urgent replies must work for each of them."""
    return covered_countries(load_directory().resources)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _domain_text_parsed(text: str) -> Dict[str, Any]:
    return yaml.safe_load(text)


def domain() -> Dict[str, Any]:
    """domain.yml, parsed once per version of the file (it is large: tests read it often)."""
    text = (PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8")
    return copy.deepcopy(_domain_text_parsed(text))


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


def nlu_files(language: Optional[str] = None) -> List[Path]:
    """The topic files of one language, or of every language."""
    languages = [language] if language else LANGUAGES
    return [path for code in languages for path in sorted((NLU_DIR / code).glob("*.yml"))]


def all_training_examples(language: Optional[str] = None) -> List[Tuple[str, str]]:
    return [pair for path in nlu_files(language) for pair in nlu_examples(path)]


def response_variations() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for name, variations in domain()["responses"].items():
        for variation in variations:
            yield name, variation


def make_tracker(
    text: str,
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    earlier_intents: Sequence[str] = (),
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A real SDK tracker whose latest message has this text and intent, after user messages
    with the earlier intents (oldest first)."""
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    earlier = [
        {"event": "user", "text": name, "parse_data": {"intent": {"name": name}}}
        for name in earlier_intents
    ]
    return Tracker(
        sender_id="test-user",
        slots={"country": None, "role": None, "platform": None, **(slots or {})},
        latest_message=latest_message,
        events=[*earlier, {"event": "user", "text": text, "parse_data": latest_message}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def write_resource_dir(folder: Path, **content: Any) -> Path:
    """A resource directory (one YAML file) for loader and override tests."""
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(content, allow_unicode=True)
    (folder / "entries.yml").write_text(text, encoding="utf-8")
    return folder


def fake_bot_token() -> str:
    """A bot token for the fake Bot API: HAVEN_TEST_BOT_TOKEN when set, otherwise made up per run,
    so no token-shaped secret sits in the repository."""
    return os.environ.get("HAVEN_TEST_BOT_TOKEN") or (
        f"{secrets.randbelow(9 * 10**8) + 10**8}:{secrets.token_urlsafe(26)}"
    )


def reachable(port: int) -> bool:
    """Whether a service listens on 127.0.0.1:`port` (PostgreSQL, Redis): tests that need one
    fail in CI without it and are skipped elsewhere."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False
