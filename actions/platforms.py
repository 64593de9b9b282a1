"""``action_platform_guide``: how to report and block on the app the user named, checked
against that app's own help centre; general steps for any other app. In the user's language:
where a checked guide has no translation, the translated general steps and the app's own help
page stand in for it (menu names are never guessed)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Union

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.guides.platforms import (
    PlatformGuide,
    PlatformGuides,
    Steps,
    load_platform_guides,
)
from actions.texts import texts_for, user_language
from haven_nlu.language import DEFAULT_LANGUAGE

KEEP_PROOF = texts_for(DEFAULT_LANGUAGE)("platforms.keep_proof")


def _numbered(steps: List[str]) -> str:
    return "\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1))


def guide_text(
    name: str, steps: Union[Steps, PlatformGuide], language: str = DEFAULT_LANGUAGE
) -> str:
    """Report steps, then block steps, as numbered lists a child can follow on a phone."""
    words = texts_for(language)
    return (
        f"{words('platforms.report_heading', name=name)}\n"
        f"{_numbered(steps.in_language('report_steps', language))}\n"
        f"{words('platforms.block_heading')}\n"
        f"{_numbered(steps.in_language('block_steps', language))}"
    )


def platform_text(guide: PlatformGuide, general: Steps, language: str = DEFAULT_LANGUAGE) -> str:
    """The checked guide with the official help page and the date it was checked; the general
    steps stand in where the guide is not translated into the user's language."""
    words = texts_for(language)
    if guide.steps_in(language):
        steps = [guide_text(guide.name, guide, language), *guide.in_language("extra", language)]
    else:
        steps = [
            guide_text(guide.name, general, language),
            words("platforms.general_steps_note", name=guide.name),
        ]
    help_page = words(
        "platforms.help_page",
        name=guide.name,
        url=guide.help_url,
        checked=guide.checked.isoformat(),
    )
    return "\n".join(part for part in (*steps, help_page) if part)


def platform_picker(guides: PlatformGuides) -> List[Dict[str, str]]:
    """Buttons for the apps we have checked guides for."""
    return [
        {
            "title": guide.name,
            "payload": "/ask_report_platform" + json.dumps({"platform": guide.name}),
        }
        for guide in guides.platforms
    ]


class ActionPlatformGuide(Action):
    """The step-by-step guide for the named app, after the general reporting advice
    (``utter_report_platform``); with no app named, it asks which one."""

    def name(self) -> str:
        return "action_platform_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        language = user_language(tracker)
        words = texts_for(language)
        guides = load_platform_guides()
        named = next(tracker.get_latest_entity_values("platform"), None)
        platform = named or tracker.get_slot("platform")
        guide = guides.find(platform)
        if guide is not None:
            dispatcher.utter_message(text=platform_text(guide, guides.general, language))
        elif platform:
            # An app we have no checked guide for: general steps, never guessed menus.
            general = guide_text(platform, guides.general, language)
            dispatcher.utter_message(text=f"{general}\n{words('platforms.keep_proof')}")
        else:
            dispatcher.utter_message(
                text=words("platforms.ask_which"), buttons=platform_picker(guides)
            )
        return []
