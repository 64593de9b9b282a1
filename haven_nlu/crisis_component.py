"""Rasa NLU component: the crisis safety net placed after the classifiers.

When :class:`haven_nlu.crisis.CrisisDetector` finds a crisis statement, the predicted intent is
replaced by the crisis intent (confidence 1.0), unless the classifier already chose an urgent
intent and the finding is no more urgent, or is abuse or sextortion rather than a risk to life,
or unless both classifiers read a question about a topic (a teacher planning a lesson, a parent
asking how to explain a word) and the crisis classifier finds a crisis very unlikely.
The dialogue rules for crisis intents then answer with the static urgent replies.

It also stops the classifier crying wolf: when the classifier predicts a crisis-only intent,
no crisis phrase matches, and the detector recognises a non-crisis reading (a negated or quoted
crisis phrase, "this game is killing me", "what is self harm"), the next-best topic answers
instead. The parse data records what was done and why under ``crisis_safety_net``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Optional, Sequence

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from haven_nlu.crisis import SOMEONE_ELSE, CrisisDetector, default_detector
from haven_nlu.crisis_classifier import PROBABILITY_KEY
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
# The crisis classifier's probability (haven_nlu/crisis_classifier.py) at which it overrides the
# intent classifier when no crisis phrase matched: chosen on the tuning sets with each set left
# out of the crisis classifier's training, and checked again on the fresh sets dev_h and dev_zh_e
# before anything was tuned on them (haven_nlu/tuning/README.md).
SECOND_OPINION_SEES_CRISIS = 0.5
SECOND_OPINION_DOUBTS = 0.4
SECOND_OPINION_IS_SURE = 0.7
# Escalated only when the crisis classifier is very sure: a grooming report, which has an answer of
# its own for someone at risk (stop replying, don't send anything, report, tell an adult; at 0.7
# held-out grooming reports such as "he says only he understands me" became crisis replies:
# Chinese grooming recall 0.65 -> 0.57), and small talk, where short everyday words the crisis
# sets also use ("我現在在英國", "not right now") reached 0.5 to 0.7. A goodbye is not small talk
# here: a farewell is how many suicide messages read ("以後不用再回我了 掰掰"), so it keeps the
# ordinary threshold, except a bare farewell: nothing but words of leave-taking ("bye", "掰掰",
# "我先下線了 晚安"). With the sets of 2026-12-04 in its training the crisis classifier put 0.51
# on "掰掰" and 0.50 on "我先下線了", and the emergency reply to a child saying goodbye is a false
# alarm of the commonest kind; the farewells in the labelled crises all say more than that.
SECOND_OPINION_VERY_SURE = 0.8
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
# A crisis phrase is set aside only when both models that read the whole message see something
# else: the intent classifier names one of these questions about a topic (a lesson to plan, a
# post to report, a law to look up) and the crisis classifier puts the message below 0.05. On the
# four fresh sets of 2026-12-04, scored with the patterns before they were tuned on them and each
# set left out of the crisis classifier, that took back 8 of 79 false alarms (a teacher planning a
# lesson on sextortion, a parent asking how to explain a word heard at school) and lost none of
# 787 crises the patterns caught; on the 25 older sets it lost none of 5,684 and took back 2 of
# 205 false alarms (haven_nlu/tuning/README.md). A guess (out_of_scope, the fallback), small
# talk, distress, a request for help or a place to stay, and a grooming or meeting report never
# overrule a crisis phrase: there the classifiers put "what's the quickest way to die" and
# "為什麼每天都要被打" below 0.05 too.
QUESTION_TOPICS = (
    "ask_csam_report",
    "ask_cyberbullying",
    "ask_privacy",
    "ask_harmful_content",
    "ask_law",
    "ask_report_platform",
    "ask_parent_warning_signs",
    "ask_talk_to_child",
)
SECOND_OPINION_OVERRULES_PATTERN = 0.05
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

    def __init__(self, detector: Optional[CrisisDetector] = None) -> None:
        self._detector = detector or default_detector()

    def check(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button payload names its intent already
        assessment = self._detector.assess(text)
        finding = assessment.finding
        predicted = (message.get(INTENT) or {}).get("name")
        if finding is None:
            self._weigh_second_opinion(message, predicted, assessment.no_crisis_reason)
            return
        probability = message.get(PROBABILITY_KEY)
        if _topic_question(predicted, probability):
            message.set(
                PARSE_KEY,
                {**finding.as_dict(), "overrode": None, "overruled": f"{predicted}:{probability}"},
                add_to_output=True,
            )
            return
        overridden = self._should_override(predicted, finding.intent)
        message.set(
            PARSE_KEY,
            {**finding.as_dict(), "overrode": predicted if overridden else None},
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

    def _weigh_second_opinion(
        self, message: Message, predicted: Optional[str], no_crisis_reason: Optional[str]
    ) -> None:
        """No crisis phrase matched: the classifier and the crisis classifier decide.

        A crisis only the intent classifier saw is taken back when the detector recognises a
        harmless reading (unless the crisis classifier is sure it is a crisis: "not trying to
        die, just need to bleed a bit"), or when the crisis classifier finds it unlike a crisis.
        A crisis only the crisis classifier sees is answered as one: a missed crisis costs more
        than an extra helpline.
        """
        probability = message.get(PROBABILITY_KEY)
        if predicted in CRISIS_ONLY_INTENTS:
            sure = probability is not None and probability >= SECOND_OPINION_IS_SURE
            if no_crisis_reason and not sure:
                self._downgrade(message, predicted, no_crisis_reason)
            elif probability is not None and probability < SECOND_OPINION_DOUBTS:
                self._downgrade(message, predicted, f"second_opinion:{probability:.2f}")
        elif probability is not None and probability >= _escalation_threshold(
            predicted, message.get(TEXT) or ""
        ):
            self._escalate(message, predicted, probability)

    @staticmethod
    def _escalate(message: Message, predicted: Optional[str], probability: float) -> None:
        """Answer with the most likely crisis intent in the classifier's ranking."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        urgent = [entry for entry in ranking if entry.get("name") in URGENT_INTENTS]
        intent = urgent[0]["name"] if urgent else ESCALATION_DEFAULT
        _answer_with(message, intent, probability)
        message.set(
            PARSE_KEY,
            {"intent": intent, "pattern": "second_opinion", "overrode": predicted},
            add_to_output=True,
        )

    @staticmethod
    def _downgrade(message: Message, predicted: str, reason: str) -> None:
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
        message.set(PARSE_KEY, {"downgraded": predicted, "reason": reason}, add_to_output=True)


def _answer_with(message: Message, intent: str, confidence: float) -> None:
    """Make ``intent`` the prediction, first in the ranking."""
    prediction = {"name": intent, "confidence": confidence}
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != intent]
    message.set(INTENT, prediction, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(prediction), *ranking], add_to_output=True)


def _topic_question(predicted: Optional[str], probability: Optional[float]) -> bool:
    """Both classifiers read a question about a topic where a crisis phrase matched."""
    return (
        predicted in QUESTION_TOPICS
        and probability is not None
        and probability < SECOND_OPINION_OVERRULES_PATTERN
    )


def _escalation_threshold(predicted: Optional[str], text: str) -> float:
    """How sure the crisis classifier must be to replace ``predicted`` with a crisis intent."""
    words = _letters(text)
    if predicted in NEVER_ESCALATED or _leaving_for_the_day(words):
        return float("inf")
    if predicted in ESCALATES_ONLY_WHEN_SURE or _BARE_FAREWELL.fullmatch(words):
        return SECOND_OPINION_VERY_SURE
    return SECOND_OPINION_SEES_CRISIS


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
