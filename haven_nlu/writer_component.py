"""Rasa NLU component: a `user_role` entity for an adult who names a child in their care, so the
`role` slot is set before the first reply and the urgent replies speak to that adult
(haven_nlu/writer.py says which words count).

The classifier's own `user_role` entity wins when it names an adult ("im a teacher") or the
writer's own age ("im 14"). A bare age that belongs to the child ("my son 13", 女兒十四歲) is the
child's, not the writer's: it is replaced by the carer's role.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from haven_nlu.rule_component import MessageRule
from haven_nlu.writer import ADULT_ROLES, carer_role

ROLE_ENTITY = "user_role"
# The writer stating their own age just before the classifier's youth entity: "im 14", "我國二".
_SELF_STATED = re.compile(r"(?:\bi'?m|\bi am|\bim only|\bage|我(?:今年|才|是)?)\s*$", re.IGNORECASE)


def _writers_own_age(text: str, entity: Dict[str, Any]) -> bool:
    """A young person's role the writer says of themselves ("im 14"), not of the child they
    name ("my son 13")."""
    return bool(_SELF_STATED.search(text[: entity.get("start", 0)]))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class WriterTagger(MessageRule):
    """Adds the carer's `user_role` entity (see module doc)."""

    def check(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button payload carries its own entities
        found = carer_role(text)
        if found is None:
            return
        entities: List[Dict[str, Any]] = message.get(ENTITIES) or []
        roles = [e for e in entities if e.get("entity") == ROLE_ENTITY]
        if any(e.get("value") in ADULT_ROLES or _writers_own_age(text, e) for e in roles):
            return
        role, start, end = found
        kept = [e for e in entities if e.get("entity") != ROLE_ENTITY]
        kept.append(
            {
                "entity": ROLE_ENTITY,
                "value": role,
                "start": start,
                "end": end,
                "confidence_entity": 1.0,
                "extractor": WriterTagger.__name__,
            }
        )
        message.set(ENTITIES, kept, add_to_output=True)
