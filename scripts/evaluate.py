"""`make evaluate`: for each language, 5-fold cross-validation on its training data and a score
of the trained (bilingual) model on its held-out set (messages written separately from the
training data), printed as intent F1 per intent."""

from __future__ import annotations

import json
import sys
from typing import Dict, List

from actions.paths import PROJECT_ROOT
from scripts.rasa_cli import latest_model, run_rasa

RESULTS_DIR = PROJECT_ROOT / "results"
HOLDOUT = {
    "en": PROJECT_ROOT / "tests" / "nlu_holdout.yml",
    "zh-TW": PROJECT_ROOT / "tests" / "nlu_holdout_zh.yml",
}
NLU_DIR = PROJECT_ROOT / "data" / "nlu"


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


def evaluate(*args: str) -> None:
    """Runs one `rasa test nlu` with its output on the terminal; stops on failure."""
    if run_rasa("test", "nlu", *args, capture=False).returncode != 0:
        raise SystemExit("rasa test nlu failed")


def main() -> int:
    model = latest_model()
    if model is None:
        raise SystemExit("no model in models/: run `make train` first")
    tables: List[str] = []
    for language, held_out in HOLDOUT.items():
        cross_validation = RESULTS_DIR / f"cross_validation_{language}"
        holdout = RESULTS_DIR / f"holdout_{language}"
        evaluate(
            *("--cross-validation", "--folds", "5", "--config", "config.yml"),
            *("--nlu", str(NLU_DIR / language), "--out", str(cross_validation)),
        )
        evaluate("--model", str(model), "--nlu", str(held_out), "--out", str(holdout))
        for directory, title in (
            (cross_validation, f"{language}: 5-fold cross-validation on data/nlu/{language}"),
            (holdout, f"{language}: trained model on {held_out.relative_to(PROJECT_ROOT)}"),
        ):
            report = json.loads((directory / "intent_report.json").read_text(encoding="utf-8"))
            tables.append(intent_table(report, title))
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
