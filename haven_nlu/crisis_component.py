"""Rasa NLU component: the crisis safety net placed after the classifiers.

Three readers have seen the message by now: the intent classifier (a topic), the crisis
classifier (a probability) and, here, the crisis patterns of :class:`haven_nlu.crisis.
CrisisDetector` (a crisis phrase, or the harmless reading they recognise: a negated or quoted
phrase, "this game is killing me", someone else's story). The decision of
:mod:`haven_nlu.crisis_decision`, fitted on what the three say about text they have never seen,
weighs them: is this person in crisis now?

- A crisis: the finding's intent replaces the prediction (confidence 1.0), unless the classifier
  already chose an urgent intent and the finding is no more urgent, or is abuse or sextortion
  rather than a risk to life; with no finding, the most likely urgent intent in the ranking.
- No crisis: a crisis-only prediction gives way to the next-best topic (a friend's crisis to the
  friend answer), and a crisis phrase is set aside, recorded with who overruled it.

Without the crisis classifier (an older model) the patterns decide alone: a crisis phrase wins,
and a harmless reading takes back a crisis-only prediction. The dialogue rules for crisis intents
answer with the static urgent replies. The parse data records what was done and why under
``crisis_safety_net``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Optional, Sequence

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from haven_nlu.crisis import (
    SOMEONE_ELSE,
    Assessment,
    CrisisDetector,
    CrisisFinding,
    default_detector,
)
from haven_nlu.crisis_classifier import (
    PROBABILITY_KEY,
    SENTENCE_PROBABILITY_KEY,
    UNNEGATED_PROBABILITY_KEY,
)
from haven_nlu.crisis_decision import CrisisDecision, Evidence
from haven_nlu.language import CHINESE, detect_language
from haven_nlu.rule_component import MessageRule

PARSE_KEY = "crisis_safety_net"
# Intents that only mean "this person is in crisis now" (ask_sextortion also answers questions).
CRISIS_ONLY_INTENTS = ("crisis_self_harm", "crisis_immediate_danger", "disclose_abuse")
# Risks to life: these replace any other prediction. Between the other urgent intents (abuse,
# sextortion) the classifier, which reads the whole message, keeps its choice: both answers carry
# the helplines, and "he'll post my nudes unless i send more" needs the sextortion advice.
LIFE_THREATENING_INTENTS = ("crisis_self_harm", "crisis_immediate_danger")
URGENT_INTENTS = (*CRISIS_ONLY_INTENTS, "ask_sextortion")
# Below this, the next-best topic is a guess: ask the user instead (the clarification still
# names the emergency route).
MIN_ALTERNATIVE_CONFIDENCE = 0.15
# With no crisis phrase, some answers are replaced by a crisis reply only when the crisis
# classifier itself is very sure, whatever the decision says: a grooming report, which has an
# answer of its own for someone at risk (stop replying, don't send anything, report, tell an
# adult; at 0.7 held-out grooming reports such as "he says only he understands me" became crisis
# replies: Chinese grooming recall 0.65 -> 0.57), and small talk, where short everyday words the
# crisis sets also use ("我現在在英國", "not right now") reached 0.5 to 0.7. A goodbye is not small
# talk here: a farewell is how many suicide messages read ("以後不用再回我了 掰掰"), except a bare
# farewell: nothing but words of leave-taking ("bye", "掰掰", "我先下線了 晚安"). With the sets
# of 2026-12-04 in its training the crisis classifier put 0.51 on "掰掰" and 0.50 on "我先下線了",
# and the emergency reply to a child saying goodbye is a false alarm of the commonest kind; the
# farewells in the labelled crises all say more than that.
SECOND_OPINION_VERY_SURE = 0.8
# Any other answer too only from 0.5, as before the decision: the decision is fitted on crises and
# hard negatives, not on everyday questions, and escalating from its own threshold (a probability
# of about 0.3, 0.23 for distress) turned held-out everyday messages into crisis replies (held-out
# intent accuracy en 0.87 -> 0.84, feeling_distressed recall 0.29).
SECOND_OPINION_SEES_CRISIS = 0.5
# Except where the intent classifier could not place the message at all: its answer would be the
# clarification, so no everyday answer is lost, and a message it cannot place that the crisis
# classifier reads as a crisis is a child to answer with help. From 0.4, over 34 labelled sets
# (each left out of the decision), 20 more crises could be caught at all and the false alarms at
# 0.965 recall fell from 0.055 to 0.048 (English) and from 0.051 to 0.047 (Chinese); held-out
# intent accuracy is unchanged and two more held-out Chinese messages end in a crisis reply
# (haven_nlu/tuning/README.md). From 0.3 it did no better.
SECOND_OPINION_SEES_CRISIS_UNPLACED = 0.4
UNPLACED_INTENTS = ("nlu_fallback", "out_of_scope")
# A crisis phrase the intent classifier also reads as a crisis is weighed with the sentence it
# stands in only when that sentence alone reads as a crisis (weighed_probability). Over 48 sets,
# each left out of the decision, at 0.97 recall: the sentence taken whatever it scored gave false
# alarms of 0.0396 (English) and 0.0400 (Chinese), taken from 0.7 0.0360 and 0.0345, from 0.5
# 0.0372 and 0.0364, never 0.0347 and 0.0332; from 0.7 it still raises 888 of the 982 sentences
# it raised (861 of the 982 were crises), so a long message diluting one crisis sentence is still
# read by that sentence.
SENTENCE_SEES_CRISIS = 0.7
SMALL_TALK_INTENTS = (
    "greet",
    "thank",
    "affirm",
    "deny",
    "inform_country",
    "set_language",
    "bot_challenge",
)
# A plan to meet someone from online ("he wants to pick me up after school") has its own answer
# too (don't go alone, tell an adult, the helplines): with the sets of 2026-12-02 (fifth session)
# in its training, the crisis classifier put 0.5 to 0.8 on nine held-out Chinese meeting
# questions, while no crisis of the four fresh sets needed that range to be caught.
ESCALATES_ONLY_WHEN_SURE = ("ask_grooming", "ask_meeting_stranger", *SMALL_TALK_INTENTS)
NEVER_ESCALATED = (*URGENT_INTENTS, "ask_shelter")
# When the ranking holds no crisis intent at all, the reply with the emergency numbers.
ESCALATION_DEFAULT = "crisis_immediate_danger"
# A crisis phrase the detector read as someone else's ("my mate says he doesn't see the point in
# living, how do i help him") is a child worried about a friend: their answer carries the
# helplines and how to help. Before that intent existed such messages got the clarification.
FRIEND_INTENT = "worried_about_friend"
# Not an answer to a friend's crisis: a guess, or small talk.
GUESSES = ("nlu_fallback", "out_of_scope", "goodbye", *SMALL_TALK_INTENTS)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisSafetyNet(MessageRule):
    """Overrides the classifier's intent when a crisis pattern matches."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    def __init__(
        self,
        detector: Optional[CrisisDetector] = None,
        decision: Optional[CrisisDecision] = None,
    ) -> None:
        self._detector = detector or default_detector()
        self._decision = decision or CrisisDecision.load()

    def check(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button payload names its intent already
        assessment = self._detector.assess(text)
        predicted = (message.get(INTENT) or {}).get("name")
        probability = message.get(PROBABILITY_KEY)
        if probability is None or self._decision is None:
            self._patterns_alone(message, predicted, assessment)
            return
        finding_intent = assessment.finding.intent if assessment.finding else None
        probability = weighed_probability(
            probability,
            message.get(SENTENCE_PROBABILITY_KEY),
            finding_intent,
            predicted,
            message.get(UNNEGATED_PROBABILITY_KEY),
        )
        evidence = Evidence(
            crisis_probability=probability,
            chinese=detect_language(text) == CHINESE,
            predicted_intent=predicted,
            finding_intent=finding_intent,
            no_crisis_reason=assessment.no_crisis_reason,
        )
        likelihood = round(self._decision.probability(evidence), 3)
        if likelihood >= self._decision.threshold_for(evidence):
            self._answer_crisis(message, predicted, assessment.finding, probability, likelihood)
        else:
            self._answer_no_crisis(message, predicted, assessment, likelihood)

    def _patterns_alone(
        self, message: Message, predicted: Optional[str], assessment: Assessment
    ) -> None:
        """No crisis classifier: a crisis phrase wins, a harmless reading takes a crisis-only
        prediction back."""
        if assessment.finding is not None:
            self._override(message, predicted, assessment.finding, {})
        elif predicted in CRISIS_ONLY_INTENTS and assessment.no_crisis_reason:
            self._downgrade(message, predicted, assessment.no_crisis_reason)

    def _answer_crisis(
        self,
        message: Message,
        predicted: Optional[str],
        finding: Optional[CrisisFinding],
        probability: float,
        likelihood: float,
    ) -> None:
        """The decision reads a crisis: the finding's intent, the classifier's own crisis intent,
        or (when escalating is right for what the classifier read) the likeliest urgent one."""
        if finding is not None:
            self._override(message, predicted, finding, {"decision": likelihood})
        elif predicted not in CRISIS_ONLY_INTENTS and _escalation_allowed(
            predicted, message.get(TEXT) or "", probability
        ):
            self._escalate(message, predicted, likelihood)

    def _answer_no_crisis(
        self,
        message: Message,
        predicted: Optional[str],
        assessment: Assessment,
        likelihood: float,
    ) -> None:
        """The decision reads no crisis now: a crisis phrase is set aside and a crisis-only
        prediction gives way, both recorded with the decision's figure."""
        overruled = f"decision:{likelihood}"
        if assessment.finding is not None:
            message.set(
                PARSE_KEY,
                {**assessment.finding.as_dict(), "overrode": None, "overruled": overruled},
                add_to_output=True,
            )
        if predicted in CRISIS_ONLY_INTENTS:
            reason = assessment.no_crisis_reason or overruled
            self._downgrade(message, predicted, reason, keep_record=assessment.finding is not None)

    def _override(
        self,
        message: Message,
        predicted: Optional[str],
        finding: CrisisFinding,
        extra: Dict[str, Any],
    ) -> None:
        """Answer with the finding unless the classifier's urgent intent already fits."""
        overridden = self._should_override(predicted, finding.intent)
        message.set(
            PARSE_KEY,
            {**finding.as_dict(), "overrode": predicted if overridden else None, **extra},
            add_to_output=True,
        )
        if overridden:
            _answer_with(message, finding.intent, 1.0)

    def _should_override(self, predicted: Optional[str], found: str) -> bool:
        """The finding wins over a non-urgent prediction, and a risk to life wins over a less
        urgent one."""
        if predicted not in URGENT_INTENTS:
            return True
        current = self._detector.intent_priority(predicted)
        wanted = self._detector.intent_priority(found)
        more_urgent = current is None or (wanted is not None and wanted < current)
        return more_urgent and found in LIFE_THREATENING_INTENTS

    @staticmethod
    def _escalate(message: Message, predicted: Optional[str], likelihood: float) -> None:
        """Answer with the most likely crisis intent in the classifier's ranking."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        urgent = [entry for entry in ranking if entry.get("name") in URGENT_INTENTS]
        intent = urgent[0]["name"] if urgent else ESCALATION_DEFAULT
        _answer_with(message, intent, likelihood)
        message.set(
            PARSE_KEY,
            {
                "intent": intent,
                "pattern": "second_opinion",
                "overrode": predicted,
                "decision": likelihood,
            },
            add_to_output=True,
        )

    @staticmethod
    def _downgrade(
        message: Message, predicted: str, reason: str, keep_record: bool = False
    ) -> None:
        """Answer with the next-best topic instead of a crisis; a friend's crisis with the friend
        answer unless the classifier names another topic; otherwise, when nothing else is
        likely, ask (the clarification names the emergency route)."""
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get("name") not in CRISIS_ONLY_INTENTS
        ]
        best = ranking[0] if ranking else None
        unsure = best is None or best.get("confidence", 0.0) < MIN_ALTERNATIVE_CONFIDENCE
        if reason.endswith(SOMEONE_ELSE) and (unsure or best.get("name") in GUESSES):
            best = {"name": FRIEND_INTENT, "confidence": 1.0}
        elif unsure:
            best = {"name": "nlu_fallback", "confidence": 1.0}
        message.set(INTENT, best, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY, [best, *ranking[1:]] if ranking else [best], add_to_output=True
        )
        record = message.get(PARSE_KEY) if keep_record else None
        message.set(
            PARSE_KEY,
            {**(record or {}), "downgraded": predicted, "reason": reason},
            add_to_output=True,
        )


def _answer_with(message: Message, intent: str, confidence: float) -> None:
    """Make ``intent`` the prediction, first in the ranking."""
    prediction = {"name": intent, "confidence": confidence}
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != intent]
    message.set(INTENT, prediction, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(prediction), *ranking], add_to_output=True)


def weighed_probability(
    probability: float,
    sentence_probability: Optional[float],
    finding_intent: Optional[str],
    predicted: Optional[str],
    unnegated_probability: Optional[float] = None,
) -> float:
    """The crisis classifier's probability as the decision weighs it.

    - Where a crisis phrase matched, read without the classifier's negation marks: the patterns
      read the phrase's own negation in its syntax and found none, and a negation elsewhere in
      the message ("im not ok i want to die") must not set their finding aside on its own.
    - That of the most crisis-like sentence when a crisis phrase matched and the intent
      classifier also reads a crisis. The rest of a long message dilutes the whole's probability
      ("honestly i just want to kill myself." among school, games and dinner scored 0.08, alone
      0.80), but a sentence read without its neighbours also loses what makes it harmless (a
      film, a friend, last year): taken for every crisis phrase, the sentence's probability
      raised the false alarms of 30 sets from 0.045 to 0.061 (English) and 0.038 to 0.044
      (Chinese), each set left out, for 0.1 points of recall; only where the two other readers
      agree, to 0.049 and 0.042. And only when the sentence alone reads as a crisis
      (``SENTENCE_SEES_CRISIS``): a sentence scoring a little above the whole lifted negatives
      more than crises.
    """
    if finding_intent is None:
        return probability
    probability = max(probability, unnegated_probability or 0.0)
    sentence = sentence_probability or 0.0
    if predicted in CRISIS_ONLY_INTENTS and sentence >= SENTENCE_SEES_CRISIS:
        return max(probability, sentence)
    return probability


def _escalation_allowed(predicted: Optional[str], text: str, probability: float) -> bool:
    """Whether a crisis no phrase named may replace ``predicted``: never a place to stay or a
    child off to dinner, and a grooming report, small talk or a bare farewell only when the
    crisis classifier itself is very sure."""
    words = _letters(text)
    if predicted in NEVER_ESCALATED or _leaving_for_the_day(words):
        return False
    if predicted in ESCALATES_ONLY_WHEN_SURE or _BARE_FAREWELL.fullmatch(words):
        return probability >= SECOND_OPINION_VERY_SURE
    if predicted in UNPLACED_INTENTS:
        return probability >= SECOND_OPINION_SEES_CRISIS_UNPLACED
    return probability >= SECOND_OPINION_SEES_CRISIS


def _alternation(words: Sequence[str]) -> str:
    """A regex matching any of ``words``, the longest first ("bye bye" before "bye")."""
    return "|".join(sorted(map(re.escape, set(words)), key=len, reverse=True))


_LEAVE_TAKING = (
    "bye", "byee", "byeee", "bye bye", "goodbye", "good bye", "cya", "see ya", "see you",
    "see you later", "later", "gtg", "g2g", "ttyl", "good night", "goodnight", "gn", "night",
    "nite", "thanks", "thank you", "thx", "ty", "ok", "okay", "k", "kk", "lol", "haha", "好", "嗯",
    "掰掰", "掰", "拜拜", "拜", "再見", "881", "88", "晚安", "下次見", "下次聊", "先這樣",
    "謝謝", "謝啦", "先下線", "我先下線", "我要下線", "下線",
)  # fmt: skip
# Emoji that wave or smile: the only ones a bare farewell may carry.
_FRIENDLY = set("👋🙂😊😀😄😁😆✌😴💤🌙✨😘🤗~\ufe0f")
_PARTICLES = ("了", "囉", "啦", "喔", "哦", "唷", "嘍")
_BARE_FAREWELL = re.compile(
    f"(?:{_alternation(_LEAVE_TAKING)})(?:{_alternation(_PARTICLES)})*"
    f"(?: ?(?:{_alternation(_LEAVE_TAKING)})(?:{_alternation(_PARTICLES)})*)*"
)


# Leaving for an everyday reason: "gtg dinner bye", "媽媽叫我了 掰掰", "我要去洗澡了 881". The
# crisis classifier put 0.6 to 0.9 on such messages (the labelled farewells of suicide also say
# "i have to go" and "掰掰"), so a child off to dinner got the emergency reply. Only a message
# made of nothing but these words counts: "im going to eat all my pills bye" or "take a bath with
# a razor, bye" say more, and the crisis classifier still decides. Sleep and bed are not everyday
# reasons here ("going to sleep, bye" is how some suicide notes read).
_BYE = re.compile(
    r"\b(?:bye+|goodbye|gtg|g2g|ttyl|cya)\b|see ya|掰|拜拜|(?<!\d)881?(?!\d)|再見|先這樣|下線"
)
_EVERYDAY_REASONS_EN = (
    "dinner", "lunch", "breakfast", "tea", "eat", "shower", "bath", "homework", "school", "class",
    "practice", "training", "church", "piano", "football", "soccer", "calling",
)  # fmt: skip
_EVERYDAY_REASONS_ZH = (
    "洗澡", "吃飯", "吃晚餐", "吃早餐", "吃午餐", "寫功課", "寫作業", "上課", "補習", "上學",
    "練習", "練琴", "打球", "出門", "叫我",
)  # fmt: skip
_EVERYDAY_REASON = re.compile(
    rf"\b(?:{_alternation(_EVERYDAY_REASONS_EN)})\b|{_alternation(_EVERYDAY_REASONS_ZH)}"
)
_LEAVING_WORDS = (
    *_LEAVE_TAKING, *_EVERYDAY_REASONS_EN, *_EVERYDAY_REASONS_ZH, *_PARTICLES,
    "i", "im", "i'm", "i m", "have", "to", "got", "gotta", "go", "going", "gonna", "need", "off",
    "now", "for", "its", "it's", "it s", "time", "my", "the", "a", "so", "sorry", "brb", "me",
    "is", "wants", "and", "do", "take", "mom", "mum", "dad", "mother", "father", "nan", "grandma",
    "grandpa", "我", "要", "去", "先", "該", "得", "準備", "現在", "在", "媽媽", "媽", "爸爸", "爸",
    "阿嬤", "阿公", "奶奶", "爺爺",
)  # fmt: skip
_ONLY_LEAVING_WORDS = re.compile(f"(?:(?:{_alternation(_LEAVING_WORDS)}) ?)+")


def _leaving_for_the_day(words: str) -> bool:
    """A goodbye with an everyday reason and nothing else: "gtg dinner bye", "媽媽叫我了 掰掰"."""
    return (
        bool(_BYE.search(words))
        and bool(_EVERYDAY_REASON.search(words))
        and bool(_ONLY_LEAVING_WORDS.fullmatch(words))
    )


def _letters(text: str) -> str:
    """The words of a message in lower case, without punctuation or friendly emoji ("bye!! 👋").
    Other emoji stay and make a farewell more than bare: "😭😭😭 goodbye" is a crisis in the
    labelled sets."""
    kept = (
        " " if unicodedata.category(char).startswith(("P", "Z")) or char in _FRIENDLY else char
        for char in text.lower()
    )
    return " ".join("".join(kept).split())
