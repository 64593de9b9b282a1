"""The safety net's decision: is this message a crisis now, given what three readers say?

Three readers look at every message: the crisis patterns (:mod:`haven_nlu.crisis`), which name a
crisis phrase or the harmless reading they recognise ("negated", "quoted", "someone_else"...);
the intent classifier, which names a topic; and the crisis classifier
(:mod:`haven_nlu.crisis_classifier`), which gives a probability. Until the fourteenth session
hand-set rules weighed them: a crisis phrase always won, the crisis classifier escalated from 0.5
and took the intent classifier's crisis back below 0.4. This module weighs them with a logistic
regression instead, fitted by ``scripts/fit_crisis_decision.py`` on what each reader says about
text it has never seen:

- the patterns as they were before each labelled set was tuned on (``fresh_readings.json``, one
  reading per sentence from the commit before the set was added), since the patterns of today
  know their tuning sets by heart;
- the crisis classifier with that set (and the others of its group) left out of its training;
- the intent classifier, which never trains on the labelled sets.

Over 30 sets (about 8,600 crises and 8,600 hard negatives, each set left out of the fit) the
decision caught more crises and raised fewer false alarms than the rules in both languages
(``haven_nlu/tuning/README.md`` has the figures). The weights are data, in
``crisis_decision.json``; a missing or damaged file falls back to the rules' first principle (a
crisis phrase wins), so the safety net never depends on it to fire.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

from haven_nlu.language import CHINESE, ENGLISH, LANGUAGES

WEIGHTS_PATH = Path(__file__).resolve().parent / "crisis_decision.json"

# The intent classifier's answer, by what it means for a crisis. Topic questions (the law, privacy,
# reporting...) share "other": each has too few hard negatives to learn a weight of its own.
INTENT_GROUPS: Dict[str, Sequence[str]] = {
    "crisis": ("crisis_self_harm", "crisis_immediate_danger", "disclose_abuse"),
    "sextortion": ("ask_sextortion",),
    "friend": ("worried_about_friend",),
    "distress": ("feeling_distressed",),
    "guess": ("nlu_fallback", "out_of_scope"),
    "shelter": ("ask_shelter",),
    "grooming": ("ask_grooming", "ask_meeting_stranger"),
}
OTHER_GROUP = "other"
FINDINGS = ("crisis_self_harm", "crisis_immediate_danger", "disclose_abuse", "ask_sextortion")
# The harmless readings the patterns name, in both languages (the last word of a reason such as
# "self_harm:negated", "combo14.0:someone_else" or "not_a_crisis:zh3"); pattern numbers change
# with every edit, these words do not.
READINGS = (
    "negated", "past", "quoted", "context", "someone_else", "benign", "media", "hypothetical",
    "topic", "hyperbole", "not_a_crisis",
)  # fmt: skip
OTHER_READING = "other"


@dataclass(frozen=True)
class Evidence:
    """What the three readers said about one message."""

    crisis_probability: float
    chinese: bool
    predicted_intent: Optional[str]
    finding_intent: Optional[str]
    no_crisis_reason: Optional[str]


def intent_group(intent: Optional[str]) -> str:
    """The group of an intent classifier's answer (``OTHER_GROUP`` for a topic question)."""
    for group, intents in INTENT_GROUPS.items():
        if intent in intents:
            return group
    return OTHER_GROUP


def reading_kind(reason: Optional[str]) -> Optional[str]:
    """The harmless reading a no-crisis reason names, without its pattern number."""
    if not reason:
        return None
    words = [
        part
        for part in reason.split(":")
        if part.replace("_", "").isalpha() and not part.startswith("zh")
    ]
    kind = words[-1] if words else OTHER_READING
    return kind if kind in READINGS else OTHER_READING


