"""`make evaluate`: 5-fold cross-validation on the training data and a score on the held-out set
(messages written separately from the training data), printed as intent F1 per intent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from actions.paths import PROJECT_ROOT
from bot.local_stack import service_environment

RESULTS_DIR = PROJECT_ROOT / "results"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout.yml"


def rasa(*args: str) -> None:
    command = [sys.executable, "-m", "rasa", *args]
    subprocess.run(command, cwd=PROJECT_ROOT, env=service_environment(), check=True)


def latest_model() -> Path:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("no model in models/: run `make train` first")
    return models[-1]


def intent_table(report: Dict[str, Dict], title: str) -> str:
    """A fixed-width table of precision, recall and F1 per intent, then the averages."""
    rows: List[str] = [title, f"{'intent':28s} {'prec':>6s} {'recall':>6s} {'f1':>6s} {'n':>5s}"]
    averages = ("accuracy", "macro avg", "weighted avg", "micro avg")
    for intent in sorted(k for k in report if k not in averages):
        scores = report[intent]
        rows.append(
            f"{intent:28s} {scores['precision']:6.3f} {scores['recall']:6.3f} "
            f"{scores['f1-score']:6.3f} {scores['support']:5d}"
        )
    for name in ("macro avg", "weighted avg"):
        if name in report:
            rows.append(f"{name:28s} {'':6s} {'':6s} {report[name]['f1-score']:6.3f}")
    if "accuracy" in report:
        rows.append(f"{'accuracy':28s} {report['accuracy']:6.3f}")
    return "\n".join(rows)


def main(argv: Optional[List[str]] = None) -> int:
    cross_validation = RESULTS_DIR / "cross_validation"
    holdout = RESULTS_DIR / "holdout"
    rasa(
        "test",
        "nlu",
        "--cross-validation",
        "--folds",
        "5",
        "--nlu",
        "data/nlu",
        "--config",
        "config.yml",
        "--out",
        str(cross_validation),
    )
    rasa(
        "test", "nlu", "--model", str(latest_model()), "--nlu", str(HOLDOUT), "--out", str(holdout)
    )
    for directory, title in (
        (cross_validation, "5-fold cross-validation (test folds)"),
        (holdout, "held-out set (tests/nlu_holdout.yml)"),
    ):
        report = json.loads((directory / "intent_report.json").read_text(encoding="utf-8"))
        print()
        print(intent_table(report, title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
