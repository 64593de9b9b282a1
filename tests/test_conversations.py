"""Whole conversations and the classifier on messages it has never seen, run with `rasa test`."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.rasa_cli import run_rasa
from tests.helpers import PROJECT_ROOT, URGENT_INTENTS

HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout.yml"
MIN_HOLDOUT_ACCURACY = 0.85
MIN_URGENT_RECALL = 0.85


def test_every_test_story_passes(trained_model: Path, tmp_path: Path) -> None:
    result = run_rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        str(PROJECT_ROOT / "tests" / "test_stories.yml"),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        timeout=900,
    )
    failed_file = tmp_path / "failed_test_stories.yml"
    failed = failed_file.read_text(encoding="utf-8") if failed_file.exists() else ""
    assert result.returncode == 0, failed + result.stdout[-2000:] + result.stderr[-2000:]
    assert "- story:" not in failed, failed


def test_classifier_generalises_to_held_out_messages(trained_model: Path, tmp_path: Path) -> None:
    result = run_rasa(
        *("test", "nlu", "--model", str(trained_model), "--nlu", str(HOLDOUT)),
        *("--out", str(tmp_path)),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text(encoding="utf-8"))
    print("\nheld-out intent F1:")
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "f1-score" in scores:
            print(f"  {intent:28s} f1={scores['f1-score']:.2f} recall={scores['recall']:.2f}")
    assert report["accuracy"] >= MIN_HOLDOUT_ACCURACY, report["accuracy"]
    for intent in URGENT_INTENTS:
        assert report[intent]["recall"] >= MIN_URGENT_RECALL, (intent, report[intent])
