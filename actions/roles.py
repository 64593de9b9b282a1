"""Works out who is talking (young person, parent, educator, professional) from the role entity,
which may be a normalised role or a bare age such as "13"."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from haven_nlu.writer import ADULT_ROLES, YOUTH

ROLES = (YOUTH, *ADULT_ROLES)
_YOUNGEST_USER_AGE = 5
_ADULT_AGE = 18
# A message that is only a self-stated age: "13", "im 13", "i am 14 years old", "12 y/o", "age 15".
# Anything longer ("my daughter is 13", "mum of a 13 year old") says nothing about the writer.
_SELF_STATED_AGE = re.compile(
    r"^\s*(?:i'?m|i am|im only|i'?m only|age|aged)?\s*(\d{1,2})\s*"
    r"(?:yo|y/o|yrs?|years?(?: old)?|btw|tho)?\s*[.!]*\s*$",
    re.IGNORECASE,
)


def role_from_value(value: Optional[str]) -> Optional[str]:
    """Returns a known role for an entity value or a message that only states an age;
    an age under 18 means a young person."""
    if not value or not isinstance(value, str):
        return None
    normalised = value.strip().casefold().replace("’", "'")
    if normalised in ROLES:
        return normalised
    match = _SELF_STATED_AGE.match(normalised)
    if match and _YOUNGEST_USER_AGE <= int(match.group(1)) < _ADULT_AGE:
        return YOUTH
    return None


def role_from_values(values: Iterable[Optional[str]]) -> Optional[str]:
    """Returns the first recognisable role among several entity values."""
    for value in values:
        role = role_from_value(value)
        if role:
            return role
    return None
