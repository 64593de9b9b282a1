"""Recall and false-alarm rate of the crisis safety net on a labelled set.

One definition for the regression test and for tuning: a positive counts when the message ends
in a crisis intent; a negative is a false alarm when it ends in a crisis-only intent or when the
safety net forced a crisis intent on it.

    python -m haven_nlu.tuning.score haven_nlu/tuning/dev_c.yml [--model models/x.tar.gz]

With ``--classifier-cache FILE`` the classifier's own parses (the pipeline without the safety
net) are kept in FILE per model, and the safety net is applied to them afresh: after the first
run, a change to the patterns is scored on the whole pipeline in seconds, without Rasa. The
crisis classifier (the safety net's second opinion) is then refitted without the set being
scored, since every tuning set also trains it: a tuning set is never scored on its own training.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml
from rasa.shared.nlu.training_data.training_data import TrainingData

from haven_nlu.crisis import default_detector
from haven_nlu.crisis_classifier import (
    PROBABILITY_KEY,
    SENTENCE_PROBABILITY_KEY,
    UNNEGATED_PROBABILITY_KEY,
    CrisisClassifier,
)
from haven_nlu.crisis_classifier_component import (
    PROJECT_ROOT,
    crisis_examples,
    labelled_set_paths,
)
from haven_nlu.crisis_component import PARSE_KEY

CRISIS_INTENTS = {"crisis_self_harm", "crisis_immediate_danger", "disclose_abuse", "ask_sextortion"}
# ask_sextortion also answers questions about sextortion, so on a negative it is an alarm only
# when the safety net forced it.
CRISIS_ONLY_INTENTS = CRISIS_INTENTS - {"ask_sextortion"}

TUNING_DIR = Path(__file__).resolve().parent
# Processes parsing the labelled sets; the machines this runs on have two cores.
PARSE_WORKERS = 2

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
    """The figures, then every miss and every false alarm (for tuning sets)."""
    lines = [
        _headline(title, pos_hits, neg_hits),
        *(f"  missed: {p['text']}" for p, hit in zip(positives, pos_hits, strict=True) if not hit),
        *(f"  false alarm: {n['text']}" for n, hit in zip(negatives, neg_hits, strict=True) if hit),
    ]
    return "\n".join(lines)


def summary(title: str, positives: Items, negatives: Items, pos_hits: Hits, neg_hits: Hits) -> str:
    """The figures, and misses and false alarms counted by category and kind but not shown: a
    blind set stays unread, so it keeps measuring."""
    missed = Counter(p["category"] for p, hit in zip(positives, pos_hits, strict=True) if not hit)
    alarms = Counter(n["kind"] for n, hit in zip(negatives, neg_hits, strict=True) if hit)
    return "\n".join(
        [
            _headline(title, pos_hits, neg_hits),
            f"  missed by category: {dict(sorted(missed.items()))}",
            f"  false alarms by kind: {dict(sorted(alarms.items()))}",
        ]
    )


def _headline(title: str, pos_hits: Hits, neg_hits: Hits) -> str:
    recall, false_alarms = rates(pos_hits, neg_hits)
    return (
        f"{title}: recall {recall:.3f} ({sum(pos_hits)}/{len(pos_hits)}), "
        f"false alarms {false_alarms:.3f} ({sum(neg_hits)}/{len(neg_hits)})"
    )


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
    from rasa.utils.log_utils import configure_structlog

    # Unconfigured, Rasa's structured log prints every parse with its text at DEBUG.
    configure_structlog(logging.WARNING)
    agent = asyncio.run(load_agent(model_path=str(model)))
    return lambda text: asyncio.run(agent.parse_message(text))


def _classifier_parses(
    model: Path, cache: Path, texts: Sequence[str], workers: int = PARSE_WORKERS
) -> Dict[str, Any]:
    """The trained pipeline's parses without the safety net, read once per model and kept in
    ``cache``. Rasa parses one message at a time, mostly on one core, so the texts are split
    between ``workers`` processes, each with its own copy of the model."""
    key = f"{model.resolve()}:{model.stat().st_mtime_ns}"
    stored = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    parses: Dict[str, Any] = stored.get("parses", {}) if stored.get("model") == key else {}
    missing = [text for text in dict.fromkeys(texts) if text not in parses]
    if missing:
        shares = [missing[start::workers] for start in range(min(workers, len(missing)))]
        if len(shares) == 1:
            parses.update(_parse_without_safety_net(model, shares[0]))
        else:
            # spawn: a forked child would inherit this process's TensorFlow state.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(len(shares), mp_context=context) as pool:
                for share in pool.map(_parse_without_safety_net, [model] * len(shares), shares):
                    parses.update(share)
        cache.write_text(json.dumps({"model": key, "parses": parses}), encoding="utf-8")
    return parses


def _parse_without_safety_net(model: Path, texts: Sequence[str]) -> Dict[str, Any]:
    """The intent and ranking the trained pipeline gives each text with the safety net off."""
    from haven_nlu.crisis_component import CrisisSafetyNet

    net_check = CrisisSafetyNet.check
    CrisisSafetyNet.check = lambda self, message: None  # the classifier alone
    try:
        classify = _agent_parse(model)
        parsed = {text: classify(text) for text in texts}
    finally:
        CrisisSafetyNet.check = net_check
    return {
        text: {key: parse.get(key) for key in ("intent", "intent_ranking")}
        for text, parse in parsed.items()
    }


def _with_safety_net(
    parses: Dict[str, Any],
    second_opinion: Callable[[str], float],
    net: Any = None,
    by_sentence: Callable[[str], Optional[float]] = lambda _text: None,
    unnegated: Callable[[str], Optional[float]] = lambda _text: None,
) -> Parse:
    """The classifier's parses with the crisis classifier's ``second_opinion`` (and its reading
    of the most crisis-like sentence, ``by_sentence``) and the current safety net (or ``net``)
    applied to them."""
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from haven_nlu.crisis_component import CrisisSafetyNet

    net = net or CrisisSafetyNet()

    def parse(text: str) -> Dict[str, Any]:
        message = Message(data={TEXT: text})
        message.set(INTENT, dict(parses[text]["intent"]))
        message.set(INTENT_RANKING_KEY, [dict(e) for e in parses[text]["intent_ranking"] or []])
        message.set(PROBABILITY_KEY, second_opinion(text))
        message.set(SENTENCE_PROBABILITY_KEY, by_sentence(text))
        message.set(UNNEGATED_PROBABILITY_KEY, unnegated(text))
        net.check(message)
        return {"intent": message.get(INTENT), PARSE_KEY: message.get(PARSE_KEY)}

    return parse


def second_opinion_without(
    held_out: Sequence[Path], training_data: TrainingData
) -> CrisisClassifier:
    """The crisis classifier as ``rasa train`` builds it, but with the sets ``held_out`` left out
    of its training, so that a tuning set is scored by a classifier that never saw it."""
    left_out = {path.resolve() for path in held_out}
    paths = labelled_set_paths({"labelled_sets": [str(TUNING_DIR)]})
    kept = [path for path in paths if path.resolve() not in left_out]
    return CrisisClassifier.fit(*crisis_examples(training_data, kept))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--model", type=Path, help="also score the trained pipeline")
    parser.add_argument("--classifier-cache", type=Path, help="keep the classifier's parses here")
    parser.add_argument("--blind", action="store_true", help="counts only, no sentences")
    args = parser.parse_args(argv)
    sets = {path: load_set(path) for path in args.sets}
    show = summary if args.blind else report
    texts = [item["text"] for pos, neg in sets.values() for item in (*pos, *neg)]
    if args.model and args.classifier_cache:
        from rasa.shared.nlu.training_data.loading import load_data

        parses = _classifier_parses(args.model, args.classifier_cache, texts)
        training_data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    # One classifier serves every set outside the tuning folder (the blind sets): none is in its
    # training. Fitting it takes minutes.
    untuned: Optional[CrisisClassifier] = None
    for path, (positives, negatives) in sets.items():
        hits = detector_hits(positives, negatives)
        print(show(f"{path} detector", positives, negatives, *hits))
        if args.model and args.classifier_cache:
            if path.resolve().parent == TUNING_DIR.resolve():
                classifier = second_opinion_without([path], training_data)
            else:
                untuned = untuned or second_opinion_without([], training_data)
                classifier = untuned
            parse = _with_safety_net(
                parses,
                classifier.probability,
                by_sentence=classifier.sentence_probability,
                unnegated=partial(classifier.probability, mark_negations=False),
            )
        elif args.model:
            parse = _agent_parse(args.model)  # its crisis classifier may have learnt this set
        else:
            continue
        hits = pipeline_hits(positives, negatives, parse)
        print(show(f"{path} pipeline", positives, negatives, *hits))


if __name__ == "__main__":
    main()
