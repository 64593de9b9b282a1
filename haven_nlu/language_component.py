"""Rasa NLU component: the `language` entity that sets the `language` slot, so every response
is said in the user's language (domain.yml variations conditioned on the slot).

The front ends (Telegram, the local chat) know the best answer and send it as message metadata
``{"language": "zh-TW"}``: the user's explicit choice, else the script of the message, else
Telegram's interface language as a hint (``bot/``). Without metadata (a plain REST client,
``rasa test``), a message written in Chinese switches to Chinese; switching back to English is
asked for in words ("english please", the set_language intent) or by the front end.

The entity spans the whole message: it is a fact about the message, not about words in it.
Runs after the classifier: an explicit request ("can you speak chinese", intent set_language)
keeps the classifier's `language` entity; elsewhere the classifier's guesses are dropped.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from haven_nlu.language import CHINESE, detect_language, normalise_choice
from haven_nlu.rule_component import MessageRule

LANGUAGE_ENTITY = "language"
SET_LANGUAGE_INTENT = "set_language"
METADATA_KEY = "metadata"


def message_language(text: Optional[str], metadata: Optional[Dict[str, Any]]) -> Optional[str]:
    """The language to set for this message, or None to leave the slot as it is."""
    if isinstance(metadata, dict):
        chosen = normalise_choice(metadata.get(LANGUAGE_ENTITY))
        if chosen:
            return chosen
    return CHINESE if detect_language(text) == CHINESE else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageTagger(MessageRule):
    """Adds the `language` entity (see module doc)."""

    def check(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        entities = message.get(ENTITIES) or []
        intent = (message.get(INTENT) or {}).get("name")
        requested = [e for e in entities if e.get("entity") == LANGUAGE_ENTITY]
        if intent == SET_LANGUAGE_INTENT and requested:
            return
        kept = [e for e in entities if e.get("entity") != LANGUAGE_ENTITY]
        language = message_language(text, message.get(METADATA_KEY))
        if language:
            kept.append(
                {
                    "entity": LANGUAGE_ENTITY,
                    "value": language,
                    "start": 0,
                    "end": len(text),
                    "confidence_entity": 1.0,
                    "extractor": LanguageTagger.__name__,
                }
            )
        message.set(ENTITIES, kept, add_to_output=True)
