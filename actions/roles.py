"""Works out who is talking (young person, parent, educator, professional) from the role entity,
which may be a normalised role or a bare age such as "13"."""

from __future__ import annotations

import re
from typing import Iterable, Optional

ROLES = ("youth", "parent", "educator", "professional")
_YOUNGEST_USER_AGE = 5
_ADULT_AGE = 18
_AGE_PATTERN = re.compile(r"\b(\d{1,2})\b")


def role_from_value(value: Optional[str]) -> Optional[str]:
    """Returns a known role for an entity value; ages under 18 mean a young person."""
    if not value or not isinstance(value, str):
        return None
    normalised = value.strip().casefold()
    if normalised in ROLES:
        return normalised
    match = _AGE_PATTERN.search(normalised)
    if match and _YOUNGEST_USER_AGE <= int(match.group(1)) < _ADULT_AGE:
        return "youth"
    return None


def role_from_values(values: Iterable[Optional[str]]) -> Optional[str]:
    """Returns the first recognisable role among several entity values."""
    for value in values:
        role = role_from_value(value)
        if role:
            return role
    return None