def feature_names() -> List[str]:
    """The names of :func:`features`, in order (kept beside the weights to check they match)."""
    return [
        "logit",
        "chinese",
        "logit_if_chinese",
        *(f"intent:{group}" for group in (*INTENT_GROUPS, OTHER_GROUP)),
        *(f"finding:{intent}" for intent in FINDINGS),
        "finding:none",
        "logit_if_finding",
        *(f"reading:{kind}" for kind in (*READINGS, OTHER_READING)),
    ]


def features(evidence: Evidence) -> List[float]:
    """The decision's inputs: the crisis classifier's log-odds (also by language and by whether a
    crisis phrase matched), the intent group, the finding and the harmless reading, one-hot."""
    probability = min(max(evidence.crisis_probability, 1e-4), 1 - 1e-4)
    logit = math.log(probability / (1 - probability))
    chinese = float(evidence.chinese)
    group = intent_group(evidence.predicted_intent)
    found = evidence.finding_intent is not None
    kind = reading_kind(evidence.no_crisis_reason)
    return [
        logit,
        chinese,
        logit * chinese,
        *(float(group == name) for name in (*INTENT_GROUPS, OTHER_GROUP)),
        *(float(evidence.finding_intent == intent) for intent in FINDINGS),
        float(not found),
        logit * found,
        *(float(kind == name) for name in (*READINGS, OTHER_READING)),
    ]


@dataclass(frozen=True)
class Thresholds:
    """The likelihoods from which the decision answers a crisis.

    Where a crisis phrase matched, one threshold serves both languages: the highest at which
    each keeps the target share of its labelled crises. Where none matched, a language may have
    a higher one of its own (``without_phrase``, by language code), chosen the same way with the
    phrase threshold fixed: the language that needs a low threshold does not impose it on the
    other's messages without a crisis phrase, and the point from which a phrase wins stays where
    it is (``scripts/fit_crisis_decision.py``, ``haven_nlu/tuning/README.md``)."""

    with_phrase: float
    without_phrase: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A threshold above 1 (or NaN, which json reads) would silently answer no message of a
        # language as a crisis; one below the phrase threshold was never chosen by the fit.
        if not 0 < self.with_phrase <= 1:
            raise ValueError("the phrase threshold is not a likelihood")
        for language, value in self.without_phrase.items():
            if language not in LANGUAGES or not self.with_phrase <= value <= 1:
                raise ValueError("a threshold without a phrase is out of range")

    def for_evidence(self, evidence: Evidence) -> float:
        """The threshold this message is answered at."""
        if evidence.finding_intent is not None:
            return self.with_phrase
        language = CHINESE if evidence.chinese else ENGLISH
        return self.without_phrase.get(language, self.with_phrase)


class CrisisDecision:
    """A fitted logistic regression over :func:`features` and the thresholds chosen for it."""

    def __init__(
        self, coefficients: Sequence[float], intercept: float, thresholds: Thresholds
    ) -> None:
        if len(coefficients) != len(feature_names()):
            raise ValueError("the decision's weights do not match its features")
        self.coefficients = [float(value) for value in coefficients]
        self.intercept = float(intercept)
        self.thresholds = thresholds

    def threshold_for(self, evidence: Evidence) -> float:
        """The likelihood from which this message is answered as a crisis."""
        return self.thresholds.for_evidence(evidence)

    def probability(self, evidence: Evidence) -> float:
        """How likely the message is a crisis now, all three readers considered."""
        score = self.intercept + sum(
            weight * value
            for weight, value in zip(self.coefficients, features(evidence), strict=True)
        )
        return 1 / (1 + math.exp(-score))

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Optional[CrisisDecision]:
        """The fitted decision, or None when the file is missing or does not match the code."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["features"] != feature_names():
                return None
            without_phrase = {
                language: float(value)
                for language, value in data.get("threshold_without_phrase", {}).items()
            }
            thresholds = Thresholds(float(data["threshold"]), without_phrase)
            return cls(data["coefficients"], data["intercept"], thresholds)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
