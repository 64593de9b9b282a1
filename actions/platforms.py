"""``action_platform_guide``: how to report and block on the app the user named, checked
against that app's own help centre; general steps for any other app."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.guides.platforms import (
    PlatformGuide,
    PlatformGuides,
    Steps,
    load_platform_guides,
)

KEEP_PROOF = (
    "Before you block: note their username and the link to their profile or the message. "
    "Never save or forward sexual pictures, not even as proof."
)


def _numbered(steps: List[str]) -> str:
    return "\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1))


def guide_text(name: str, steps: Steps) -> str:
    """Report steps, then block steps, as numbered lists a child can follow on a phone."""
    return (
        f"How to report on {name}:\n{_numbered(steps.report_steps)}\n"
        f"How to block:\n{_numbered(steps.block_steps)}"
    )


def platform_text(guide: PlatformGuide) -> str:
    """The checked guide with the official help page and the date it was checked."""
    extra = "\n".join(guide.extra)
    return "\n".join(
        part
        for part in (
            guide_text(guide.name, guide),
            extra,
            f"{guide.name}'s help page: {guide.help_url} (checked {guide.checked.isoformat()})",
        )
        if part
    )


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
        guides = load_platform_guides()
        named = next(tracker.get_latest_entity_values("platform"), None)
        platform = named or tracker.get_slot("platform")
        guide = guides.find(platform)
        if guide is not None:
            dispatcher.utter_message(text=platform_text(guide))
        elif platform:
            # An app we have no checked guide for: general steps, never guessed menus.
            dispatcher.utter_message(text=f"{guide_text(platform, guides.general)}\n{KEEP_PROOF}")
        else:
            dispatcher.utter_message(
                text="Which app is it? I can show you the exact steps.",
                buttons=platform_picker(guides),
            )
        return []
