"""Actions that point a user to the right help for their country and topic, from the sourced
directory: ``action_offer_help`` and the topic-specific help actions.

The guidance for each topic is a domain response (worded per role) that the rule plays just
before the topic action, and urgent replies with the emergency numbers are static responses
before that: a slow or stopped action server never withholds a number or the advice. The topic
actions add the services for the user's country that handle the topic, in the user's language
(the `language` slot).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.countries import canonical_country, home_country, suggested_country
from actions.directory.formatting import (
    country_picker_buttons,
    format_resources,
    resource_links,
)
from actions.directory.loader import Directory, load_directory
from actions.directory.resolve import covered_countries, resolve_resources
from actions.texts import texts_for, user_language
from actions.topics import latest_topic

_directory: Optional[Directory] = None


def directory() -> Directory:
    """The directory, loaded once per action-server process (HAVEN_RESOURCES_DIR applies)."""
    global _directory
    if _directory is None:
        _directory = load_directory()
    return _directory


def user_country(tracker: Tracker) -> Optional[str]:
    return canonical_country(tracker.get_slot("country"))


def recent_intents(tracker: Tracker) -> List[str]:
    """The user's intents, newest first."""
    return [
        event.get("parse_data", {}).get("intent", {}).get("name", "")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]


def country_picker(tracker: Tracker, countries: List[str]) -> List[Dict[str, str]]:
    """The country buttons in the user's language, the country they most likely live in first."""
    language = user_language(tracker)
    metadata = tracker.latest_message.get("metadata") or {}
    suggested = suggested_country(metadata.get("language_code"), language)
    other = texts_for(language)("help.other_country")
    return country_picker_buttons(countries, other, suggested=suggested, language=language)


def send_resources(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic: Optional[str],
    urgent: bool,
    heading: str,
) -> None:
    """Sends the resolved services for the user's country under the heading (a key of
    ``help.headings``), or the international route and a country picker when the country is
    unknown or not covered yet. With no country at all, a language's home country comes first
    (a Traditional Chinese speaker is most likely in Taiwan), as in the urgent replies."""
    language = user_language(tracker)
    words = texts_for(language)
    found = directory()
    country = user_country(tracker)
    role = tracker.get_slot("role")
    covered = covered_countries(found.resources)
    chosen = resolve_resources(found, country, topic, urgent=urgent, role=role)
    place = words("help.place", country=words.country(country)) if country in covered else ""
    lines = [words(f"help.headings.{heading}", place=place)]
    shown = list(chosen)
    home = home_country(language) if country is None else None
    if home in covered:
        local = resolve_resources(found, home, topic, urgent=urgent, role=role)
        lines += [
            words("help.home_country", country=words.country(home)),
            format_resources(local, language),
            words("help.elsewhere"),
        ]
        shown = local + shown
    lines.append(format_resources(chosen, language))
    buttons: List[Dict[str, str]] = []
    if country not in covered:
        lines.extend(words.get("help.unknown_country"))
        buttons = country_picker(tracker, covered)
    dispatcher.utter_message(
        text="\n".join(lines),
        buttons=buttons,
        json_message={"resources": resource_links(shown, language)},
    )


class ActionOfferHelp(Action):
    """Someone to talk to, and the services for the conversation's topic, best first."""

    def name(self) -> str:
        return "action_offer_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        topic, urgent = latest_topic(recent_intents(tracker))
        send_resources(dispatcher, tracker, topic, urgent, "offer")
        return []


class TopicHelpAction(Action):
    """The services that handle one topic, after the rule's guidance response."""

    action_name = ""
    topic = ""
    urgent = False
    heading = "topic"  # a key of help.headings in actions/texts/<language>.yml

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        send_resources(dispatcher, tracker, self.topic, self.urgent, self.heading)
        return []


class ActionReportCsam(TopicHelpAction):
    """Where to report sexual images of a child: never save or forward them, report the link."""

    action_name = "action_report_csam"
    topic = "csam"
    heading = "csam"


class ActionSextortionHelp(TopicHelpAction):
    """Someone threatening to share images: never pay, keep proof of the threat, take-down."""

    action_name = "action_sextortion_help"
    topic = "sextortion"
    heading = "sextortion"


class ActionShelterHelp(TopicHelpAction):
    """Nowhere safe to stay tonight: runaway and shelter lines (the static urgent reply before
    it already gave the emergency numbers)."""

    action_name = "action_shelter_help"
    topic = "runaway"
    heading = "shelter"


class ActionCyberbullyingHelp(TopicHelpAction):
    """Bullying online: what to do, then the people who help with it."""

    action_name = "action_cyberbullying_help"
    topic = "cyberbullying"
    heading = "cyberbullying"
