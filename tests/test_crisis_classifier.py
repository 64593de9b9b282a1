"""The crisis classifier (the safety net's second opinion): what it learns from, how it is kept,
and that a trained model carries it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from haven_nlu.crisis_classifier import (
    LABELLED_SET_WEIGHT,
    TRAINING_DATA_CRISIS,
    TRAINING_DATA_OTHER,
    CrisisClassifier,
    labelled_set_examples,
    labelled_set_kinds,
    log_count_ratio,
    negation_marked,
    sets_digest,
)
from haven_nlu.crisis_classifier_component import (
    PROBABILITY_KEY,
    crisis_examples,
    intent_examples,
    labelled_set_paths,
)
from haven_nlu.tuning.score import load_set
from tests.helpers import PROJECT_ROOT

BLIND_SETS = sorted((PROJECT_ROOT / "tests").glob("crisis_regression*.yml"))
TUNING = PROJECT_ROOT / "haven_nlu" / "tuning"


def configured_sets() -> list[Path]:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    (component,) = [c for c in config["pipeline"] if c["name"].endswith("CrisisSecondOpinion")]
    return labelled_set_paths(component)


def test_it_learns_from_the_tuning_sets_and_never_from_the_blind_sets() -> None:
    paths = configured_sets()
    assert paths and all(path.parent == TUNING for path in paths)
    assert BLIND_SETS and not set(BLIND_SETS) & set(paths)
    learnt = {text.strip().lower() for path in paths for text, _ in labelled_set_examples(path)}
    for blind in BLIND_SETS:
        positives, negatives = load_set(blind)
        shared = sum(item["text"].strip().lower() in learnt for item in positives + negatives)
        assert shared == 0, f"{shared} sentences of {blind.name} are in a tuning set"


def test_crisis_intents_are_positive_and_sextortion_questions_are_left_out() -> None:
    pairs = [
        ("i want to die", "crisis_self_harm"),
        ("my dad hits me", "disclose_abuse"),
        ("what is sextortion", "ask_sextortion"),
        ("hi", "greet"),
    ]
    assert intent_examples(pairs) == [("i want to die", 1), ("my dad hits me", 1), ("hi", 0)]


def test_a_labelled_sentence_counts_more_than_a_topic_example(tmp_path: Path) -> None:
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    path = tmp_path / "set.yml"
    path.write_text(
        "positives: [{text: cant go on}]\nnegatives: [{text: this game kills me}]\n",
        encoding="utf-8",
    )
    topics = TrainingData(
        [
            Message(data={TEXT: "hi", INTENT: "greet"}),
            Message(data={TEXT: "kms", INTENT: "crisis_self_harm"}),
        ]
    )
    examples, weights, kinds = crisis_examples(topics, [path])
    assert examples == [("hi", 0), ("kms", 1), ("cant go on", 1), ("this game kills me", 0)]
    assert weights == [1.0, 1.0, LABELLED_SET_WEIGHT, LABELLED_SET_WEIGHT]
    assert LABELLED_SET_WEIGHT > 1
    assert kinds == [TRAINING_DATA_OTHER, TRAINING_DATA_CRISIS, "crisis:crisis", "other_topic"]


def test_each_labelled_sentence_is_learnt_as_its_category_or_kind(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text(
        "positives: [{text: he wants nudes, category: coercion}, {text: kms, category: suicide}]\n"
        "negatives: [{text: this game kills me, kind: hyperbole},"
        " {text: my friend, kind: third_party}]\n",
        encoding="utf-8",
    )
    # The first sets' older names are read as the later ones.
    assert labelled_set_kinds(path) == [
        "crisis:sexual_coercion", "crisis:suicide", "hyperbole", "third_party_report"
    ]  # fmt: skip
    kinds = {kind for path in configured_sets() for kind in labelled_set_kinds(path)}
    assert {k for k in kinds if not k.startswith("crisis:")} == {
        "hyperbole", "education", "third_party_report", "negated", "quoted", "media",
        "other_topic", "past_resolved", "parent_question",
    }  # fmt: skip
    assert {k for k in kinds if k.startswith("crisis:")} == {
        "crisis:suicide", "crisis:self_harm", "crisis:abuse", "crisis:sexual_coercion",
        "crisis:sextortion", "crisis:danger", "crisis:parent",
    }  # fmt: skip


def test_a_crisis_class_must_name_a_crisis() -> None:
    examples = [("i want to die", 1), ("this game kills me", 0)]
    with pytest.raises(ValueError):
        CrisisClassifier.fit(examples, kinds=["hyperbole", "crisis:suicide"])


@pytest.fixture(scope="module")
def small_classifier() -> CrisisClassifier:
    path = TUNING / "dev_a.yml"
    return CrisisClassifier.fit(labelled_set_examples(path), kinds=labelled_set_kinds(path))


def test_the_crisis_probability_is_the_share_of_the_crisis_classes(
    small_classifier: CrisisClassifier,
) -> None:
    """With the kinds, every regression gives each kind a probability and the crisis classes'
    share is the reading; without them it is the one crisis class, and both rank alike."""
    examples = labelled_set_examples(TUNING / "dev_b.yml")
    texts = [text for text, _ in examples]
    assert small_classifier._weights["coef"].shape[0] == 16  # 7 crisis classes, 9 kinds
    assert small_classifier._crisis_classes.sum() == 7
    binary = CrisisClassifier.fit(labelled_set_examples(TUNING / "dev_a.yml"))
    assert binary._weights["coef"].shape[0] == 1
    by_kind, crisis_or_not = (model.probabilities(texts) for model in (small_classifier, binary))
    assert by_kind != pytest.approx(crisis_or_not)
    for scores in (by_kind, crisis_or_not):
        crisis = [p for p, (_, label) in zip(scores, examples, strict=True) if label]
        other = [p for p, (_, label) in zip(scores, examples, strict=True) if not label]
        assert all(0 <= p <= 1 for p in scores)
        assert np.mean(crisis) - np.mean(other) > 0.3


def test_weights_change_what_it_learns(small_classifier: CrisisClassifier) -> None:
    path = TUNING / "dev_a.yml"
    examples, kinds = labelled_set_examples(path), labelled_set_kinds(path)
    # Counting every exaggeration ten times pulls the readings of their like away from crisis
    # (crises and the rest still weigh the same in total).
    heavier = CrisisClassifier.fit(
        examples, [10.0 if kind == "hyperbole" else 1.0 for kind in kinds], kinds
    )
    text = ["this maths homework is literally killing me lol"]
    assert heavier.probabilities(text)[0] < small_classifier.probabilities(text)[0]


def test_the_ratio_favours_what_crises_contain_and_tempers_the_rest() -> None:
    from scipy import sparse

    # Columns: only in crises, only elsewhere, in both alike.
    features = sparse.csr_matrix(
        [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]
    )
    crisis_only, elsewhere_only, both = log_count_ratio(features, [1, 1, 0, 0])
    assert crisis_only > 0 > elsewhere_only
    assert both == pytest.approx(0.0)


def test_words_under_a_negation_are_marked_to_the_end_of_their_clause() -> None:
    marked = negation_marked("im NOT going to hurt myself, just tired lol")
    assert marked == "im not NEG_going NEG_to NEG_hurt NEG_myself | just tired |"
    assert negation_marked("I dont want to live. nobody cares") == (
        "i dont NEG_want NEG_to NEG_live | nobody NEG_cares"
    )
    assert negation_marked("我不想活了") == ""  # Chinese negation is read by the character n-grams


def test_an_answer_word_or_a_new_clause_ends_no_crisis_under_a_negation() -> None:
    """ "No" opening a clause answers the question before it, and children run clauses together
    without punctuation: neither may put "i want to die" under a negation."""
    assert negation_marked("no i want to die") == "no i want to die"
    assert negation_marked("Nope. nah its not ok") == "nope | nah its not NEG_ok"
    assert negation_marked("im not ok i want to die") == "im not NEG_ok i want to die"
    assert negation_marked("i dont think so") == "i dont NEG_think NEG_so"
    assert negation_marked("no way im not doing that", mark=False) == "no way im not doing that"


def test_the_probability_without_negation_marks_reads_the_words_alone(
    small_classifier: CrisisClassifier,
) -> None:
    texts = ["i am not going to kill myself", "i want to kill myself"]
    marked = small_classifier.probabilities(texts)
    unmarked = small_classifier.probabilities(texts, mark_negations=False)
    assert unmarked[1] == pytest.approx(marked[1])  # nothing to mark: the same reading
    assert unmarked[0] != pytest.approx(marked[0])
    assert small_classifier.probability(texts[0], mark_negations=False) == pytest.approx(
        unmarked[0]
    )


def test_it_learns_from_marked_negations(small_classifier: CrisisClassifier) -> None:
    marked = small_classifier._vocabularies[2]
    assert any(ngram.startswith("NEG_") for ngram in marked)
    assert not any(ngram.startswith("NEG_") for ngram in small_classifier._vocabularies[1])


def test_sentences_of_many_texts_score_as_one_text_at_a_time(
    small_classifier: CrisisClassifier,
) -> None:
    texts = ["school was fine. i want to kill myself. dinner was pasta", "hi there", "kms."]
    by_sentence = small_classifier.sentence_probabilities(texts)
    sentences = ["school was fine.", "i want to kill myself.", "dinner was pasta"]
    assert by_sentence[0] == pytest.approx(max(small_classifier.probabilities(sentences)))
    assert by_sentence[1:] == [None, None]  # one sentence: the whole text's probability stands
    assert [small_classifier.sentence_probability(text) for text in texts] == pytest.approx(
        by_sentence
    )


def test_training_is_deterministic(small_classifier: CrisisClassifier) -> None:
    path = TUNING / "dev_a.yml"
    again = CrisisClassifier.fit(labelled_set_examples(path), kinds=labelled_set_kinds(path))
    texts = ["i want to end it", "this homework is killing me"]
    assert again.probabilities(texts) == small_classifier.probabilities(texts)


def test_a_saved_classifier_is_plain_data_and_reads_back_the_same(
    small_classifier: CrisisClassifier, tmp_path: Path
) -> None:
    small_classifier.save(tmp_path)
    with np.load(tmp_path / CrisisClassifier.WEIGHTS_FILE, allow_pickle=False) as archive:
        assert all(archive[name].dtype != object for name in archive.files)
    texts = [text for text, _ in labelled_set_examples(TUNING / "dev_b.yml")][:50]
    loaded = CrisisClassifier.load(tmp_path)
    assert loaded.probabilities(texts) == pytest.approx(small_classifier.probabilities(texts))


def test_unseen_crisis_sentences_score_above_unseen_hard_negatives(
    small_classifier: CrisisClassifier,
) -> None:
    # Trained on dev_a only, read on dev_b: a learnt signal, not a memorised one.
    examples = labelled_set_examples(TUNING / "dev_b.yml")
    scores = small_classifier.probabilities([text for text, _ in examples])
    crisis = [p for p, (_, label) in zip(scores, examples, strict=True) if label]
    other = [p for p, (_, label) in zip(scores, examples, strict=True) if not label]
    assert np.mean(crisis) - np.mean(other) > 0.3


def test_a_changed_set_changes_the_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text("positives: [{text: i want to die}]\nnegatives: []\n", encoding="utf-8")
    before = sets_digest([path])
    path.write_text("positives: [{text: i want to die now}]\nnegatives: []\n", encoding="utf-8")
    assert sets_digest([path]) != before


def test_the_trained_model_reads_every_message_with_it(parse) -> None:
    crisis = parse("i just want to disappear forever and never wake up")
    everyday = parse("how do i make my instagram private")
    assert crisis[PROBABILITY_KEY] > 0.5 > everyday[PROBABILITY_KEY]
    assert PROBABILITY_KEY not in parse("/greet")


def test_a_model_without_the_classifier_still_parses(tmp_path: Path, caplog) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from haven_nlu.crisis_classifier_component import CrisisSecondOpinion

    component = CrisisSecondOpinion.load(
        CrisisSecondOpinion.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("missing"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    (message,) = component.process([Message(data={TEXT: "i want to die"})])
    assert message.get(PROBABILITY_KEY) is None
    assert "safety net uses its patterns" in caplog.text
