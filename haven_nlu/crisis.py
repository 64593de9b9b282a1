"""The crisis safety net: rule matching that recognises a child in crisis in words the classifier
may never have seen.

Statistical classifiers miss rare phrasings ("kms", "i won't be here tomorrow", a disclosure in
the middle of a long message about a game). This detector runs after the classifier and overrides
it when a crisis pattern matches. It is deliberately plain: normalise slang and typos, lemmatise
with spaCy, match token patterns (``crisis_patterns.yml``), then discard matches that are negated
("i'm not suicidal"), quoted ("the song says 'i wanna die'") or reported from a film or a book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

PATTERNS_FILE = Path(__file__).with_name("crisis_patterns.yml")
PIPELINE_DIR = Path(__file__).resolve().parent.parent / "var" / "spacy" / "en_haven"

_NEGATIONS = {"not", "never", "no", "n't", "nobody", "nothing"}
# "i don't know if i want to die" and "i don't care if i die" are not denials.
_NOT_A_DENIAL = {"know", "think", "care", "sure", "even", "matter", "mind", "understand"}
_NEGATION_WINDOW = 3
# A sentence that opens a denial: "it's not like anyone is blackmailing me".
_DENIAL_OPENERS = (("not", "like"), ("not", "that"))
# Past and resolved: "i used to self harm but i've been clean for a year".
_PAST_MARKERS = {"ago", "use", "last", "once", "before", "young", "younger", "little", "back",
                 "grade", "old", "struggle", "had"}  # fmt: skip
# Lemmas: "helped" is matched as "help".
_RESOLVED_MARKERS = {"clean", "well", "good", "fine", "ok", "okay", "help", "deal", "stop",
                     "over", "recover", "proud", "safe", "sort", "handle", "mentor", "thank",
                     "therapy"}  # fmt: skip
# Laughter after a danger statement marks a game or a joke ("i'm trapped behind the couch lol").
# Only for danger: a child may well write "i want to die lol" and mean it.
_LAUGHTER = {"lol", "lmao", "lmfao", "haha", "hahaha", "jk", "😂", "🤣", "xd"}
_LAUGHTER_SENSITIVE = {"danger"}
_MEDIA_WORDS = {
    "song", "lyric", "lyrics", "movie", "film", "book", "show", "episode", "character", "story",
    "novel", "poem", "anime", "manga", "series", "documentary", "meme", "video", "game", "tv",
    "rapper", "singer", "play",
}  # fmt: skip
_REPORTING_WORDS = {"say", "says", "said", "go", "goes", "sing", "sings", "sang", "where", "about",
                    "call", "called", "title", "titled", "line", "quote", "when"}  # fmt: skip
_FIRST_PERSON = {"i", "me", "my", "myself", "mine", "im"}
_GENERIC_SUBJECTS = {"someone", "somebody", "anyone", "person", "people", "you", "kid", "child",
                     "teen", "student", "minor", "friend", "they", "he", "she"}  # fmt: skip
# A question about words or signs, not a statement: "what does kms mean".
_ABOUT_WORDS = {"sign", "mean", "stand", "definition", "meaning", "symptom"}
_QUESTION_WORDS = {"what", "how", "should", "can", "could", "is", "are", "does", "do", "why"}
_QUOTED = re.compile(
    r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|«[^»]*»|(?:(?<=\s)|^)'(?:[^']|(?<=\w)'(?=\w))+'(?=[\s.,!?]|$)"
)


NOT_A_CRISIS = "not_a_crisis"


@dataclass(frozen=True)
class CrisisFinding:
    """Why the detector fired: which category, which pattern, and the intent it maps to."""

    category: str
    intent: str
    pattern: str

    def as_dict(self) -> Dict[str, str]:
        # No matched text: parse data is stored, and the words may identify the child.
        return {"category": self.category, "intent": self.intent, "pattern": self.pattern}


@dataclass(frozen=True)
class Assessment:
    """A crisis finding, or (when there is none) the pattern that reads the message as no crisis
    and why, e.g. "self_harm:1:negated" or "not_a_crisis:3"."""

    finding: Optional[CrisisFinding]
    no_crisis_reason: Optional[str]


def _compile_rewrites(rewrites: Dict[str, str]) -> List[Tuple[re.Pattern, str]]:
    compiled = []
    for source, target in sorted(rewrites.items(), key=lambda item: -len(str(item[0]))):
        pattern = re.compile(rf"(?<![\w']){re.escape(str(source))}(?![\w'])", re.IGNORECASE)
        compiled.append((pattern, str(target)))
    return compiled


def _squeeze_repeats(text: str) -> str:
    """Three or more of a letter become one ("soooo" → "so", "dieeee" → "die"): children
    stretch words, and no pattern word needs a letter a child would stretch."""
    return re.sub(r"([^\W\d])\1{2,}", r"\1", text)


class CrisisDetector:
    """Finds crisis statements in a message. Thread-safe after construction."""

    def __init__(self, nlp: Optional[Language] = None, patterns_file: Path = PATTERNS_FILE):
        self.nlp = nlp or _load_pipeline()
        # BaseLoader keeps every scalar a string: plain YAML would read "no", "off" and "on" in
        # a phrase as booleans.
        config = yaml.load(patterns_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        self._rewrites = _compile_rewrites(config.get("rewrites") or {})
        self._matcher = Matcher(self.nlp.vocab)
        self._categories: List[str] = []
        self._intents: Dict[str, str] = {}
        self._self_negating: Dict[str, bool] = {}
        self._not_before: Dict[str, set] = {}
        self._not_after: Dict[str, set] = {}
        sections = {**config["categories"], NOT_A_CRISIS: config.get(NOT_A_CRISIS) or {}}
        for category, spec in sections.items():
            if category != NOT_A_CRISIS:
                self._categories.append(category)
                self._intents[category] = spec["intent"]
            for number, phrase in enumerate(spec.get("phrases") or [], start=1):
                key = f"{category}:{number}"
                tokens = [str(token) for token in phrase]
                # "^a|b" first: the word before must not be a or b; "~a|b" last: nor the next.
                if tokens[0].startswith("^"):
                    self._not_before[key] = {self._lemma(w) for w in tokens.pop(0)[1:].split("|")}
                if tokens[-1].startswith("~"):
                    self._not_after[key] = {self._lemma(w) for w in tokens.pop()[1:].split("|")}
                self._matcher.add(key, [self._token_pattern(tokens)])
                self._self_negating[key] = any(
                    word in _NEGATIONS for token in tokens for word in token.split("|")
                )

    def _lemma(self, word: str) -> str:
        doc = self.nlp(word.lower())
        return (doc[0].lemma_ or doc[0].lower_).lower() if len(doc) else word.lower()

    def _analyse(self, text: str) -> Doc:
        doc = self.nlp(text)
        for token in doc:
            token.norm_ = (token.lemma_ or token.lower_).lower()
        return doc

    def _token_pattern(self, tokens: Sequence[str]) -> List[Dict[str, Any]]:
        pattern: List[Dict[str, Any]] = []
        for token in tokens:
            if token == "*":
                pattern.append({})
            elif token == "NUM":
                pattern.append({"LIKE_NUM": True})
            elif token.startswith("..."):
                pattern.append({"OP": f"{{0,{int(token[3:])}}}"})
            else:
                optional = token.startswith("?")
                words = token.lstrip("?").split("|")
                # Tokens are matched by their lower-case lemma (see _analyse), so a pattern word
                # stands for all its forms: "hits" matches "hit", "hitting", "hits".
                forms = sorted({self._lemma(w) for w in words})
                spec: Dict[str, Any] = {"NORM": {"IN": forms}}
                pattern.append({**spec, "OP": "?"} if optional else spec)
        return pattern

    def normalise(self, text: str) -> str:
        """Lower case, stretched letters squeezed, slang and typos rewritten."""
        text = _squeeze_repeats(text.lower().replace("’", "'").replace("`", "'"))
        for pattern, target in self._rewrites:
            text = pattern.sub(target, text)
        return text

    def _negated(self, doc: Doc, span: Span, key: str) -> bool:
        sentence_start = _sentence_start(doc, span.start)
        opening = [token.norm_ for token in doc[sentence_start : span.start]]
        pairs = {tuple(opening[i : i + 2]) for i in range(len(opening))}
        if pairs & set(_DENIAL_OPENERS):
            return True
        first = max(sentence_start, span.start - _NEGATION_WINDOW)
        last = span.start if self._self_negating[key] else span.end
        for index in range(first, last):
            if doc[index].norm_ in _NEGATIONS or doc[index].lower_ in _NEGATIONS:
                following = index + 1
                # "i don't know if i want to die" is not a denial; "i never thought about
                # suicide" is (the verb after the negation is the match itself).
                hedge = (
                    following < span.start
                    and doc[following].norm_ in _NOT_A_DENIAL
                    and (
                        following + 1 >= len(doc) or doc[following + 1].norm_ not in {"of", "about"}
                    )
                )
                if not hedge:
                    return True
        return False

    def _excluded_by_context(self, doc: Doc, span: Span, key: str) -> bool:
        before = doc[span.start - 1].norm_ if span.start > 0 else ""
        after = doc[span.end].norm_ if span.end < len(doc) else ""
        return before in self._not_before.get(key, ()) or after in self._not_after.get(key, ())

    @staticmethod
    def _quoted(span: Span, quoted: Sequence[Tuple[int, int]]) -> bool:
        return any(start <= span.start_char and span.end_char <= end for start, end in quoted)

    @staticmethod
    def _reported_from_media(doc: Doc, span: Span) -> bool:
        """ "in the movie he says he wants to die": a media word, then a reporting word, before
        the match in the same sentence."""
        sentence_start = _sentence_start(doc, span.start)
        before = [token.lower_ for token in doc[sentence_start : span.start]]
        media_at = [i for i, word in enumerate(before) if word in _MEDIA_WORDS]
        return bool(media_at) and any(
            word in _REPORTING_WORDS for word in before[media_at[0] + 1 :]
        )

    def detect(self, text: str) -> Optional[CrisisFinding]:
        """The highest-priority crisis finding in the message, or None."""
        return self.assess(text).finding

    def assess(self, text: str) -> Assessment:
        """The crisis finding, if any, and otherwise why the message reads as no crisis: a
        crisis phrase that was negated, quoted, reported or laughed off, or a known non-crisis
        reading ("this game is killing me", "what is self harm")."""
        if not text or not text.strip():
            return Assessment(None, None)
        normalised = self.normalise(text)
        doc = self._analyse(normalised)
        quoted = [match.span() for match in _QUOTED.finditer(normalised)]
        found: Dict[str, str] = {}
        defused: Optional[str] = None
        for match_id, start, end in self._matcher(doc):
            key = self.nlp.vocab.strings[match_id]
            span = doc[start:end]
            category = key.split(":")[0]
            if category == NOT_A_CRISIS:
                defused = defused or key
                continue
            reason = self._why_not_current(doc, span, key, category, quoted)
            if reason:
                defused = defused or f"{key}:{reason}"
                continue
            found.setdefault(category, key)
        for category in self._categories:
            if category in found:
                finding = CrisisFinding(category, self._intents[category], found[category])
                return Assessment(finding, None)
        return Assessment(None, defused)

    def _why_not_current(
        self, doc: Doc, span: Span, key: str, category: str, quoted: Sequence[Tuple[int, int]]
    ) -> Optional[str]:
        if self._quoted(span, quoted):
            return "quoted"
        if self._reported_from_media(doc, span):
            return "media"
        if self._excluded_by_context(doc, span, key):
            return "context"
        if _hypothetical(doc, span):
            return "hypothetical"
        if self._negated(doc, span, key):
            return "negated"
        if _resolved_in_the_past(doc, span):
            return "past"
        if category in _LAUGHTER_SENSITIVE and _laughed_off(doc, span):
            return "laughter"
        return None

    def intent_priority(self, intent: str) -> Optional[int]:
        """Position of an intent among the crisis categories (lower wins), or None."""
        for position, category in enumerate(self._categories):
            if self._intents[category] == intent:
                return position
        return None


def _resolved_in_the_past(doc: Doc, span: Span) -> bool:
    """A past marker and, after the match, a resolution, in the same sentence: "a year ago i
    felt suicidal but therapy helped", "i struggled with self harm in 7th grade, now i'm a peer
    mentor". Words such as "again" or "still" keep it current."""
    sentence_start = _sentence_start(doc, span.start)
    story = {token.norm_ for token in doc[sentence_start : span.end + 6]}
    outcome = {token.norm_ for token in doc[span.end : span.end + 14]}
    if not (_PAST_MARKERS & story) or ({"again", "still", "start", "relapse"} & story):
        return False
    return bool(_RESOLVED_MARKERS & outcome)


