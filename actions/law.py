"""``action_explain_law``: what the law says in the user's country, from the sourced law table.
It follows the general ``utter_law_explain`` response, which is true almost everywhere.

Adults get the statutes, penalties and sources. A young user gets a short calm version: the
law protects them, and they are not in trouble for reporting.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.directory.formatting import country_picker_buttons
from actions.guides.laws import CountryLaws, load_laws
from actions.help import OTHER_COUNTRY, user_country
from actions.roles import ADULT_ROLES

NOT_IN_TROUBLE = "You are not in trouble for reporting, or for telling someone what happened."


def young_version(laws: CountryLaws) -> str:
    """The short, non-frightening version for a young user."""
    return f"{laws.young_summary}\n{NOT_IN_TROUBLE}"


def adult_version(country: str, laws: CountryLaws) -> str:
    """The law table for a parent, teacher or professional: statute, what it forbids, penalty,
    and where it was checked."""
    lines = [f"The law in {country} (checked against the official texts):"]
    for law in laws.laws:
        lines.append(
            f"• {law.statute}: {law.summary} Penalty: {law.penalty} "
            f"(source: {law.source}, checked {law.checked.isoformat()})"
        )
    if laws.victim_note:
        lines.append(f"• {laws.victim_note.statute}: {laws.victim_note.text}")
    lines.append("This is general information, not legal advice.")
    return "\n".join(lines)


class ActionExplainLaw(Action):
    """Explains the law for the user's country, worded for their role."""

    def name(self) -> str:
        return "action_explain_law"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        table = load_laws()
        country = user_country(tracker)
        laws = table.for_country(country)
        if laws is None:
            dispatcher.utter_message(
                text="Tell me your country and I can say more about the law there:",
                buttons=country_picker_buttons(list(table.countries), OTHER_COUNTRY),
            )
        elif tracker.get_slot("role") in ADULT_ROLES and laws.laws:
            dispatcher.utter_message(text=adult_version(country, laws))
        else:
            dispatcher.utter_message(text=young_version(laws))
        return []
