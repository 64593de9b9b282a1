"""A second opinion on "is this person in crisis now?": a small yes/no text classifier.

The intent classifier learns thirty topics from a few hundred examples each; the crisis patterns
recognise the phrasings someone thought of. Neither has seen the hard negatives that make crisis
detection difficult ("my mum will kill me", "i used to cut, 2 years clean", "the film where she
jumps"), which the hand-written crisis sets in ``haven_nlu/tuning/`` are full of. This classifier
is trained on exactly that question: the training data's crisis intents against everything else,
plus every labelled crisis set (positives against hard negatives). Character n-grams keep typos
and slang close to the words they stand for, in English and in Chinese.

It is plain scikit-learn (TF-IDF and logistic regression, deterministic), saved as data rather
than pickled objects, so a model file cannot run code when it is loaded. Two logistic regressions
read the same n-grams and their probabilities are averaged: one on the TF-IDF values, one on the
values scaled by how much more often each n-gram occurs in crises than elsewhere (the naive-Bayes
log-count ratio of Wang and Manning's NBSVM, "Baselines and Bigrams", 2012), which weighs a rare
telling n-gram more than TF-IDF alone.

Each regression tells apart the kinds the labelled sets name, not only "crisis or not": every
crisis category (suicide, self-harm, abuse, sexual coercion, sextortion, danger) and every kind
of hard negative (hyperbole, a quotation, the past, someone else's story, media, a lesson, a
negation, another topic) is a class of its own, and the crisis probability is the share of the
crisis classes. A hard negative is not one thing: "this game is killing me" and "my friend says
she wants to die" are unlike each other in every n-gram, and one straight line between crises
and all of them at once has to give way somewhere; a line per kind does not. Each group of sets
left out, false alarms at 0.97 recall fell from 0.039 to 0.026 (English) and from 0.035 to
0.025 (Chinese) (haven_nlu/tuning/README.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from scipy import sparse

# Where a parsed message carries the probability (the safety net reads it there), and that of its
# most crisis-like sentence when it has several.
PROBABILITY_KEY = "crisis_probability"
SENTENCE_PROBABILITY_KEY = "crisis_probability_sentence"
# And, where the text holds a negation, its probability read as if it held none (the safety net
# weighs that one when the crisis patterns, which read negation in the syntax, found a crisis).
UNNEGATED_PROBABILITY_KEY = "crisis_probability_unnegated"
# Stronger regularisation lost hard negatives, weaker lost recall, in leave-one-set-out runs over
# the tuning sets (haven_nlu/tuning/README.md).
REGULARISATION = 4.0
# The most frequent character n-grams only: the same leave-one-set-out figures as all of them, at
# a tenth of the model file (which Rasa loads at every start).
MAX_CHARACTER_NGRAMS = 60_000
# How much one sentence of a hand-labelled crisis set counts against one training-data example.
# The sets hold the hard negatives and the indirect crises the topic examples lack: weighted 3,
# the classifier ranked crises better on all four fresh sets (dev_i, dev_j, dev_zh_f, dev_zh_g,
# each left out; area under the ROC curve 0.981/0.966/0.993/0.977 -> 0.986/0.971/0.996/0.983),
# and the whole pipeline caught 7 more of their 912 crises at the same false alarms
# (haven_nlu/tuning/README.md).
LABELLED_SET_WEIGHT = 3.0
# Averaging the plain and the ratio-scaled model: on the four fresh sets of 2026-12-03 (dev_k,
# dev_l, dev_zh_h, dev_zh_i, each left out) the area under the ROC curve rose on all four
# (0.9866/0.9888/0.9915/0.9926 -> 0.9914/0.9908/0.9930/0.9947); over them and eight older sets
# (3,121 crises, 3,157 hard negatives, each set left out) the whole pipeline missed 150 crises
# instead of 152 and raised 148 false alarms instead of 166, at unchanged thresholds
# (haven_nlu/tuning/README.md).
# Added to every n-gram count in the log-count ratio, so an n-gram seen on one side only keeps
# a finite weight.
RATIO_SMOOTHING = 1.0
# Iterations of the solver: the multinomial regressions took up to 355 to converge; stopped at 300
# they ranked four left-out sets the same (area under the ROC curve 0.99574 both, false
# alarms at 0.97 recall 0.0253 both) in a fifth less time; stopped at 100, 0.99558 and 0.0262.
MAX_ITERATIONS = 300

Example = Tuple[str, int]
# The class of a training-data example: its intent classes as crisis or not, nothing finer.
TRAINING_DATA_CRISIS = "crisis:training_data"
TRAINING_DATA_OTHER = "training_data"
# The crisis class of a labelled sentence is "crisis:" and its category.
CRISIS_CLASS_PREFIX = "crisis:"
# The first three sets named some kinds otherwise than the later ones.
_KIND_SYNONYMS = {
    "coercion": "sexual_coercion",
    "third_party": "third_party_report",
    "other": "other_topic",
}
# Where a sentence ends: after its punctuation (with or without a space, as in Chinese) or a line.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s*|\n+")


def labelled_set_examples(path: Path) -> List[Example]:
    """A crisis set's sentences: positives as 1, hard negatives as 0."""
    return labelled_set_rows(path)[0]


