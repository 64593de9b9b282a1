"""``action_explain_law``: what the law says in the user's country, from the sourced law table,
in the user's language. It follows the general ``utter_law_explain`` response, which is true
almost everywhere.

Adults get the statutes, penalties and sources. A young user gets a short calm version: the
law protects them, and they are not in trouble for reporting.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.guides.laws import CountryLaws, load_laws
from actions.help import country_picker, user_country
from actions.texts import texts_for, user_language
from haven_nlu.language import DEFAULT_LANGUAGE
from haven_nlu.writer import ADULT_ROLES

NOT_IN_TROUBLE = texts_for(DEFAULT_LANGUAGE)("law.not_in_trouble")


def young_version(laws: CountryLaws, language: str = DEFAULT_LANGUAGE) -> str:
    """The short, non-frightening version for a young user."""
    summary = laws.in_language("young_summary", language)
    return f"{summary}\n{texts_for(language)('law.not_in_trouble')}"


def adult_version(country: str, laws: CountryLaws, language: str = DEFAULT_LANGUAGE) -> str:
    """The law table for a parent, teacher or professional: statute (as the official source
    names it), what it forbids, penalty, and where it was checked. A summary not yet translated
    is shown in English, and the reply says so."""
    words = texts_for(language)
    lines = [words("law.heading", country=words.country(country))]
    for law in laws.laws:
        lines.append(
            words(
                "law.line",
                statute=law.statute,
                summary=law.in_language("summary", language),
                penalty=law.in_language("penalty", language),
                source=law.source,
                checked=law.checked.isoformat(),
            )
        )
    note = laws.victim_note
    if note:
        lines.append(
            words("law.victim_line", statute=note.statute, text=note.in_language("text", language))
        )
    shown = [(law, field) for law in laws.laws for field in ("summary", "penalty")]
    shown += [(note, "text")] if note else []
    if not all(part.has_translation(field, language) for part, field in shown):
        lines.append(words("law.untranslated"))
    lines.append(words("law.disclaimer"))
    return "\n".join(lines)


class ActionExplainLaw(Action):
    """Explains the law for the user's country, worded for their role and language."""

    def name(self) -> str:
        return "action_explain_law"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        language = user_language(tracker)
        table = load_laws()
        country = user_country(tracker)
        laws = table.for_country(country)
        if laws is None:
            dispatcher.utter_message(
                text=texts_for(language)("law.ask_country"),
                buttons=country_picker(tracker, list(table.countries)),
            )
        elif tracker.get_slot("role") in ADULT_ROLES and laws.laws:
            dispatcher.utter_message(text=adult_version(country, laws, language))
        else:
            dispatcher.utter_message(text=young_version(laws, language))
        return []
