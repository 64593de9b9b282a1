"""Chooses and orders directory entries for one user's country, topic and situation.

Order follows what a child in trouble needs first: the emergency number when it is urgent, then
someone to talk to (the NGO's own line if it named one, then the child helpline), then the
specialised routes for the topic (reporting, takedown, police). A country without a route of some
kind borrows the cross-border one (Take It Down works from anywhere), never a guessed number.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from actions.directory.loader import Directory
from actions.directory.schema import INTERNATIONAL, KINDS, Resource
from haven_nlu.writer import ADULT_ROLES

GENERAL_TOPIC = None
_SPECIALISED_KINDS = [k for k in KINDS if k not in ("emergency", "child_helpline", "directory")]
# With no topic the user wants a person to talk to.
_GENERAL_KINDS = ("child_helpline", "crisis_line")


def resources_for(
    resources: Sequence[Resource], country: str, kinds: Sequence[str]
) -> List[Resource]:
    """Entries serving a country, for the given kinds, ordered by kind then file order."""
    chosen: List[Resource] = []
    for kind in kinds:
        chosen.extend(r for r in resources if r.serves(country) and r.kind == kind)
    return chosen


def covered_countries(resources: Sequence[Resource]) -> List[str]:
    """Countries (not the international layer) that have at least one entry, in file order."""
    seen: Dict[str, None] = {}
    for resource in resources:
        for country in resource.countries:
            if country != INTERNATIONAL:
                seen.setdefault(country, None)
    return list(seen)


def _serves_topic(resource: Resource, topic: Optional[str]) -> bool:
    if topic is GENERAL_TOPIC:
        return resource.kind in _GENERAL_KINDS or resource.kind == "emergency"
    return topic in resource.topics


def _kind_order(urgent: bool, role: Optional[str]) -> List[str]:
    adult = role in ADULT_ROLES
    talk = ["parent_support", "child_helpline"] if adult else ["child_helpline"]
    order = (["emergency"] if urgent else []) + talk
    # Lines for worried adults are not where a child should be sent first.
    skipped = set(order) | (set() if adult else {"parent_support"})
    return order + [kind for kind in _SPECIALISED_KINDS if kind not in skipped]


def _suits(resource: Resource, topic: Optional[str], urgent: bool, role: Optional[str]) -> bool:
    """Serves the topic (or is the emergency number when urgent) and accepts this user's age."""
    if resource.min_age is not None and resource.min_age >= 18 and role not in ADULT_ROLES:
        return False
    return (urgent and resource.kind == "emergency") or _serves_topic(resource, topic)


def resolve_resources(
    directory: Directory,
    country: Optional[str],
    topic: Optional[str] = GENERAL_TOPIC,
    urgent: bool = False,
    role: Optional[str] = None,
    limit: int = 5,
) -> List[Resource]:
    """The entries to show, best first. An unknown or uncovered country gets the international
    layer, ending with the international helpline directory."""
    resources = directory.resources
    covered = covered_countries(resources)
    area = country if country in covered else INTERNATIONAL
    candidates = [r for r in resources if r.serves(area) and _suits(r, topic, urgent, role)]
    ordered: List[Resource] = []
    for kind in _kind_order(urgent, role):
        ordered.extend(r for r in candidates if r.kind == kind)
    if area != INTERNATIONAL:
        wanted = set(_kind_order(urgent, role)) - {r.kind for r in ordered}
        ordered.extend(
            r
            for r in resources
            if r.serves(INTERNATIONAL) and r.kind in wanted and _suits(r, topic, urgent, role)
        )
    preferred = directory.by_id(directory.first_choice.get(area, ""))
    if preferred is not None and _serves_topic(preferred, topic):
        ordered = [r for r in ordered if r.id != preferred.id]
        # Emergency numbers stay first when it is urgent; the NGO's line comes right after.
        position = sum(1 for r in ordered if r.kind == "emergency")
        ordered.insert(position, preferred)
    unique = _unique(ordered)
    # The emergency numbers share one line, so they do not count against the limit.
    emergency = [r for r in unique if r.kind == "emergency"]
    chosen = emergency + [r for r in unique if r.kind != "emergency"][:limit]
    if area == INTERNATIONAL:
        chosen += [r for r in resources if r.serves(INTERNATIONAL) and r.kind == "directory"][:1]
    return _unique(chosen)


def _unique(resources: Sequence[Resource]) -> List[Resource]:
    seen: Dict[str, Resource] = {}
    for resource in resources:
        seen.setdefault(resource.id, resource)
    return list(seen.values())
