"""English and Traditional Chinese: which language a message is in, how Chinese is tokenised,
and that the running assistant answers each user in their language (issue 8)."""

from __future__ import annotations

import re
from typing import List

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_client import BotReply
from haven_nlu.language import CHINESE, ENGLISH, detect_language, from_telegram_code
from haven_nlu.language_component import LanguageTagger, message_language
from haven_nlu.tokenizer import SEGMENTERS, split_mixed

_HAN = re.compile(r"[\u4e00-\u9fff]")


def in_chinese(replies: List[BotReply]) -> bool:
    """The first bubble is written in Chinese (numbers and service names aside)."""
    return bool(replies) and len(_HAN.findall(replies[0].text)) >= 5


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我不想活了", CHINESE),
        ("他說要po我的nudes", CHINESE),
        ("ㄅㄆㄇ", CHINESE),
        ("someone is threatening me", ENGLISH),
        ("kms tbh", ENGLISH),
        ("ok", None),
        ("👍", None),
        ("113", None),
        ("", None),
    ],
)
def test_the_script_decides_the_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "code, expected",
    [("zh-hant", CHINESE), ("zh-TW", CHINESE), ("zh", CHINESE), ("en-GB", ENGLISH), ("ja", None)],
)
def test_telegram_language_code_is_only_a_hint(code: str, expected: str) -> None:
    assert from_telegram_code(code) == expected


def test_mixed_chinese_and_english_is_split_into_characters_and_words() -> None:
    pieces = [piece for piece, _ in split_mixed("他說要po我的nudes!!", SEGMENTERS["char"])]
    assert pieces == ["他", "說", "要", "po", "我", "的", "nudes", "!", "!"]


def test_pieces_keep_their_offsets() -> None:
    text = "他說要po我的nudes"
    for piece, offset in split_mixed(text, SEGMENTERS["char"]):
        assert text[offset : offset + len(piece)] == piece


@pytest.mark.parametrize(
    "text, metadata, expected",
    [
        ("我好怕", None, CHINESE),
        ("ok", {"language": CHINESE}, CHINESE),  # the front end knows the chat
        ("thanks so much", {"language": CHINESE}, CHINESE),  # ...and has already decided
        ("thanks so much", None, None),  # no front end: English is asked for in words
        ("ok", {"language": "fr"}, None),  # a language this assistant does not speak
        ("ok", {"language": CHINESE, "user_id": 1}, CHINESE),
    ],
)
def test_the_language_to_set(text: str, metadata: dict, expected: str) -> None:
    assert message_language(text, metadata) == expected


def _tagged(text: str, intent: str, entities: list, metadata: dict = None) -> list:
    message = Message(
        data={TEXT: text, INTENT: {"name": intent}, ENTITIES: entities, "metadata": metadata}
    )
    LanguageTagger().process([message])
    return message.get(ENTITIES)


def test_tagger_spans_the_whole_message_and_keeps_other_entities() -> None:
    country = {"entity": "country", "value": "Taiwan", "start": 2, "end": 4}
    entities = _tagged("我在台灣", "inform_country", [country])
    assert country in entities
    (language,) = [e for e in entities if e["entity"] == "language"]
    assert (language["value"], language["start"], language["end"]) == (CHINESE, 0, 4)


def test_an_explicit_request_keeps_the_classifiers_language() -> None:
    asked = {"entity": "language", "value": ENGLISH, "start": 3, "end": 5}
    assert _tagged("可以講英文嗎", "set_language", [asked]) == [asked]


def test_a_stray_language_guess_outside_set_language_is_replaced() -> None:
    stray = {"entity": "language", "value": ENGLISH, "start": 0, "end": 2}
    entities = _tagged("英文作業好難", "out_of_scope", [stray])
    assert [e["value"] for e in entities if e["entity"] == "language"] == [CHINESE]


# ---------------------------------------------------------------- the running assistant


def test_mixed_message_is_understood(parse) -> None:
    result = parse("他說要po我的nudes")
    assert result["intent"]["name"] == "ask_sextortion", result["intent"]
    assert {"entity": "language", "value": CHINESE} in [
        {"entity": e["entity"], "value": e["value"]} for e in result["entities"]
    ]


def test_chinese_message_gets_a_chinese_answer_and_it_stays_chinese(talk, sender_id) -> None:
    assert in_chinese(talk(sender_id, "嗨"))
    assert in_chinese(talk(sender_id, "/ask_privacy"))  # a button: no text to read
    replies = talk(sender_id, "english please")
    assert not in_chinese(replies)
    assert not in_chinese(talk(sender_id, "how do i make my account private"))


def test_english_stays_english(talk, sender_id) -> None:
    assert not in_chinese(talk(sender_id, "hi"))
    assert not in_chinese(talk(sender_id, "ok"))


def test_front_end_language_answers_a_message_without_script(talk, sender_id) -> None:
    assert in_chinese(talk(sender_id, "hi", language=CHINESE))
    assert not in_chinese(talk(sender_id, "thank you", language=ENGLISH))


def test_chinese_crisis_message_gets_taiwans_lines_first(talk, sender_id) -> None:
    replies = talk(sender_id, "我真的不想活了")
    assert in_chinese(replies)
    first = replies[0].text
    assert "1995" in first or "113" in first or "1925" in first, first
