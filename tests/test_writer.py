"""An adult who names a child in their care is answered as that adult: the carer's words are read
(haven_nlu/writer.py), the `user_role` entity sets the `role` slot (haven_nlu/writer_component.py),
and the urgent replies and their follow-ups have an adult wording for every language, country
and adult role (scripts/sync_urgent_responses.py, domain.yml)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.directory.loader import load_directory
from actions.directory.resolve import resources_for
from actions.profile import UNCOVERED_SLOT
from haven_nlu.writer import ADULT_ROLES, carer_role
from haven_nlu.writer_component import WriterTagger
from tests.helpers import covered_countries_now, domain

PARENT_MESSAGES = [
    "my daughter just told me she wants to kill herself",
    "My 14 year old left a note saying sorry and now she won't answer her phone",
    "our son is being blackmailed with a video, what do we do",
    "my 13yo has been cutting her arms",
    "Hi, I'm a single mum and my boy is 15, he says he wants to die",
    "as a parent im terrified, she said she cant go on",
    "my stepdaughter told me her uncle touches her",
    "我女兒說她不想活了",
    "兒子剛剛傳訊息說對不起媽媽",
    "我是他媽媽 他最近一直在割手",
    "我們家12歲的孩子被網友威脅",
    "Mum of a 6 year old here. He told me daddy's friend touches him",
    "parent here. my kid says she wants to die",
    "Dad here. Found my lad's search history full of ways to end his life",
    "mum here, my 14yo has fresh cuts on her wrists",
    "孩子的爸說他在亂講，可是兒子一直說要去死",
    "阮孫今年十歲 伊講欲死",
    "my kiddo said he doesn't want to be alive anymore",
    "our eldest is self harming and won't talk to us",
    "I foster a 14 year old girl who ran away last night",
    "Foster carer. Our 14 year old went to meet someone and hasn't come home",
    "家長您好 小犬最近被勒索",
    "小兒今年十三歲，被同學霸凌，說不想活",
]
EDUCATOR_MESSAGES = [
    "one of my students wrote in her journal that she wants to end her life",
    "I'm a teacher and a pupil in my class has marks on her arms",
    "我的學生說她爸爸每天打她",
    "我是國中導師 學生在週記寫說想死",
    "Teacher here. A pupil disclosed abuse today",
    "I'm a year 9 teacher and a pupil just told me she's being abused",
    "我是小學老師，家長來電說孩子被要求脫衣服",
]
PROFESSIONAL_MESSAGES = [
    "I'm a youth worker and a 15 year old I mentor says he has pills",
    "我是社工 個案說晚上會被繼父打",
]
# A child's own words that mention other people: no child in the writer's care.
CHILD_MESSAGES = [
    "i want to kill myself",
    "my kid brother keeps hitting me",
    "my baby said he would leave me and now i want to die",
    "my boy jake says he wants to kms",
    "my 19 year old boyfriend wants me to send pics",
    "a kid in my class said he wants to kill himself",
    "a girl in my class cuts herself, should i tell a teacher",
    "he's not my kid but he's 11 and an adult is messaging him",
    "my mum hits me",
    "my friend's daughter is being bullied",
    "im 14 and my dad hits me",
    "我是媽媽的出氣筒",
    "我媽每天都打我",
    "我還是小孩 我不想活了",
    "我們班有個同學在割手",
    "my mum of all people said i was the problem",
    "mom: you're grounded. me: i want to die lol",
    "鄰居的兒子一直摸我",
    "老師說我是壞孩子",
    "老師：作業呢 我：我想死",
    # From a review of the first version: each of these was read as an adult.
    "my 14 year old brain cant handle this, i want to die",
    "my teen account on insta got hacked and they have my pics",
    "Mom, I need help",
    "mum. i'm scared. this guy wants my nudes",
    "Dad!! someone hacked my insta",
    "i'm the mom friend in my group and my friend says she wants to die",
    "im a mom to 3 cats and i still want to die",
    "im a teacher's pet and he touches me",
    "i'm a doctor's daughter and i want to die",
    "my 15 yo bestie is cutting herself",
    "i babysit my 3 year old nephew and my dad hits me",
    "she isnt my daughter, she's my sister",
    "my fellow students are bullying me",
    "one of my teachers students told me hes gonna kill himself",
    "my mom is a mother of 4 and she hits me",
    "我是老師眼中的壞學生 想死",
    "我是阿嬤帶大的 阿公會打我",
    "他錄到我老二 說不給錢就要散布",
    "班上有學生一直霸凌我 我不想活了",
    "學生會的人都在排擠我",
    "我的學生證不見了",
    "我孩子氣又愛哭 我想死",
    "女兒節快樂 我不想活了",
    "身為爸爸的女兒 我好累",
    "我是導師的小老師 但他一直摸我",
    "我是不是很讓媽媽失望 我好想消失",
    "我是學生!爸爸打我",
    "our eldest brother hits me",
    "foster carer pulls my hair and shoved me down the stairs this morning",
    "foster carer slapped me today",
    "小女生都在笑我",
    "我們去小兒科看病 醫生說我要住院",
]


@pytest.mark.parametrize(
    "text,role",
    [(text, "parent") for text in PARENT_MESSAGES]
    + [(text, "educator") for text in EDUCATOR_MESSAGES]
    + [(text, "professional") for text in PROFESSIONAL_MESSAGES],
)
def test_an_adult_naming_a_child_in_their_care_is_read_as_that_adult(text: str, role: str):
    found = carer_role(text)
    assert found is not None and found[0] == role, (text, found)


@pytest.mark.parametrize("text", CHILD_MESSAGES)
def test_a_child_writing_about_others_is_not_read_as_an_adult(text: str) -> None:
    assert carer_role(text) is None, (text, carer_role(text))


def _tagged(text: str, entities: Optional[List[Dict[str, Any]]] = None) -> List[Dict[str, Any]]:
    message = Message(data={TEXT: text, ENTITIES: entities or []})
    WriterTagger().check(message)
    return [e for e in message.get(ENTITIES) if e["entity"] == "user_role"]


def _role_entity(value: str, start: int, end: int) -> Dict[str, Any]:
    return {"entity": "user_role", "value": value, "start": start, "end": end}


def test_the_tagger_adds_the_carers_role_where_the_classifier_found_none() -> None:
    text = "my daughter says she wants to die"
    (entity,) = _tagged(text)
    assert entity["value"] == "parent" and text[entity["start"] : entity["end"]] == "my daughter"
    assert entity["extractor"] == "WriterTagger"


def test_the_childs_age_is_not_the_writers() -> None:
    text = "my son 13 told me a man at his club touched him"
    (entity,) = _tagged(text, [_role_entity("13", 7, 9)])
    assert entity["value"] == "parent"


def test_the_writers_own_age_and_a_stated_adult_role_are_kept() -> None:
    own_age = "im 14 and my daughter is 1, her dad hits us"
    assert _tagged(own_age, [_role_entity("youth", 3, 5)])[0]["value"] == "youth"
    teacher = "im a teacher and my son was bullied"
    assert _tagged(teacher, [_role_entity("educator", 5, 12)])[0]["value"] == "educator"


def test_role_values_the_replies_are_not_written_for_are_read_or_dropped() -> None:
    """The role slot takes the entity's value: "國中二" or "year" would match no variation."""
    assert _tagged("i'm in year 9 and sad", [_role_entity("year", 7, 11)]) == []
    assert _tagged("他錄到我老二 說要散布", [_role_entity("老二", 4, 6)]) == []
    assert _tagged("im 9 and i want to die", [_role_entity("9", 3, 4)])[0]["value"] == "youth"
    assert _tagged("我國二 不想活了", [_role_entity("國二", 1, 3)])[0]["value"] == "youth"


