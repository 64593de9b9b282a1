"""Actions that remember who the user is and where they live, for this conversation only."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.countries import canonical_country
from actions.roles import role_from_values


def _latest_entity_values(tracker: Tracker, entity: str) -> List[Any]:
    return list(tracker.get_latest_entity_values(entity))


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
        candidates = _latest_entity_values(tracker, "country") + [tracker.get_slot("country")]
        for candidate in candidates:
            country = canonical_country(candidate)
            if country:
                return [SlotSet("country", country)]
        # An unrecognised name must not stick: the international route is safer than a
        # wrong country's numbers.
        return [SlotSet("country", None)] if tracker.get_slot("country") else []


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
        candidates = _latest_entity_values(tracker, "user_role") + [
            tracker.latest_message.get("text"),
            tracker.get_slot("role"),
        ]
        role = role_from_values(candidates)
        if role:
            return [SlotSet("role", role)]
        return [SlotSet("role", None)] if tracker.get_slot("role") else []
