"""Actions that remember who the user is and where they live, for this conversation only."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.countries import canonical_country
from actions.directory.resolve import covered_countries
from actions.help import directory
from haven_nlu.writer import role_from_values

# True when the user's country has no checked numbers: the urgent replies in languages other
# than English have a variation for that case (a condition cannot say "any other country").
UNCOVERED_SLOT = "country_uncovered"


def remember(tracker: Tracker, slot: str, value: Optional[str]) -> List[EventType]:
    """Stores a recognised value; clears a value that could not be recognised, because a wrong
    country or role is worse than none (the default answers are the safe ones)."""
    if value:
        return [SlotSet(slot, value)]
    return [SlotSet(slot, None)] if tracker.get_slot(slot) else []


class ActionRememberCountry(Action):
    """Stores the canonical country name, so help is shown for the right place."""

    def name(self) -> str:
        return "action_remember_country"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        candidates = [*tracker.get_latest_entity_values("country"), tracker.get_slot("country")]
        country = next(filter(None, map(canonical_country, candidates)), None)
        uncovered = country is not None and country not in covered_countries(directory().resources)
        events = remember(tracker, "country", country)
        if uncovered or tracker.get_slot(UNCOVERED_SLOT):
            events.append(SlotSet(UNCOVERED_SLOT, uncovered))
        return events


class ActionRememberRole(Action):
    """Stores the user's role (youth, parent, educator, professional); a bare age under 18 means
    a young person. Answers are then worded for that reader."""

    def name(self) -> str:
        return "action_remember_role"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        # "im 13" may arrive without an extracted entity; the age in the text still counts.
        candidates = [
            *tracker.get_latest_entity_values("user_role"),
            tracker.latest_message.get("text"),
            tracker.get_slot("role"),
        ]
        return remember(tracker, "role", role_from_values(candidates))
