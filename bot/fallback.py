"""The reply a channel gives on its own when the assistant cannot be reached: it still carries
emergency advice and sourced helplines, so a child is never left with silence."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import List

from actions.directory.loader import load_directory
from actions.directory.resolve import covered_countries, resources_for
from actions.directory.schema import INTERNATIONAL, DirectoryError

logger = logging.getLogger(__name__)

_HEADER = (
    "Sorry, I can't answer properly right now, but help is still here. "
    "If you are in danger right now, call your local emergency number."
)
# Used only if the contacts file itself cannot be read: the international directory is the one
# route that is right for every country.
_LAST_RESORT = f"{_HEADER}\nFind a free helpline in your country: https://findahelpline.com"
_KINDS_SHOWN = ["emergency", "child_helpline", "crisis_line"]


def _build_offline_reply() -> str:
    contacts = load_directory().resources
    lines: List[str] = [_HEADER]
    for country in covered_countries(contacts):
        chosen = resources_for(contacts, country, _KINDS_SHOWN)
        numbers = ", ".join(f"{c.name} {c.phone}" for c in chosen if c.phone)
        if numbers:
            lines.append(f"• {country}: {numbers}")
    for contact in resources_for(contacts, INTERNATIONAL, ["directory"])[:1]:
        lines.append(f"• Anywhere: {contact.name} {contact.web}")
    lines.append("Please try your message again in a minute.")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def offline_reply() -> str:
    """Returns the offline message: emergency numbers, child and crisis lines, the international
    route. It never raises: a broken contacts file still yields the international route."""
    try:
        return _build_offline_reply()
    except (DirectoryError, OSError, ValueError) as error:
        logger.error("contacts unavailable for the offline reply: %s", type(error).__name__)
        return _LAST_RESORT
