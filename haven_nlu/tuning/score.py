"""Recall and false-alarm rate of the crisis safety net on a labelled set.

One definition for the regression test and for tuning: a positive counts when the message ends
in a crisis intent; a negative is a false alarm when it ends in a crisis-only intent or when the
safety net forced a crisis intent on it.

    python -m haven_nlu.tuning.score haven_nlu/tuning/dev_c.yml [--model models/x.tar.gz]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import yaml

from haven_nlu.crisis import default_detector
from haven_nlu.crisis_component import PARSE_KEY

CRISIS_INTENTS = {"crisis_self_harm", "crisis_immediate_danger", "disclose_abuse", "ask_sextortion"}
# ask_sextortion also answers questions about sextortion, so on a negative it is an alarm only
# when the safety net forced it.
CRISIS_ONLY_INTENTS = CRISIS_INTENTS - {"ask_sextortion"}

Parse = Callable[[str], Dict[str, Any]]
Items = List[Dict[str, Any]]
Hits = Sequence[bool]


def load_set(path: Path) -> Tuple[Items, Items]:
    """The positives and negatives of a labelled set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["positives"], data["negatives"]


def rates(pos_hits: Hits, neg_hits: Hits) -> Tuple[float, float]:
    """(recall, false-alarm rate)."""
    return sum(pos_hits) / len(pos_hits), sum(neg_hits) / len(neg_hits)


def report(title: str, positives: Items, negatives: Items, pos_hits: Hits, neg_hits: Hits) -> str:
    """The figures, then every miss and every false alarm."""
    recall, false_alarms = rates(pos_hits, neg_hits)
    lines = [
        f"{title}: recall {recall:.3f} ({sum(pos_hits)}/{len(pos_hits)}), "
        f"false alarms {false_alarms:.3f} ({sum(neg_hits)}/{len(neg_hits)})",
        *(f"  missed: {p['text']}" for p, hit in zip(positives, pos_hits, strict=True) if not hit),
        *(f"  false alarm: {n['text']}" for n, hit in zip(negatives, neg_hits, strict=True) if hit),
    ]
    return "\n".join(lines)


def detector_hits(positives: Items, negatives: Items) -> Tuple[List[bool], List[bool]]:
    """What the rule-based detector alone fires on."""
    detector = default_detector()
    return (
        [detector.detect(item["text"]) is not None for item in positives],
        [detector.detect(item["text"]) is not None for item in negatives],
    )


def pipeline_hits(
    positives: Items, negatives: Items, parse: Parse
) -> Tuple[List[bool], List[bool]]:
    """What the whole NLU pipeline (classifier, fallback, safety net) ends in."""
    pos_hits = [parse(item["text"])["intent"]["name"] in CRISIS_INTENTS for item in positives]
    neg_hits = []
    for item in negatives:
        parsed = parse(item["text"])
        forced = bool((parsed.get(PARSE_KEY) or {}).get("overrode"))
        neg_hits.append(parsed["intent"]["name"] in CRISIS_ONLY_INTENTS or forced)
    return pos_hits, neg_hits


def _agent_parse(model: Path) -> Parse:
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=str(model)))
    return lambda text: asyncio.run(agent.parse_message(text))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--model", type=Path, help="also score the trained pipeline")
    args = parser.parse_args(argv)
    parse = _agent_parse(args.model) if args.model else None
    for path in args.sets:
        positives, negatives = load_set(path)
        hits = detector_hits(positives, negatives)
        print(report(f"{path} detector", positives, negatives, *hits))
        if parse:
            hits = pipeline_hits(positives, negatives, parse)
            print(report(f"{path} pipeline", positives, negatives, *hits))


if __name__ == "__main__":
    main()
