"""Whole conversations and the classifier on messages it has never seen, run with `rasa test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.rasa_cli import run_rasa
from tests.helpers import PROJECT_ROOT, URGENT_INTENTS

HOLDOUT = {
    "en": PROJECT_ROOT / "tests" / "nlu_holdout.yml",
    "zh-TW": PROJECT_ROOT / "tests" / "nlu_holdout_zh.yml",
}
TEST_STORIES = {
    "en": PROJECT_ROOT / "tests" / "test_stories.yml",
    "zh-TW": PROJECT_ROOT / "tests" / "test_stories_zh.yml",
}
MIN_HOLDOUT_ACCURACY = 0.85
MIN_URGENT_RECALL = 0.85


@pytest.mark.parametrize("language", sorted(TEST_STORIES))
def test_every_test_story_passes(trained_model: Path, tmp_path: Path, language: str) -> None:
    result = run_rasa(
        *("--model", str(trained_model), "--stories", str(TEST_STORIES[language])),
        *("--out", str(tmp_path), "--fail-on-prediction-errors"),
        module="scripts.rasa_story_test",
        timeout=900,
    )
    failed_file = tmp_path / "failed_test_stories.yml"
    failed = failed_file.read_text(encoding="utf-8") if failed_file.exists() else ""
    assert result.returncode == 0, failed + result.stdout[-2000:] + result.stderr[-2000:]
    assert "- story:" not in failed, failed


@pytest.mark.parametrize("language", sorted(HOLDOUT))
def test_classifier_generalises_to_held_out_messages(
    trained_model: Path, tmp_path: Path, language: str
) -> None:
    result = run_rasa(
        *("test", "nlu", "--model", str(trained_model), "--nlu", str(HOLDOUT[language])),
        *("--out", str(tmp_path)),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text(encoding="utf-8"))
    print(f"\nheld-out intent F1 ({language}):")
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "f1-score" in scores:
            print(f"  {intent:28s} f1={scores['f1-score']:.2f} recall={scores['recall']:.2f}")
    assert report["accuracy"] >= MIN_HOLDOUT_ACCURACY, report["accuracy"]
    for intent in URGENT_INTENTS:
        assert report[intent]["recall"] >= MIN_URGENT_RECALL, (intent, report[intent])
