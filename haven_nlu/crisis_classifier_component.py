"""Rasa NLU component: the crisis classifier's second opinion on every message.

Trained in ``rasa train`` from the NLU training data and the labelled crisis sets named in
``config.yml`` (:mod:`haven_nlu.crisis_classifier`), kept in the model archive, and run before the
crisis safety net, which decides with it (:mod:`haven_nlu.crisis_component`). The sets' contents
are part of the component's fingerprint, so a changed set retrains it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from haven_nlu import crisis_classifier
from haven_nlu.crisis_classifier import (
    LABELLED_SET_WEIGHT,
    PROBABILITY_KEY,
    SENTENCE_PROBABILITY_KEY,
    TRAINING_DATA_CRISIS,
    TRAINING_DATA_OTHER,
    UNNEGATED_PROBABILITY_KEY,
    CrisisClassifier,
    Example,
    labelled_set_rows,
    sets_digest,
)
from haven_nlu.crisis_component import CRISIS_ONLY_INTENTS, URGENT_INTENTS

logger = logging.getLogger(__name__)

__all__ = [
    "PROBABILITY_KEY",
    "CrisisExamples",
    "CrisisSecondOpinion",
    "crisis_examples",
    "intent_examples",
    "labelled_set_paths",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def labelled_set_paths(config: Dict[str, Any]) -> List[Path]:
    """The labelled crisis sets a config names (directories of YAML files)."""
    paths: List[Path] = []
    for name in config.get("labelled_sets") or []:
        directory = Path(name) if Path(name).is_absolute() else PROJECT_ROOT / name
        paths.extend(sorted(directory.glob("*.yml")))
    return paths


def intent_examples(examples: Iterable[Tuple[str, str]]) -> List[Example]:
    """(text, intent) pairs from the NLU training data, as crisis or not. ask_sextortion also
    answers questions about sextortion, so its examples are counted on neither side."""
    return [
        (text, int(intent in CRISIS_ONLY_INTENTS))
        for text, intent in examples
        if intent in CRISIS_ONLY_INTENTS or intent not in URGENT_INTENTS
    ]


class CrisisExamples(NamedTuple):
    """What the crisis classifier learns from: the examples, what each counts, and its class."""

    examples: List[Example]
    weights: List[float]
    kinds: List[str]


def crisis_examples(training_data: TrainingData, set_paths: Sequence[Path]) -> CrisisExamples:
    """What the crisis classifier learns from, and how much each example counts: the training
    data's intents once, as crisis or not, the labelled sets' sentences ``LABELLED_SET_WEIGHT``
    times, each with its category or kind."""
    examples = intent_examples(
        (message.get(TEXT), message.get(INTENT)) for message in training_data.intent_examples
    )
    weights = [1.0] * len(examples)
    kinds = [TRAINING_DATA_CRISIS if label else TRAINING_DATA_OTHER for _, label in examples]
    for path in set_paths:
        labelled, labelled_kinds = labelled_set_rows(path)
        examples.extend(labelled)
        weights.extend([LABELLED_SET_WEIGHT] * len(labelled))
        kinds.extend(labelled_kinds)
    return CrisisExamples(examples, weights, kinds)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CrisisSecondOpinion(GraphComponent):
    """Adds ``crisis_probability`` to every parsed message."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"labelled_sets": []}

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # The classifier's own module too: a change to how it learns retrains it.
        return sets_digest([*labelled_set_paths(config), Path(crisis_classifier.__file__)])

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: Optional[CrisisClassifier] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisSecondOpinion:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisSecondOpinion:
        try:
            with model_storage.read_from(resource) as directory:
                classifier = CrisisClassifier.load(directory)
        except (ValueError, OSError, KeyError):
            # Without its second opinion the safety net still runs on its patterns and the
            # intent classifier, as before the crisis classifier existed.
            logger.warning("No crisis classifier in the model: the safety net uses its patterns")
            classifier = None
        return cls(config, model_storage, resource, classifier)

    def train(self, training_data: TrainingData) -> Resource:
        self._classifier = CrisisClassifier.fit(
            *crisis_examples(training_data, labelled_set_paths(self._config))
        )
        with self._model_storage.write_to(self._resource) as directory:
            self._classifier.save(directory)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self._classifier is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/"):
                probability = round(self._classifier.probability(text), 4)
                message.set(PROBABILITY_KEY, probability, add_to_output=True)
                unnegated = self._classifier.unnegated_probability(text)
                if unnegated is not None and round(unnegated, 4) != probability:
                    message.set(UNNEGATED_PROBABILITY_KEY, round(unnegated, 4), add_to_output=True)
                by_sentence = self._classifier.sentence_probability(text)
                if by_sentence is not None:
                    message.set(SENTENCE_PROBABILITY_KEY, round(by_sentence, 4), add_to_output=True)
        return messages
