"""Writes directory entries as chat text a child can act on from a phone, in the user's language.

Used by the help actions and by the generator of the static urgent replies, so a number reads
the same wherever it appears. The words around the numbers come from ``actions/texts``; the
numbers and links only ever come from the entry.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence

from actions.directory.schema import Resource
from actions.texts import Texts, texts_for
from haven_nlu.language import DEFAULT_LANGUAGE

# Reporting and takedown routes keep their web address even with a phone: the form is the action.
WEB_FIRST_KINDS = ("image_takedown", "csam_report", "police_cyber")
_ENDS_WITH_LINK = re.compile(r"https?://\S+$|\b[\w-]+\.[a-z]{2,}/?$")


def _ways_to_reach(resource: Resource, words: Texts) -> List[str]:
    ways: List[str] = []
    if resource.phone and resource.sms == resource.phone:
        ways.append(words("directory.call_or_text", number=resource.phone))
    else:
        ways.extend(
            words(f"directory.{verb}", number=number)
            for verb, number in (("call", resource.phone), ("text", resource.sms))
            if number
        )
    if resource.web and (not resource.phone or resource.kind in WEB_FIRST_KINDS):
        ways.append(words("directory.link", link=resource.web))
    if not ways and resource.chat:
        ways.append(words("directory.chat", link=resource.chat))
    if not ways and resource.email:
        ways.append(words("directory.email", address=resource.email))
    return ways


def _append(line: str, piece: str) -> str:
    """Adds text after a line; a link at the end keeps a space after it, so a chat app never
    swallows the following words (or a full-width bracket) into the link."""
    if piece and not piece[0].isspace() and _ENDS_WITH_LINK.search(line):
        return f"{line} {piece}"
    return line + piece


def _facts(resource: Resource, language: str, words: Texts) -> List[str]:
    hours = resource.in_language("hours", language)
    facts = [hours] if hours else []
    if resource.free and resource.confidential:
        facts.append(words("directory.free_and_confidential"))
    elif resource.free:
        facts.append(words("directory.free"))
    elif resource.confidential:
        facts.append(words("directory.confidential"))
    return facts


def format_resource(
    resource: Resource, language: str = DEFAULT_LANGUAGE, with_note: bool = True
) -> str:
    """One bullet: name, how to reach it (numbers and links a phone makes tappable), and the
    facts that help a child decide to reach out: when it is open, free, confidential. The note
    follows a dash so a trailing full stop never sticks to a link; it speaks to a child ("you
    can call 113 yourself"), so a reply to an adult leaves it out (``with_note`` False)."""
    words = texts_for(language)
    ways = words("directory.or").join(_ways_to_reach(resource, words))
    line = words("directory.line", name=resource.display_name(language), ways=ways)
    facts = _facts(resource, language, words)
    if facts:
        joined = words("directory.facts_separator").join(facts)
        line = _append(line, words("directory.facts", facts=joined))
    note = resource.in_language("note", language) if with_note else None
    if note:
        line = _append(line, words("directory.note", note=note))
    return line


def format_emergency(resources: Sequence[Resource], language: str = DEFAULT_LANGUAGE) -> str:
    """All emergency numbers on one line: police for danger, an ambulance for an injury or an
    overdose. A child should not have to guess which one."""
    words = texts_for(language)
    phones = [r for r in resources if r.phone]
    if len(phones) == 1:
        return words("directory.emergency", numbers=phones[0].phone)
    numbers = [
        words("directory.emergency_number", number=r.phone, label=r.display_name(language).lower())
        for r in phones
    ]
    return words("directory.emergency", numbers=words("directory.emergency_or").join(numbers))


def format_resources(resources: Sequence[Resource], language: str = DEFAULT_LANGUAGE) -> str:
    """The bullets for a list of entries, one per line, the emergency numbers sharing one."""
    emergency = [r for r in resources if r.kind == "emergency" and r.phone]
    lines = [format_emergency(emergency, language)] if emergency else []
    lines += [format_resource(r, language) for r in resources if r not in emergency]
    return "\n".join(lines)


def resource_links(
    resources: Sequence[Resource], language: str = DEFAULT_LANGUAGE
) -> List[Dict[str, Any]]:
    """Structured links for channels that can show them as buttons (``tel:`` and https)."""
    links: List[Dict[str, Any]] = []
    for resource in resources:
        link: Dict[str, Any] = {"id": resource.id, "name": resource.display_name(language)}
        if resource.tel_uri:
            link["tel"] = resource.tel_uri
        for field in ("web", "chat"):
            if getattr(resource, field):
                link[field] = getattr(resource, field)
        links.append(link)
    return links


def country_picker_buttons(
    countries: Sequence[str],
    other_title: str,
    suggested: Optional[str] = None,
    language: str = DEFAULT_LANGUAGE,
) -> List[Dict[str, str]]:
    """One button per covered country (a suggested one first), titled in the user's language,
    and one for anywhere else. The payload keeps the canonical name the slot holds."""
    words = texts_for(language)
    ordered = sorted(countries, key=lambda country: country != suggested)
    buttons = [
        {
            "title": words.country(country),
            "payload": "/inform_country" + json.dumps({"country": country}),
        }
        for country in ordered
    ]
    buttons.append({"title": other_title, "payload": "/inform_country"})
    return buttons
