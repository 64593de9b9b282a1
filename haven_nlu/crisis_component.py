"""Rasa NLU component: the crisis safety net placed after the classifiers.

When :class:`haven_nlu.crisis.CrisisDetector` finds a crisis statement, the predicted intent is
replaced by the crisis intent (confidence 1.0) unless the classifier already chose an equal or
more urgent crisis intent, and the parse data records why under ``crisis_safety_net``. The
dialogue rules for crisis intents then answer with the static urgent replies.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from haven_nlu.crisis import CrisisDetector, default_detector

PARSE_KEY = "crisis_safety_net"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisSafetyNet(GraphComponent):
    """Overrides the classifier's intent when a crisis pattern matches."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    def __init__(self, detector: Optional[CrisisDetector] = None) -> None:
        self._detector = detector or default_detector()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisSafetyNet:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._check(message)
        return messages

    def _check(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button payload names its intent already
        finding = self._detector.detect(text)
        if finding is None:
            return
        predicted = (message.get(INTENT) or {}).get("name")
        current = self._detector.intent_priority(predicted) if predicted else None
        wanted = self._detector.intent_priority(finding.intent)
        overridden = current is None or (wanted is not None and wanted < current)
        message.set(
            PARSE_KEY,
            {**finding.as_dict(), "overrode": predicted if overridden else None},
            add_to_output=True,
        )
        if not overridden:
            return
        message.set(INTENT, {"name": finding.intent, "confidence": 1.0}, add_to_output=True)
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get("name") != finding.intent
        ]
        message.set(
            INTENT_RANKING_KEY,
            [{"name": finding.intent, "confidence": 1.0}, *ranking],
            add_to_output=True,
        )
