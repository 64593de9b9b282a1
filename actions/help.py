"""Actions that point a user to the right help for their country and topic, from the sourced
directory: ``action_offer_help`` and the topic-specific help actions.

The guidance for each topic is a domain response (worded per role) that the rule plays just
before the topic action, and urgent replies with the emergency numbers are static responses
before that: a slow or stopped action server never withholds a number or the advice. The topic
actions add the services for the user's country that handle the topic.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.countries import canonical_country, country_hint
from actions.directory.formatting import (
    country_picker_buttons,
    format_resources,
    resource_links,
)
from actions.directory.loader import Directory, load_directory
from actions.directory.resolve import covered_countries, resolve_resources
from actions.topics import latest_topic

OTHER_COUNTRY = "Another country"
_UNKNOWN_COUNTRY_LINES = (
    "If you are in danger right now, call your local emergency number.",
    "Tell me your country and I'll show you numbers there:",
)
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


def send_resources(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic: Optional[str],
    urgent: bool,
    heading: str,
) -> None:
    """Sends the resolved services for the user's country, or the international route and a
    country picker when the country is unknown or not covered yet."""
    found = directory()
    country = user_country(tracker)
    covered = covered_countries(found.resources)
    chosen = resolve_resources(found, country, topic, urgent=urgent, role=tracker.get_slot("role"))
    place = f" in {country}" if country in covered else ""
    lines = [heading.format(place=place), format_resources(chosen)]
    buttons: List[Dict[str, str]] = []
    if country not in covered:
        lines.extend(_UNKNOWN_COUNTRY_LINES)
        hint = country_hint((tracker.latest_message.get("metadata") or {}).get("language_code"))
        buttons = country_picker_buttons(covered, OTHER_COUNTRY, suggested=hint)
    dispatcher.utter_message(
        text="\n".join(lines), buttons=buttons, json_message={"resources": resource_links(chosen)}
    )


class ActionOfferHelp(Action):
    """Someone to talk to, and the services for the conversation's topic, best first."""

    def name(self) -> str:
        return "action_offer_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        topic, urgent = latest_topic(recent_intents(tracker))
        heading = "You did the right thing asking for help. Here is who can help{place}:"
        send_resources(dispatcher, tracker, topic, urgent, heading)
        return []


class TopicHelpAction(Action):
    """The services that handle one topic, after the rule's guidance response."""

    action_name = ""
    topic = ""
    urgent = False
    heading = "Where to get help{place}:"

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
    heading = "Where to report it{place} (you can stay anonymous):"


class ActionSextortionHelp(TopicHelpAction):
    """Someone threatening to share images: never pay, keep proof of the threat, take-down."""

    action_name = "action_sextortion_help"
    topic = "sextortion"
    heading = "Who can help{place}, including getting images taken down:"


class ActionShelterHelp(TopicHelpAction):
    """Nowhere safe to stay tonight: runaway and shelter lines (the static urgent reply before
    it already gave the emergency numbers)."""

    action_name = "action_shelter_help"
    topic = "runaway"
    heading = "Who can help you find somewhere safe{place}:"


class ActionCyberbullyingHelp(TopicHelpAction):
    """Bullying online: what to do, then the people who help with it."""

    action_name = "action_cyberbullying_help"
    topic = "cyberbullying"
    heading = "People who can help with bullying{place}:"
