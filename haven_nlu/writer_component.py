"""Rasa NLU component: every `user_role` entity read as a known role, and a `user_role` entity for
an adult who names a child in their care, so the `role` slot holds a role the replies are written
for, before the first reply (haven_nlu/writer.py says which words count).

The slot takes the entity's value as it is, and the urgent replies are chosen by it: a stray value
("國中二", "year", "老二") would match no variation and send a Chinese child the English default.
So each value is read as a role ("13" and "國二" are a young person) or dropped. An adult role the
classifier tags is kept only where the writer says it of themselves ("im a teacher", "我是家長",
"dad here"), not "my teacher keeps asking me for pics" or "我是跟媽媽住". A young person's role
blocks the carer reading, except a bare age that belongs to the child ("my son 13", 女兒十四歲).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from haven_nlu.rule_component import MessageRule
from haven_nlu.writer import (
    ADULT_ROLES,
    STATEMENT_END,
    YOUTH,
    carer_role,
    lowered,
    role_from_value,
)

ROLE_ENTITY = "user_role"
# The writer naming their own role just before it: "im a", "i'm her", "as a worried", "我是單親",
# "身為".
_SAID_OF_SELF_BEFORE = re.compile(
    r"(?:\bi'?m|\bim|\bi am|\bas|\bi)(?: (?:a|an|the|her|his|their|just a|only a|worried|single"
    r"|legal|proud))*\s*$"
)
# In Chinese the role must also end the statement: "我是台灣的家長", "我是導師 學生…"; not
# "我是跟媽媽住" or "我是被爸爸打大的".
_CHINESE_SAID_OF_SELF = re.compile(
    r"(?:我是|我就是|身為)(?:(?![跟被給讓和與替幫])[^\s，,。！？!?]){0,6}$"
)
_STATEMENT_ENDS = re.compile(STATEMENT_END)
# ...or opening the message with it: "dad here", "grandad asking for…", "father of three".
_SAID_OF_SELF_AFTER = re.compile(r"\s*(?:$|here\b|of\b|asking\b|[,.!:])")
# How far after the carer's words a bare age still belongs to the child ("my son, 13,").
_CHILDS_AGE_REACH = 12


def _said_of_self(text: str, entity: Dict[str, Any]) -> bool:
    """The writer states this role as their own."""
    start, end = entity.get("start", 0), entity.get("end", 0)
    before = lowered(text[:start])
    if _SAID_OF_SELF_BEFORE.search(before):
        return True
    if _CHINESE_SAID_OF_SELF.search(before):
        return bool(_STATEMENT_ENDS.match(text[end:]))
    return not before.strip() and bool(_SAID_OF_SELF_AFTER.match(lowered(text[end:])))


def _childs_age(text: str, entity: Dict[str, Any], start: int, end: int) -> bool:
    """A young person's role that is only the age of the child the carer names."""
    at = entity.get("start", 0)
    words = text[at : entity.get("end", at)]
    return start <= at <= end + _CHILDS_AGE_REACH and bool(re.search(r"\d|歲|十", words))


def _read_roles(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The classifier's role entities with known values; an adult's only when said of self."""
    read = []
    for entity in entities:
        role = role_from_value(entity.get("value"))
        if role is None or (role in ADULT_ROLES and not _said_of_self(text, entity)):
            continue
        read.append({**entity, "value": role})
    return read


def _carer_entity(text: str, roles: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The carer's role entity, unless the classifier's reading stands."""
    found = carer_role(text)
    if found is None or any(e["value"] in ADULT_ROLES for e in roles):
        return None
    role, start, end = found
    if any(not _childs_age(text, e, start, end) for e in roles if e["value"] == YOUTH):
        return None
    return {
        "entity": ROLE_ENTITY,
        "value": role,
        "start": start,
        "end": end,
        "confidence_entity": 1.0,
        "extractor": WriterTagger.__name__,
    }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class WriterTagger(MessageRule):
    """Reads the role entities and adds the carer's (see module doc)."""

    def check(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button payload carries its own entities
        entities: List[Dict[str, Any]] = message.get(ENTITIES) or []
        others = [e for e in entities if e.get("entity") != ROLE_ENTITY]
        roles = _read_roles(text, [e for e in entities if e.get("entity") == ROLE_ENTITY])
        carer = _carer_entity(text, roles)
        message.set(ENTITIES, [*others, *([carer] if carer else roles)], add_to_output=True)
