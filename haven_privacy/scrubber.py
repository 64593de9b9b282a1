"""Removes personal data from text before it is stored.

A child may type a phone number, an address or an e-mail while asking for help. The classifier
sees the message as typed (it needs the words to understand it); what reaches the tracker store
is this scrubbed copy, so a leaked or subpoenaed database cannot locate or contact the child.
Rules, not a model: regular expressions for shaped data (e-mail, links, long numbers) and a spaCy
``Matcher`` on tokens for street addresses, whose shape depends on words ("12 Baker Street").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, List, Tuple

import spacy
from spacy.language import Language
from spacy.matcher import Matcher

Span = Tuple[int, int, str]

EMAIL = "[email]"
LINK = "[link]"
PHONE = "[phone]"
NUMBER = "[number]"
HANDLE = "[username]"
ADDRESS = "[address]"

_EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A link with a path or query can point at a person ("instagram.com/jane.doe"); a bare site name
# ("instagram.com") cannot, and the classifier's features rely on it, so it stays.
_LINK_PATTERN = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|me|tw|uk|jp|kr|gg|tv|co)"
    r"(?:/|\?)\S*",
    re.IGNORECASE,
)
# Seven or more digits, allowing the separators people type in phone numbers.
_PHONE_PATTERN = re.compile(r"(?<![\w])\+?\(?\d(?:[\d\s().\-]{5,}\d)(?![\w])")
_MIN_PHONE_DIGITS = 7
# Tokens mixing letters and 5+ digits look like ids: "A123456789", "user84726391".
_ID_PATTERN = re.compile(r"\b(?=\w*\d{5,})(?=\w*[A-Za-z])\w+\b|\b\d{8,}\b")
_HANDLE_PATTERN = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{3,}")

_STREET_WORDS = [
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "court", "ct", "way", "place", "pl", "terrace", "close", "crescent", "cres", "hill",
    "square", "sq", "gardens", "grove", "highway", "hwy", "parkway", "pkwy",
]  # fmt: skip
_UNIT_WORDS = ["apt", "apartment", "flat", "unit", "suite", "floor", "fl"]


@lru_cache(maxsize=1)
def _address_matcher() -> Tuple[Language, Matcher]:
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    house_number = {"TEXT": {"REGEX": r"^\d{1,5}[A-Za-z]?$"}}
    name_word = {"IS_ALPHA": True, "OP": "{1,3}"}
    street = {"LOWER": {"IN": _STREET_WORDS}}
    dot = {"ORTH": ".", "OP": "?"}
    unit = [{"LOWER": {"IN": _UNIT_WORDS}}, {"ORTH": ".", "OP": "?"}, {"IS_ALPHA": False}]
    matcher.add("ADDRESS", [[house_number, name_word, street, dot]])
    matcher.add("ADDRESS_UNIT", [[house_number, name_word, street, dot, {"ORTH": ",", "OP": "?"}]
                                 + unit])  # fmt: skip
    matcher.add("UNIT", [unit])
    return nlp, matcher


def _regex_spans(text: str) -> List[Span]:
    spans: List[Span] = []
    for pattern, label in ((_EMAIL_PATTERN, EMAIL), (_LINK_PATTERN, LINK)):
        spans.extend((m.start(), m.end(), label) for m in pattern.finditer(text))
    for match in _PHONE_PATTERN.finditer(text):
        if sum(ch.isdigit() for ch in match.group()) >= _MIN_PHONE_DIGITS:
            spans.append((match.start(), match.end(), PHONE))
    spans.extend((m.start(), m.end(), NUMBER) for m in _ID_PATTERN.finditer(text))
    spans.extend((m.start(), m.end(), HANDLE) for m in _HANDLE_PATTERN.finditer(text))
    return spans


def _address_spans(text: str) -> List[Span]:
    nlp, matcher = _address_matcher()
    doc = nlp.make_doc(text)
    return [
        (doc[start:end].start_char, doc[start:end].end_char, ADDRESS)
        for _, start, end in matcher(doc)
    ]


def _merge(spans: Iterable[Span]) -> List[Span]:
    """Overlapping finds become one replacement; the earliest-starting, longest find names it."""
    merged: List[Span] = []
    for start, end, label in sorted(spans, key=lambda span: (span[0], -span[1])):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_label = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_label)
        else:
            merged.append((start, end, label))
    return merged


def scrub_text(text: str) -> str:
    """Returns the text with personal data replaced by placeholders such as ``[phone]``."""
    if not text:
        return text
    spans = _merge(_regex_spans(text) + _address_spans(text))
    for start, end, label in reversed(spans):
        text = text[:start] + label + text[end:]
    return text
