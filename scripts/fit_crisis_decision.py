"""Fit the safety net's decision (``haven_nlu/crisis_decision.py``) and choose its thresholds.

    python -m scripts.fit_crisis_decision --model M --classifier-cache C [--readings-cache R]

For every labelled set with fresh readings (``haven_nlu/tuning/fresh_readings.json``): the
patterns' reading from before the set was tuned on, the crisis classifier refitted without the
set (and the others of its group, ``CLASSIFIER_GROUPS``), and the trained intent classifier's
answer (it never trains on the labelled sets). A logistic regression learns "crisis now or not"
from them. Its threshold where a crisis phrase matched is the highest at which, with each set left
out of the regression in turn and the safety net's guards applied, at least ``TARGET_RECALL`` of
each language's crises end in a crisis answer; where none matched, each language's is the highest
that still keeps its ``TARGET_RECALL`` with the first fixed. The weights, the thresholds and the
figures go to ``haven_nlu/crisis_decision.json``.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from haven_nlu import crisis_classifier, crisis_classifier_component
from haven_nlu.crisis import Assessment, CrisisFinding, default_detector
from haven_nlu.crisis_classifier import sets_digest
from haven_nlu.crisis_component import (
    CRISIS_ONLY_INTENTS,
    CrisisSafetyNet,
    _escalation_allowed,
    weighed_probability,
)
from haven_nlu.crisis_decision import (
    WEIGHTS_PATH,
    CrisisDecision,
    Evidence,
    Thresholds,
    feature_names,
    features,
)
from haven_nlu.language import CHINESE, LANGUAGES, detect_language
from haven_nlu.tuning import score
from scripts.fresh_readings import set_digest

READINGS_PATH = score.TUNING_DIR / "fresh_readings.json"
TRAINING_DATA = score.PROJECT_ROOT / "data" / "nlu"
# Recall first: the hand-set rules this decision replaced caught 0.962 of these sets' crises in
# each language (with the same fresh readings), so the threshold is chosen to catch more, and the
# false alarms fall where they may. The project's bar, 0.98, is out of reach with the net's
# guards (a place to stay is never escalated, a topic answer only from a probability of 0.5, a
# message the intent classifier cannot place from 0.4): about 2.6 % of the sets' crises end in
# one of those answers whatever the decision says. 0.965 until the seventeenth session: refitted
# on 38 sets it chose 0.35 to 0.37, where the held-out Chinese disclosures the intent classifier
# had read rightly were taken back below their floor (0.77 recall, sixteenth session); at 0.97
# the threshold was 0.23 on 42 sets, 0.21 on 44 and on 46, 0.24 to 0.29 on 48 (the threshold with a
# crisis phrase since the twenty-seventh session; haven_nlu/tuning/README.md).
TARGET_RECALL = 0.97
# Fitted once more at the end without any set left out; the same regularisation throughout.
REGULARISATION = 1.0
# The crisis classifier is refitted without a group of sets at a time, not a set at a time: its
# multinomial regressions take minutes to fit, and 46 fits took hours. With eight groups each
# fit still learns from seven eighths of the sets.
CLASSIFIER_GROUPS = 8


class Row(NamedTuple):
    """One sentence of a labelled set and what the readers said about it."""

    set_name: str
    label: int
    evidence: Evidence
    text: str
    # The crisis classifier without the set: the whole text, its most crisis-like sentence, and
    # the whole text read without negation marks.
    probability: float
    sentence_probability: Optional[float]
    unnegated_probability: float


def labelled_rows(
    model: Path, cache: Path, readings_cache: Optional[Path] = None
) -> Tuple[List[Row], Dict[str, Any]]:
    """Every sentence of the sets with fresh readings, with what the three readers said, and the
    intent classifier's parses."""
    recorded = json.loads(READINGS_PATH.read_text(encoding="utf-8"))
    sets = {name: score.load_set(score.TUNING_DIR / f"{name}.yml") for name in recorded}
    texts = [
        item["text"] for positives, negatives in sets.values() for item in positives + negatives
    ]
    parses = score._classifier_parses(model, cache, texts)
    for name in sets:
        if set_digest(score.TUNING_DIR / f"{name}.yml") != recorded[name]["set_sha256"]:
            raise SystemExit(f"{name} changed since its fresh readings: run scripts.fresh_readings")
    second_opinions = left_out_classifier_readings(sorted(sets), readings_cache)
    rows: List[Row] = []
    for name, (positives, negatives) in sets.items():
        items = positives + negatives
        for index, (item, reading) in enumerate(
            zip(items, recorded[name]["readings"], strict=True)
        ):
            text = item["text"]
            probability, by_sentence, unnegated = second_opinions[name][index]
            predicted = parses[text]["intent"]["name"]
            evidence = Evidence(
                crisis_probability=weighed_probability(
                    probability, by_sentence, reading[0], predicted, unnegated
                ),
                chinese=detect_language(text) == CHINESE,
                predicted_intent=predicted,
                finding_intent=reading[0],
                no_crisis_reason=reading[1],
            )
            label = int(index < len(positives))
            rows.append(Row(name, label, evidence, text, probability, by_sentence, unnegated))
    return rows, parses


