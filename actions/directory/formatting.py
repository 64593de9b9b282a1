"""Writes directory entries as chat text a child can act on from a phone.

Used by the help actions and by the generator of the static urgent replies, so a number reads
the same wherever it appears.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from actions.directory.schema import Resource

# Reporting and takedown routes keep their web address even with a phone: the form is the action.
WEB_FIRST_KINDS = ("image_takedown", "csam_report", "police_cyber")


def _ways_to_reach(resource: Resource) -> List[str]:
    ways: List[str] = []
    if resource.phone and resource.sms == resource.phone:
        ways.append(f"call or text {resource.phone}")
    else:
        ways.extend(
            f"{verb} {number}"
            for verb, number in (("call", resource.phone), ("text", resource.sms))
            if number
        )
    if resource.web and (not resource.phone or resource.kind in WEB_FIRST_KINDS):
        ways.append(resource.web)
    if not ways and resource.chat:
        ways.append(f"chat at {resource.chat}")
    if not ways and resource.email:
        ways.append(f"e-mail {resource.email}")
    return ways


def format_resource(resource: Resource) -> str:
    """One bullet: name, how to reach it (numbers and links a phone makes tappable), and the
    facts that help a child decide to reach out: when it is open, free, confidential. The note
    follows a dash so a trailing full stop never sticks to a link."""
    facts = [resource.hours] if resource.hours else []
    if resource.free and resource.confidential:
        facts.append("free and confidential")
    elif resource.free:
        facts.append("free")
    elif resource.confidential:
        facts.append("confidential")
    line = f"• {resource.name}: {' or '.join(_ways_to_reach(resource))}"
    if facts:
        line += f" ({', '.join(facts)})"
    if resource.note:
        line += f" – {resource.note}"
    return line


def format_emergency(resources: Sequence[Resource]) -> str:
    """All emergency numbers on one line: police for danger, an ambulance for an injury or an
    overdose. A child should not have to guess which one."""
    phones = [r for r in resources if r.phone]
    if len(phones) == 1:
        return f"• Emergency: call {phones[0].phone}"
    return "• Emergency: call " + " or ".join(f"{r.phone} ({r.name.lower()})" for r in phones)


def format_resources(resources: Sequence[Resource]) -> str:
    """The bullets for a list of entries, one per line, the emergency numbers sharing one."""
    emergency = [r for r in resources if r.kind == "emergency" and r.phone]
    lines = [format_emergency(emergency)] if emergency else []
    lines += [format_resource(r) for r in resources if r not in emergency]
    return "\n".join(lines)


def resource_links(resources: Sequence[Resource]) -> List[Dict[str, Any]]:
    """Structured links for channels that can show them as buttons (``tel:`` and https)."""
    links: List[Dict[str, Any]] = []
    for resource in resources:
        link: Dict[str, Any] = {"id": resource.id, "name": resource.name}
        if resource.tel_uri:
            link["tel"] = resource.tel_uri
        for field in ("web", "chat"):
            if getattr(resource, field):
                link[field] = getattr(resource, field)
        links.append(link)
    return links


def country_picker_buttons(
    countries: Sequence[str], other_title: str, suggested: Optional[str] = None
) -> List[Dict[str, str]]:
    """One button per covered country (a suggested one first), and one for anywhere else."""
    ordered = sorted(countries, key=lambda country: country != suggested)
    buttons = [
        {"title": country, "payload": "/inform_country" + json.dumps({"country": country})}
        for country in ordered
    ]
    buttons.append({"title": other_title, "payload": "/inform_country"})
    return buttons