def _laughed_off(doc: Doc, span: Span) -> bool:
    """Laughter right after the match, in the same sentence."""
    return any(token.lower_ in _LAUGHTER for token in doc[span.end : span.end + 6])


def _hypothetical(doc: Doc, span: Span) -> bool:
    """ "what do i do if someone threatens to leak pics": a question opening the sentence, then
    "if"/"when" with a generic subject (someone, a kid, you) and no first person, is a question
    about a situation, not a report of one; the classifier still answers the topic. A question
    about oneself ("what do i do if i want to die") is never discounted."""
    sentence_start = _sentence_start(doc, span.start)
    if sentence_start >= len(doc) or doc[sentence_start].lower_ not in _QUESTION_WORDS:
        return False
    sentence = {token.norm_ for token in doc[sentence_start : span.end + 4]}
    if sentence & _ABOUT_WORDS:
        return True  # "what does kms stand for", "what are signs my teen might be suicidal"
    before = [token.lower_ for token in doc[sentence_start : span.start]]
    conditions = [i for i, word in enumerate(before) if word in ("if", "when")]
    if not conditions:
        return False
    clause = before[conditions[-1] + 1 :] + [token.lower_ for token in span]
    return bool(_GENERIC_SUBJECTS & set(clause)) and not (_FIRST_PERSON & set(clause))


def _sentence_start(doc: Doc, index: int) -> int:
    for position in range(index - 1, -1, -1):
        if doc[position].text in {".", "!", "?", "\n"} or "\n" in doc[position].text:
            return position + 1
    return 0


def _load_pipeline() -> Language:
    if (PIPELINE_DIR / "meta.json").exists():
        return spacy.load(PIPELINE_DIR)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def default_detector() -> CrisisDetector:
    """One detector per process: building the matcher takes a moment."""
    return CrisisDetector()
