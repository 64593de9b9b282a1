"""Removes personal data from text before it is stored.

A child may type a phone number, an address or an e-mail while asking for help. The classifier
sees the message as typed (it needs the words to understand it); what reaches the tracker store
is this scrubbed copy, so a leaked or subpoenaed database cannot locate or contact the child.
Rules, not a model: regular expressions for shaped data (e-mail, links, long numbers) and a spaCy
``Matcher`` on tokens for street addresses, whose shape depends on words ("12 Baker Street").

Taiwanese forms too: mobile (0912-345-678, +886 912 345 678) and landline numbers ((02)2345-6789,
07-123-4567), national ids (A123456789), accounts given after a label ("line id: xxx", "賴:xxx",
"我的ig是xxx") and addresses (台北市大安區復興南路一段100號5樓, …路…巷…弄…號, …街…號). Chinese
has no spaces, so every pattern is bounded by "not an ASCII letter or digit" rather than by a
word boundary: to Python a Chinese character is a word character, and "電話0912345678" has no
word boundary before the 0. Numbers of six digits or fewer (113, 110, 119, 1925, 1995, years,
sums of money) are never touched.
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

# Bounds for patterns that must also work inside Chinese text (see the module docstring).
_START = r"(?<![A-Za-z0-9_])"
_END = r"(?![A-Za-z0-9_])"
# The rest of a link stops at Chinese characters and full-width punctuation.
_URL_TAIL = r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]*"
_EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A link with a path or query can point at a person ("instagram.com/jane.doe"); a bare site name
# ("instagram.com") cannot, and the classifier's features rely on it, so it stays.
_LINK_PATTERN = re.compile(
    rf"(?:https?://|www\.){_URL_TAIL}|{_START}[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    rf"\.(?:com|net|org|io|me|tw|uk|jp|kr|gg|tv|co)(?:/|\?){_URL_TAIL}",
    re.IGNORECASE,
)
# Seven or more digits, allowing the separators people type in phone numbers.
_PHONE_PATTERN = re.compile(rf"{_START}\+?\(?\d(?:[\d\s().\-]{{5,}}\d){_END}")
_MIN_PHONE_DIGITS = 7
# Tokens mixing letters and 5+ digits look like ids: "A123456789", "user84726391".
_ID_PATTERN = re.compile(
    rf"{_START}(?=[A-Za-z0-9_]*\d{{5,}})(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]+{_END}"
    rf"|{_START}\d{{8,}}{_END}"
)
_HANDLE_PATTERN = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_.]{3,}")
# An account name after its label: "line id: mia_2011", "賴:mia2011", "我的ig是mia.chen".
_ACCOUNT_LABEL = (
    r"(?:line|賴|ig|instagram|insta|dc|discord|tg|telegram|snapchat|snap|抖音|tiktok|推特"
    r"|twitter|臉書|fb|facebook|wechat|微信|skype|帳號|用戶名|使用者名稱|id)"
)
_ACCOUNT_PATTERN = re.compile(
    rf"{_START}(?:{_ACCOUNT_LABEL}\s*){{1,3}}(?:[:：]|是|為|就是|叫)\s*@?([A-Za-z0-9_.#\-]{{3,30}})"
    rf"|(?:賴|加我賴|加賴)\s*@?([A-Za-z0-9_.#\-]{{3,30}})",
    re.IGNORECASE,
)
# Taiwanese addresses: [city][district] road [section] [lane] [alley] number [floor]. The road
# name holds no word that usually comes before an address ("我家住在…").
_BEFORE_ADDRESS = "在住是家的我到去從於往近搬離跟和與及或就也都還又他她說"
_NAME_CHAR = rf"(?:(?![{_BEFORE_ADDRESS}])[\u4e00-\u9fff])"
_NUM = r"[0-9０-９]+"
_CJK_NUM = r"[0-9０-９一二三四五六七八九十]+"
_ADDRESS_PATTERN = re.compile(
    rf"(?:{_NAME_CHAR}{{1,3}}[市縣])?(?:{_NAME_CHAR}{{1,3}}[區鄉鎮市])?"
    rf"{_NAME_CHAR}{{1,4}}(?:路|街|大道)(?:{_CJK_NUM}段)?"
    rf"(?:(?:{_NUM}巷)?(?:{_NUM}弄)?{_NUM}(?:[-之]{_NUM})?號(?:{_CJK_NUM}(?:樓|[Ff])(?:之{_NUM})?)?"
    rf"|{_NUM}巷(?:{_NUM}弄)?)"
)

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
    for match in _ACCOUNT_PATTERN.finditer(text):
        group = 1 if match.group(1) else 2
        spans.append((match.start(group), match.end(group), HANDLE))
    spans.extend((m.start(), m.end(), ADDRESS) for m in _ADDRESS_PATTERN.finditer(text))
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