def labelled_set_kinds(path: Path) -> List[str]:
    """The class of each sentence of :func:`labelled_set_examples`, in the same order: a
    crisis's category after ``CRISIS_CLASS_PREFIX``, a hard negative's kind."""
    return labelled_set_rows(path)[1]


def labelled_set_rows(path: Path) -> Tuple[List[Example], List[str]]:
    """A crisis set's sentences and their classes, from one read of the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    positives, negatives = data.get("positives") or [], data.get("negatives") or []
    examples = [(item["text"], 1) for item in positives] + [(item["text"], 0) for item in negatives]
    kinds = [
        CRISIS_CLASS_PREFIX + _kind_name(item.get("category") or "crisis") for item in positives
    ] + [_kind_name(item.get("kind") or "other_topic") for item in negatives]
    return examples, kinds


def _kind_name(name: str) -> str:
    return _KIND_SYNONYMS.get(name, name)


def sets_digest(paths: Sequence[Path]) -> str:
    """A digest of the labelled sets' contents, so that a changed set retrains the model."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class CrisisClassifier:
    """TF-IDF over character and word n-grams, then two multinomial logistic regressions over the
    kinds of crisis and of hard negative, their crisis shares averaged.

    Saved as plain data (the n-gram vocabularies in JSON, the weights in a NumPy archive without
    pickled objects), so loading a model file cannot run code, and it stays small.
    """

    VOCABULARY_FILE = "crisis_classifier_vocabulary.json"
    WEIGHTS_FILE = "crisis_classifier_weights.npz"

    def __init__(self, vocabularies: Sequence[Dict[str, int]], weights: Dict[str, Any]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        self._vocabularies = [dict(vocabulary) for vocabulary in vocabularies]
        self._weights = weights
        self._counters = [
            CountVectorizer(vocabulary=vocabulary, **options)
            for vocabulary, options in zip(self._vocabularies, _NGRAM_OPTIONS, strict=True)
        ]
        self._idf = []
        for index in range(len(self._counters)):
            transformer = TfidfTransformer(sublinear_tf=True)
            transformer.idf_ = weights[f"idf_{index}"]
            self._idf.append(transformer)
        self._ratio = sparse.diags(weights["ratio"])
        # Older models were one binary regression each (no crisis classes recorded).
        self._crisis_classes = weights.get("crisis_classes")

    @classmethod
    def fit(
        cls,
        examples: Sequence[Example],
        sample_weights: Optional[Sequence[float]] = None,
        kinds: Optional[Sequence[str]] = None,
    ) -> CrisisClassifier:
        """Train on (text, 1 if crisis else 0) pairs; ``sample_weights[i]`` is what each counts
        and ``kinds[i]`` its class (without kinds, crisis or not). Crises and the rest weigh the
        same in total."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        texts = [text for text, _ in examples]
        labels = [label for _, label in examples]
        if kinds is None:
            kinds = [CRISIS_CLASS_PREFIX if label else "other" for label in labels]
        if any(
            kind.startswith(CRISIS_CLASS_PREFIX) != bool(label)
            for kind, label in zip(kinds, labels, strict=True)
        ):
            raise ValueError("a crisis class must name a crisis, and only a crisis")
        balanced = _balanced_weights(labels, sample_weights)
        vocabularies, weights, blocks = [], {}, []
        for index, options in enumerate(_NGRAM_OPTIONS):
            counter = CountVectorizer(min_df=2, **options, max_features=_MAX_NGRAMS[index])
            transformer = TfidfTransformer(sublinear_tf=True)
            inputs = _block_inputs(texts, index, mark_negations=True)
            blocks.append(transformer.fit_transform(counter.fit_transform(inputs)))
            vocabularies.append(
                {ngram: int(column) for ngram, column in counter.vocabulary_.items()}
            )
            weights[f"idf_{index}"] = transformer.idf_
        features = sparse.hstack(blocks).tocsr()
        weights["ratio"] = log_count_ratio(features, labels)
        scaled = features @ sparse.diags(weights["ratio"])
        for prefix, inputs in (("", features), ("ratio_", scaled)):
            model = LogisticRegression(C=REGULARISATION, max_iter=MAX_ITERATIONS)
            with warnings.catch_warnings():
                # Stopping at MAX_ITERATIONS is the chosen budget, not a failure to report.
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(inputs, kinds, sample_weight=balanced)
            # Single precision: 18 classes by 144,662 n-grams per regression are most of the
            # model file and of its memory (37.8 -> 18.9 MB compressed); over the 31,157 sentences
            # of the labelled sets no probability moved by more than 2e-8.
            weights[f"{prefix}coef"] = model.coef_.astype(np.float32)
            weights[f"{prefix}intercept"] = model.intercept_
        weights["crisis_classes"] = np.array(
            [str(name).startswith(CRISIS_CLASS_PREFIX) for name in model.classes_]
        )
        return cls(vocabularies, weights)

    def probabilities(self, texts: Sequence[str], mark_negations: bool = True) -> List[float]:
        """How likely each text is a crisis statement (0 to 1); with ``mark_negations`` off, as
        if no word in it were under a negation (:func:`negation_marked`)."""
        if not texts:
            return []
        blocks = [
            idf.transform(counter.transform(_block_inputs(texts, index, mark_negations)))
            for index, (counter, idf) in enumerate(zip(self._counters, self._idf, strict=True))
        ]
        features = sparse.hstack(blocks).tocsr()
        average = (
            self._crisis_share(features, "") + self._crisis_share(features @ self._ratio, "ratio_")
        ) / 2
        return [float(p) for p in average]

    def _crisis_share(self, features: sparse.csr_matrix, prefix: str) -> np.ndarray:
        """One regression's probability of a crisis: the crisis classes' share of the softmax,
        or the sigmoid of a two-class regression (one row of weights)."""
        scores = np.asarray(features @ self._weights[f"{prefix}coef"].T)
        scores = scores + self._weights[f"{prefix}intercept"]
        crisis = self._crisis_classes
        if scores.shape[1] == 1:
            second = 1 / (1 + np.exp(-scores[:, 0]))  # the probability of the second class
            return second if crisis is None or crisis[1] else 1 - second
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        shares = scores / scores.sum(axis=1, keepdims=True)
        return shares[:, crisis.astype(bool)].sum(axis=1)

    def probability(self, text: str, mark_negations: bool = True) -> float:
        """How likely one text is a crisis statement (0 to 1)."""
        return self.probabilities([text], mark_negations)[0]

    def unnegated_probability(self, text: str) -> Optional[float]:
        """The probability read without negation marks, or None when no word of the text is
        under a negation (the reading would be the same, and it costs a second pass)."""
        if negation_marked(text) == negation_marked(text, mark=False):
            return None
        return self.probability(text, mark_negations=False)

    def sentence_probability(self, text: str) -> Optional[float]:
        """The probability of the most crisis-like sentence of a text of several sentences
        (None for one sentence). In a long message about school, games and dinner, the n-grams
        of "honestly i just want to kill myself." are a small share of the whole, and the whole
        scored 0.07 where the sentence alone scored 0.90."""
        return self.sentence_probabilities([text])[0]

    def sentence_probabilities(self, texts: Sequence[str]) -> List[Optional[float]]:
        """:meth:`sentence_probability` of many texts, their sentences scored in one batch."""
        split = [
            [part for part in _SENTENCE_END.split(text) if len(part.strip()) > 1] for text in texts
        ]
        several = [sentences if len(sentences) > 1 else [] for sentences in split]
        scores = iter(self.probabilities([s for sentences in several for s in sentences]))
        return [
            max(next(scores) for _ in sentences) if sentences else None for sentences in several
        ]

    def save(self, directory: Path) -> None:
        """Write the vocabularies and weights into ``directory`` (a model storage resource)."""
        (directory / self.VOCABULARY_FILE).write_text(
            json.dumps(self._vocabularies, ensure_ascii=False), encoding="utf-8"
        )
        np.savez_compressed(directory / self.WEIGHTS_FILE, **self._weights)

    @classmethod
    def load(cls, directory: Path) -> CrisisClassifier:
        """Read what :meth:`save` wrote; no pickled object is accepted."""
        vocabularies = json.loads((directory / cls.VOCABULARY_FILE).read_text(encoding="utf-8"))
        with np.load(directory / cls.WEIGHTS_FILE, allow_pickle=False) as archive:
            weights = {name: archive[name] for name in archive.files}
        return cls(vocabularies, weights)


def _balanced_weights(
    labels: Sequence[int], sample_weights: Optional[Sequence[float]]
) -> np.ndarray:
    """The sample weights scaled so that crises and the rest count the same in total (the
    training data holds about three non-crisis examples for one crisis)."""
    weights = np.ones(len(labels)) if sample_weights is None else np.array(sample_weights, float)
    crisis = np.asarray(labels) == 1
    total = weights.sum()
    for side in (crisis, ~crisis):
        if side.any():
            weights[side] *= total / (2 * weights[side].sum())
    return weights


def log_count_ratio(features: sparse.csr_matrix, labels: Sequence[int]) -> np.ndarray:
    """log(share of crises containing each n-gram / share of the rest containing it)."""
    present = (features > 0).astype(np.float64)
    crisis = np.asarray(labels) == 1
    in_crises = RATIO_SMOOTHING + np.asarray(present[crisis].sum(axis=0)).ravel()
    elsewhere = RATIO_SMOOTHING + np.asarray(present[~crisis].sum(axis=0)).ravel()
    return np.log((in_crises / in_crises.sum()) / (elsewhere / elsewhere.sum()))


# Words that turn what follows into its opposite, up to the end of the clause ("i'm not going to
# hurt myself, just tired"). Latin script only: Chinese crisis phrases carry their negation inside
# them (活不下去, 不想活了), so the character n-grams already read them.
_NEGATION = re.compile(
    r"(?:not|no|never|nope|nobody|nothing|without|neither|nor|hardly|cannot|"
    r"(?:do|does|did|wo|ca|is|are|was|were|would|should|could|have|has|ai)n'?t)"
)
_CLAUSE_END = re.compile(r"[.,!?;:\n\"“”()]|lol|lmao|haha|jk")
_WORD_OR_CLAUSE_END = re.compile(r"[a-z']+|[.,!?;:\n\"“”()]")
# "No" opening a clause answers what came before ("no i want to die", "nope. still here"); it
# denies nothing after it. (In the sixteenth session it did, and "no i want to die" scored 0.11.)
_INTERJECTIONS = frozenset({"no", "nope", "nah"})
# Children run clauses together without punctuation: a new "i" starts a new one, so the
# negation of "im not ok" does not reach "i want to die".
_NEW_CLAUSE_SUBJECTS = frozenset({"i", "i'm", "im", "i've", "ive", "i'll", "i'd"})


def negation_marked(text: str, mark: bool = True) -> str:
    """The text's Latin words, lower-cased, with each word after a negation, up to the end of its
    clause, marked ``NEG_`` (none with ``mark`` off): a linear model over plain n-grams sees "want
    to die" alike in "i want to die" and "i don't want to die", and only the marked words tell
    them apart."""
    words, negating, clause_start = [], False, True
    for token in _WORD_OR_CLAUSE_END.findall(text.lower()):
        if _CLAUSE_END.fullmatch(token):
            negating, clause_start = False, True
            words.append("|")
            continue
        if token in _NEW_CLAUSE_SUBJECTS:
            negating = False
        if _NEGATION.fullmatch(token):
            negating = mark and not (clause_start and token in _INTERJECTIONS)
            words.append(token)
        else:
            words.append(f"NEG_{token}" if negating else token)
        clause_start = False
    return " ".join(words)


def _block_inputs(texts: Sequence[str], block: int, mark_negations: bool) -> List[str]:
    """What the n-gram block ``block`` reads of each text: the text itself, or for the last
    block its words with negations marked (or, with ``mark_negations`` off, unmarked)."""
    if block < len(_NGRAM_OPTIONS) - 1:
        return list(texts)
    return [negation_marked(text, mark_negations) for text in texts]


# Character n-grams (inside word boundaries) catch typos, slang and Chinese; word pairs catch
# "not suicidal" and "used to"; the same pairs with negation marked catch a crisis phrase under a
# denial. The third block, over 34 labelled sets (six groups of sets, each group left out),
# lowered English false alarms at 0.965 recall from 0.038 to 0.033 for the classifier alone and
# from 0.062 to 0.055 for the whole decision; Chinese moved by 0.3 points at most
# (haven_nlu/tuning/README.md).
_NGRAM_OPTIONS: Tuple[Dict[str, Any], ...] = (
    {"analyzer": "char_wb", "ngram_range": (1, 5)},
    {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b"},
    {
        "analyzer": "word",
        "ngram_range": (1, 2),
        "token_pattern": r"[\w']+",
        "lowercase": False,
    },
)
_MAX_NGRAMS = (MAX_CHARACTER_NGRAMS, None, None)