def test_an_adult_role_the_writer_does_not_claim_is_dropped() -> None:
    assert _tagged("my teacher keeps asking me for pics", [_role_entity("educator", 3, 10)]) == []
    assert _tagged("我是跟媽媽住 繼父會打我", [_role_entity("parent", 3, 5)]) == []
    kept = _tagged("hi im a mum of two", [_role_entity("parent", 8, 11)])
    assert kept[0]["value"] == "parent"


def test_a_young_persons_own_role_blocks_the_carer_reading() -> None:
    text = "im 14 and my kids on animal crossing all left"
    assert _tagged(text, [_role_entity("14", 3, 5)])[0]["value"] == "youth"


def test_a_button_payload_and_a_childs_message_are_left_alone() -> None:
    assert _tagged('/inform_role{"user_role": "youth"}') == []
    assert _tagged("my mum says i should kill myself") == []


# ---------------------------------------------------------------- the replies

ADULT_WORDED = [
    "utter_urgent_self_harm",
    "utter_urgent_danger",
    "utter_urgent_abuse",
    "utter_urgent_sextortion",
    "utter_urgent_shelter",
    "utter_urgent_distress",
    "utter_urgent_csam",
    "utter_urgent_friend",
    "utter_ask_safe_now",
    "utter_safe_for_now",
    "utter_crisis_check_in",
    "utter_abuse_next_steps",
    "utter_distress_support",
    "utter_friend_next_steps",
    "utter_shelter_next_steps",
]
# What only a child should be told: their own feelings and safety, services speaking to "you".
TO_THE_CHILD = (
    "Are you safe",
    "Feeling this way is not your fault",
    "你現在安全嗎",
    "你可以自己打",
)


@lru_cache(maxsize=1)
def _variations() -> ResponseVariationFilter:
    return ResponseVariationFilter(domain()["responses"])


@lru_cache(maxsize=1)
def _covered() -> tuple:
    return tuple(covered_countries_now())


def _text(response: str, language: str, country: Optional[str], role: Optional[str]) -> str:
    uncovered = True if country and country not in _covered() else None
    slots = {"language": language, "country": country, "role": role, UNCOVERED_SLOT: uncovered}
    chosen = _variations().responses_for_utter_action(response, "rest", slots)
    texts = {variation["text"] for variation in chosen}
    assert len(texts) == 1, (response, slots, len(texts))
    return texts.pop()


@pytest.mark.parametrize("response", ADULT_WORDED)
@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_an_adult_gets_the_adult_wording_everywhere(response: str, language: str) -> None:
    """Every place (each country, none, one without checked numbers) and every adult role gets
    one text, the same for the three adult roles, and not the child's."""
    for country in [None, *_covered(), "Hong Kong"]:
        child = _text(response, language, country, None)
        assert _text(response, language, country, "youth") == child
        (adult,) = {_text(response, language, country, role) for role in ADULT_ROLES}
        assert adult != child, (response, language, country)
        assert not any(words in adult for words in TO_THE_CHILD), (response, country)


@pytest.mark.parametrize("response", [r for r in ADULT_WORDED if r.startswith("utter_urgent")])
@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_the_adults_urgent_reply_carries_the_countrys_sourced_numbers(response, language) -> None:
    """A parent of a child at risk to life gets the emergency number, like the child does."""
    contacts = load_directory().resources
    for country in _covered():
        text = _text(response, language, country, "parent")
        phones = {c.phone for c in contacts if c.serves(country) and c.phone}
        assert any(phone in text for phone in phones), (response, country)
        if response in ("utter_urgent_self_harm", "utter_urgent_danger"):
            emergency = resources_for(contacts, country, ["emergency"])[0]
            assert emergency.phone in text, (response, country)
