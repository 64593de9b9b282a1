"""Who is talking (young person, parent, educator, professional): the role entity's values are
read in haven_nlu/writer.py, shared with the NLU component that tags a carer's words."""

from __future__ import annotations

from haven_nlu.writer import ADULT_ROLES, ROLES, YOUTH, role_from_value, role_from_values

__all__ = ["ADULT_ROLES", "ROLES", "YOUTH", "role_from_value", "role_from_values"]
