"""The reply a channel gives on its own when the assistant cannot be reached: it still carries
emergency advice and sourced helplines, so a child is never left with silence."""

from __future__ import annotations

from functools import lru_cache
from typing import List

from actions.directory.contacts import INTERNATIONAL, contacts_for, load_contacts

_HEADER = (
    "Sorry, I can't answer properly right now, but help is still here. "
    "If you are in danger right now, call your local emergency number."
)


@lru_cache(maxsize=1)
def offline_reply() -> str:
    """Returns the offline message: emergency numbers, child helplines, international route."""
    contacts = load_contacts()
    lines: List[str] = [_HEADER, ""]
    countries = [c.country for c in contacts if c.kind == "emergency"]
    for country in dict.fromkeys(countries):
        chosen = contacts_for(contacts, country, ["emergency", "child_helpline"])
        numbers = ", ".join(f"{c.name} {c.phone}" for c in chosen if c.phone)
        if numbers:
            lines.append(f"• {country}: {numbers}")
    for contact in contacts_for(contacts, INTERNATIONAL, ["directory"])[:1]:
        lines.append(f"• Anywhere: {contact.name} {contact.web}")
    lines.append("")
    lines.append("Please try your message again in a minute.")
    return "\n".join(lines)
