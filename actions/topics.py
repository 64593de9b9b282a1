"""Which help topic a conversation is about, read from the user's recent intents.

"Talk to someone" pressed after a sextortion answer must bring sextortion help, so the topic is
the latest topical intent, not the intent of the button press itself.
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

# intent -> (directory topic, urgent?)
INTENT_TOPICS = {
    "crisis_self_harm": ("self_harm", True),
    "crisis_immediate_danger": ("immediate_danger", True),
    "disclose_abuse": ("abuse", True),
    "ask_sextortion": ("sextortion", True),
    "ask_shelter": ("runaway", True),
    "feeling_distressed": ("distress", False),
    "worried_about_friend": ("self_harm", True),
    "ask_grooming": ("grooming", False),
    "ask_csam_report": ("csam", False),
    "ask_cyberbullying": ("cyberbullying", False),
    "ask_meeting_stranger": ("meeting_strangers", False),
    "ask_privacy": ("privacy", False),
    "ask_harmful_content": ("harmful_content", False),
    "ask_parent_warning_signs": ("parenting", False),
    "ask_talk_to_child": ("parenting", False),
}
# How far back a topic still counts: beyond this the user has moved on.
TOPIC_MEMORY = 6


def latest_topic(intents_newest_first: Iterable[str]) -> Tuple[Optional[str], bool]:
    """The topic of the most recent topical intent and whether it is urgent; (None, False) when
    the conversation has no topic yet (general help: someone to talk to)."""
    for position, intent in enumerate(intents_newest_first):
        if position >= TOPIC_MEMORY:
            break
        if intent in INTENT_TOPICS:
            return INTENT_TOPICS[intent]
    return None, False
