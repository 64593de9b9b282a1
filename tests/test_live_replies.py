"""Talking to the running assistant over REST, as every channel does: urgent messages get sourced
numbers in the first reply, and bad input gets a kind answer, never a crash or silence."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import List

import httpx
import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from actions.directory.loader import load_directory
from actions.directory.resolve import resources_for
from actions.directory.schema import INTERNATIONAL
from actions.profile import UNCOVERED_SLOT
from bot.rasa_client import REST_WEBHOOK_PATH, parse_replies
from tests.helpers import PROJECT_ROOT, URGENT_INTENTS, covered_countries_now, domain, load_yaml

MAIN_COUNTRIES = covered_countries_now()


def urgent_messages_in_test_stories() -> List[str]:
    stories = load_yaml(PROJECT_ROOT / "tests" / "test_stories.yml")["stories"]
    return [
        step["user"].strip()
        for story in stories
        for step in story["steps"]
        if step.get("intent") in URGENT_INTENTS and "[" not in step["user"]
    ]


URGENT_MESSAGES = urgent_messages_in_test_stories()


def choose_country(talk, sender_id: str, country: str) -> None:
    talk(sender_id, "/inform_country" + json.dumps({"country": country}))


def phones_of(country: str) -> set:
    return {r.phone for r in load_directory().resources if r.serves(country) and r.phone}


def test_there_are_urgent_messages_to_check() -> None:
    assert len(URGENT_MESSAGES) >= 15


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_each_urgent_message_gets_a_sourced_number_first(talk, sender_id, country: str) -> None:
    phones = phones_of(country)
    for index, message in enumerate(URGENT_MESSAGES):
        conversation = f"{sender_id}-{index}"
        choose_country(talk, conversation, country)
        replies = talk(conversation, message)
        assert replies, message
        assert any(phone in replies[0].text for phone in phones), (country, message, replies[0])


def test_each_urgent_message_without_a_country_gets_the_international_route(
    talk, sender_id
) -> None:
    directory = resources_for(load_directory().resources, INTERNATIONAL, ["directory"])[0]
    for index, message in enumerate(URGENT_MESSAGES):
        replies = talk(f"{sender_id}-{index}", message)
        assert replies and directory.web in replies[0].text, (message, replies)
        payloads = {button.title: button.payload for button in replies[0].buttons}
        assert payloads["Taiwan"] == '/inform_country{"country": "Taiwan"}'


def test_a_country_button_after_a_crisis_shows_that_countrys_numbers(talk, sender_id) -> None:
    talk(sender_id, "i want to die")
    replies = talk(sender_id, '/inform_country{"country": "South Korea"}')
    korean_phones = phones_of("South Korea")
    assert any(phone in reply.text for reply in replies for phone in korean_phones)


def test_answers_change_with_the_role(talk, sender_id) -> None:
    young = talk(f"{sender_id}-young", "what is grooming")
    talk(f"{sender_id}-parent", '/inform_role{"user_role": "parent"}')
    parent = talk(f"{sender_id}-parent", "what is grooming")
    assert young[0].text != parent[0].text


def _wording(response: str, slots: dict) -> str:
    """The one text the domain gives ``response`` for these slots."""
    chosen = ResponseVariationFilter(domain()["responses"]).responses_for_utter_action(
        response, "rest", {UNCOVERED_SLOT: None, **slots}
    )
    (text,) = {variation["text"] for variation in chosen}
    return text


@pytest.mark.parametrize(
    "message,language,role",
    [
        ("my daughter just told me she wants to kill herself", "en", "parent"),
        ("one of my students wrote in her journal that she wants to die", "en", "educator"),
        ("我兒子剛剛說他不想活了 一直在哭", "zh-TW", "parent"),
    ],
)
def test_an_adult_writing_about_their_child_is_answered_as_that_adult(
    talk, sender_id, message: str, language: str, role: str
) -> None:
    """The parent learns what to do for the child (and still gets the numbers first); a child
    saying the same of themselves still gets the child's reply."""
    country = "United Kingdom" if language == "en" else None
    if country:
        choose_country(talk, sender_id, country)
    replies = talk(sender_id, message)
    slots = {"language": language, "country": country, "role": role}
    assert replies[0].text == _wording("utter_urgent_self_harm", slots)
    assert replies[1].text == _wording("utter_ask_safe_now", slots)
    own_words = "i want to kill myself" if language == "en" else "我不想活了"
    child = talk(f"{sender_id}-child", own_words)
    child_slots = {**slots, "country": None, "role": None}
    assert child[0].text == _wording("utter_urgent_self_harm", child_slots)
    # A child taken for an adult has a way back: "I'm asking about myself".
    (myself,) = [b for b in replies[1].buttons if "youth" in b.payload]
    again = talk(sender_id, myself.payload)
    assert again[0].text == _wording("utter_urgent_self_harm", {**slots, "role": "youth"})
    assert again[1].text == _wording("utter_ask_safe_now", {**slots, "role": "youth"})


LONG_STORY = (
    "so basically this started like two months ago when i joined a new server for a game i play "
    "and there was this person who was really nice to me and we talked every day. "
) * 32


@pytest.mark.parametrize(
    "message",
    [
        LONG_STORY[:5000],
        "😭😭😭",
        "🙂",
        "?!?!...",
        "",
        "     ",
        "Hola, necesito ayuda por favor",
        "Bonjour, je ne sais pas quoi faire",
        "asdkjh qwpoeiru zmxncb",
        "a" * 5000,
    ],
    ids="5000-chars emoji emoji1 punctuation empty spaces spanish french gibberish 5000-a".split(),
)
def test_bad_input_gets_a_kind_reply(talk, sender_id, message: str) -> None:
    replies = talk(sender_id, message)
    assert replies and all(reply.text.strip() for reply in replies)
    assert len(replies[0].text) <= 4096


def test_conversation_continues_after_bad_input(talk, sender_id) -> None:
    talk(sender_id, "😶" * 50)
    assert talk(sender_id, "hi")[0].text


def test_urgent_replies_do_not_need_the_action_server(assistant, talk, sender_id) -> None:
    assistant.stop_actions()
    try:
        replies = talk(sender_id, "i want to kill myself")
        assert replies and "local emergency number" in replies[0].text
        replies = talk(sender_id, '/inform_country{"country": "United Kingdom"}')
        uk_phones = phones_of("United Kingdom")
        assert any(phone in reply.text for reply in replies for phone in uk_phones)
    finally:
        assistant.start_actions()


class _SlowActionServer(http.server.BaseHTTPRequestHandler):
    """Accepts action calls and answers far too late, like an overloaded action server."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        time.sleep(SLOW_ACTION_SECONDS)
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


SLOW_ACTION_SECONDS = 20


def test_a_slow_action_server_never_holds_back_the_urgent_reply(assistant, sender_id) -> None:
    """Rasa waits 2 s for an action, then answers with what it has: the static urgent reply and
    the guidance. The client here gives up after 10 s, far below Rasa's own 300 s default."""
    assistant.stop_actions()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", assistant.actions_port), _SlowActionServer
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = httpx.Client(base_url=assistant.rasa_url, timeout=10)
    try:
        for message in ["he says he will post my nudes unless i pay", "i want to die"]:
            response = client.post(
                REST_WEBHOOK_PATH, json={"sender": sender_id, "message": message}
            )
            replies = parse_replies(response.json())
            assert replies and "local emergency number" in replies[0].text, message
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        assistant.start_actions()