# A set's sentences as the crisis classifier without it reads them: the whole text, its most
# crisis-like sentence, the whole text without negation marks.
ClassifierReadings = Dict[str, List[Tuple[float, Optional[float], float]]]


def left_out_classifier_readings(
    names: Sequence[str], readings_cache: Optional[Path] = None
) -> ClassifierReadings:
    """Each set read by the crisis classifier fitted without its group of sets; with
    ``readings_cache`` the readings are kept and reused while the sets, the training data and
    the classifier's code are unchanged. One group at a time: two fits side by side, one per
    core, were slower than one fit using both cores (its matrix products are threaded)."""
    key = _readings_key(names)
    if readings_cache and readings_cache.exists():
        stored = json.loads(readings_cache.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return stored["readings"]
    groups = classifier_groups(names)
    together = [
        [name for name, its_group in groups.items() if its_group == group]
        for group in sorted(set(groups.values()))
    ]
    from rasa.shared.nlu.training_data.loading import load_data

    training_data = load_data(str(TRAINING_DATA))
    readings: ClassifierReadings = {}
    for names_together in together:
        readings.update(_group_readings(names_together, training_data))
    if readings_cache:
        readings_cache.write_text(json.dumps({"key": key, "readings": readings}), encoding="utf-8")
    return readings


def _group_readings(names: Sequence[str], training_data: Any) -> ClassifierReadings:
    """The sets ``names`` read by a crisis classifier fitted without them."""
    paths = [score.TUNING_DIR / f"{name}.yml" for name in names]
    classifier = score.second_opinion_without(paths, training_data)
    readings: ClassifierReadings = {}
    for name, path in zip(names, paths, strict=True):
        positives, negatives = score.load_set(path)
        texts = [item["text"] for item in positives + negatives]
        readings[name] = list(
            zip(
                classifier.probabilities(texts),
                classifier.sentence_probabilities(texts),
                classifier.probabilities(texts, mark_negations=False),
                strict=True,
            )
        )
    return readings


def _readings_key(names: Sequence[str]) -> str:
    """What the left-out readings depend on: every labelled set, the training data, the
    classifier's code and the groups."""
    paths = [
        *score.TUNING_DIR.glob("*.yml"),
        *TRAINING_DATA.rglob("*.yml"),
        Path(crisis_classifier.__file__),
        Path(crisis_classifier_component.__file__),
    ]
    return f"{sets_digest(paths)}:{CLASSIFIER_GROUPS}:{','.join(sorted(names))}"


def classifier_groups(names: Sequence[str]) -> Dict[str, int]:
    """The group of sets each set is left out of the crisis classifier with: every
    ``CLASSIFIER_GROUPS``-th set of the sorted names, so each group holds both languages."""
    return {name: index % CLASSIFIER_GROUPS for index, name in enumerate(sorted(names))}


class _RecordedReadings:
    """A detector that answers with the fresh readings, for replaying the safety net."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self._readings = {row.text: row.evidence for row in rows}
        self._detector = default_detector()

    def assess(self, text: str) -> Assessment:
        evidence = self._readings[text]
        intent = evidence.finding_intent
        finding = CrisisFinding("recorded", intent, "fresh_reading") if intent else None
        return Assessment(finding, evidence.no_crisis_reason)

    def intent_priority(self, intent: str) -> Optional[int]:
        return self._detector.intent_priority(intent)


def replayed_figures(
    rows: Sequence[Row],
    inputs: np.ndarray,
    labels: np.ndarray,
    parses: Dict[str, Any],
    thresholds: Thresholds,
) -> Dict[str, List[float]]:
    """The safety net itself on every set, with the fresh readings, the crisis classifier and the
    decision both fitted without the set: what the figures in the README are."""
    names = np.array([row.set_name for row in rows])
    hits: Dict[str, Dict[int, List[bool]]] = {language: {1: [], 0: []} for language in LANGUAGES}
    for name in sorted(set(names)):
        held_out = names == name
        decision = CrisisDecision(*fit(inputs[~held_out], labels[~held_out]), thresholds)
        test_rows = [row for row, kept in zip(rows, held_out, strict=True) if kept]
        net = CrisisSafetyNet(detector=_RecordedReadings(test_rows), decision=decision)
        probabilities = {row.text: row.probability for row in test_rows}
        by_sentence = {row.text: row.sentence_probability for row in test_rows}
        unnegated = {row.text: row.unnegated_probability for row in test_rows}
        parse = score._with_safety_net(
            parses,
            probabilities.__getitem__,
            net,
            by_sentence.__getitem__,
            unnegated.__getitem__,
        )
        for language in LANGUAGES:
            chinese = language == CHINESE
            items = {1: [], 0: []}
            for row in test_rows:
                if row.evidence.chinese == chinese:
                    items[row.label].append({"text": row.text})
            if items[1] or items[0]:
                caught_crises, alarms = score.pipeline_hits(items[1], items[0], parse)
                hits[language][1].extend(caught_crises)
                hits[language][0].extend(alarms)
    return {
        language: [round(float(np.mean(by[1])), 4), round(float(np.mean(by[0])), 4)]
        for language, by in hits.items()
    }


def caught(row: Row, crisis: bool) -> bool:
    """Whether the safety net ends in a crisis answer: with no crisis phrase, only where it may
    escalate (never a place to stay, a grooming report or small talk only when the crisis
    classifier is very sure); a sextortion question the intent classifier chose stays one (it
    answers with the helplines) when the decision says no crisis."""
    evidence = row.evidence
    predicted = evidence.predicted_intent
    if crisis and evidence.finding_intent is None and predicted not in CRISIS_ONLY_INTENTS:
        crisis = _escalation_allowed(predicted, row.text, evidence.crisis_probability)
    return crisis or (row.label == 1 and predicted == "ask_sextortion")


def fit(inputs: np.ndarray, labels: np.ndarray) -> Tuple[List[float], float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(inputs, labels)
    return [float(value) for value in model.coef_[0]], float(model.intercept_[0])


def left_out_scores(rows: Sequence[Row], inputs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each set scored by a decision fitted without it."""
    names = np.array([row.set_name for row in rows])
    scores = np.zeros(len(rows))
    for name in sorted(set(names)):
        held_out = names == name
        coefficients, intercept = fit(inputs[~held_out], labels[~held_out])
        scores[held_out] = 1 / (1 + np.exp(-(inputs[held_out] @ coefficients + intercept)))
    return scores


def figures(
    rows: Sequence[Row], scores: np.ndarray, thresholds: Thresholds
) -> Dict[str, List[float]]:
    """(recall, false alarms) per language at ``thresholds``."""
    result = {}
    for language in LANGUAGES:
        chinese = language == CHINESE
        hits = {1: [], 0: []}
        for row, value in zip(rows, scores, strict=True):
            if row.evidence.chinese == chinese:
                crisis = value >= thresholds.for_evidence(row.evidence)
                hits[row.label].append(caught(row, crisis))
        result[language] = [round(float(np.mean(hits[1])), 4), round(float(np.mean(hits[0])), 4)]
    return result


def choose_thresholds(rows: Sequence[Row], scores: np.ndarray) -> Thresholds:
    """The highest threshold (in hundredths) that keeps ``TARGET_RECALL`` in both languages; then,
    with it fixed where a crisis phrase matched, each language's highest without a phrase that
    still keeps its own. One threshold for everything was set by Chinese, and English raised
    false alarms its recall did not need; a higher English threshold everywhere also moved the
    point from which a crisis phrase wins (twenty-sixth session, haven_nlu/tuning/README.md)."""
    with_phrase = _highest(Thresholds, rows, scores, LANGUAGES)
    without_phrase = {
        language: _highest(
            lambda value, language=language: Thresholds(with_phrase, {language: value}),
            rows,
            scores,
            (language,),
        )
        for language in LANGUAGES
    }
    return Thresholds(with_phrase, without_phrase)


def _highest(
    thresholds_at: Callable[[float], Thresholds],
    rows: Sequence[Row],
    scores: np.ndarray,
    languages: Sequence[str],
) -> float:
    """The highest value (in hundredths) at which ``thresholds_at(value)`` keeps
    ``TARGET_RECALL`` in ``languages``."""
    for hundredths in range(99, 0, -1):
        value = hundredths / 100
        measured = figures(rows, scores, thresholds_at(value))
        if all(measured[language][0] >= TARGET_RECALL for language in languages):
            return value
    return 0.01


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--classifier-cache", type=Path, required=True)
    parser.add_argument(
        "--readings-cache", type=Path, help="keep the left-out crisis classifiers' readings here"
    )
    args = parser.parse_args(argv)
    rows, parses = labelled_rows(args.model, args.classifier_cache, args.readings_cache)
    inputs = np.array([features(row.evidence) for row in rows])
    labels = np.array([row.label for row in rows])
    scores = left_out_scores(rows, inputs, labels)
    thresholds = choose_thresholds(rows, scores)
    coefficients, intercept = fit(inputs, labels)
    left_out = figures(rows, scores, thresholds)
    replayed = replayed_figures(rows, inputs, labels, parses, thresholds)
    print(f"{thresholds}; each set left out (recall, false alarms): {left_out}")
    print(f"the safety net replayed on them: {replayed}")
    WEIGHTS_PATH.write_text(
        json.dumps(
            {
                "fitted": date.today().isoformat(),
                "model": args.model.name,
                "sets": sorted({row.set_name for row in rows}),
                "examples": {"crises": int(labels.sum()), "negatives": int((1 - labels).sum())},
                "target_recall": TARGET_RECALL,
                "threshold": thresholds.with_phrase,
                "threshold_without_phrase": dict(thresholds.without_phrase),
                "left_out_figures": left_out,
                "replayed_figures": replayed,
                "features": feature_names(),
                "coefficients": coefficients,
                "intercept": intercept,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
