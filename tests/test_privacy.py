"""Privacy guarantees, checked where they matter: in the stored rows and in the logs.

Personal data typed by a child never reaches the tracker database; a user can erase their
conversation; old conversations are purged; sender ids are pseudonyms; logs carry no message
text and no identifiers.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from pathlib import Path
from typing import List

import pytest
import yaml

from bot.local_stack import LOG_DIR
from bot.pseudonym import MissingSecretError, Pseudonymizer, load_secret
from haven_privacy.retention import erase_sender, purge_older_than
from haven_privacy.retention import main as retention_main
from haven_privacy.scrubber import scrub_text
from haven_privacy.tracker_store import PrivateSQLTrackerStore, scrub_event
from tests.conftest import TEST_TRACKER_DB
from tests.helpers import PROJECT_ROOT

# ---------------------------------------------------------------- the scrubber


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("my number is 0912-345-678", "0912-345-678"),
        ("call me on +44 7700 900123 pls", "7700 900123"),
        ("text me (555) 123-4567", "123-4567"),
        ("my email is jane.doe99@gmail.com", "jane.doe99@gmail.com"),
        ("I live at 221B Baker Street, London", "221B Baker Street"),
        ("we're at 12 maple ave apt 4", "12 maple ave"),
        ("my insta is instagram.com/jane.doe.2011", "jane.doe.2011"),
        ("see https://example.com/u/84726391?ref=me", "84726391"),
        ("my id number is A123456789", "A123456789"),
        ("add me @jane_doe_2011", "jane_doe_2011"),
        ("my student number is 20110423", "20110423"),
        # Taiwan: Chinese has no spaces, so nothing marks where a number or a name starts.
        ("我的手機是0912345678", "0912345678"),
        ("電話0912-345-678喔", "0912-345-678"),
        ("打給我+886 912 345 678", "912 345 678"),
        ("+886-912-345-678", "912-345-678"),
        ("我家電話(02)2345-6789", "2345-6789"),
        ("02-2345-6789是我家", "2345-6789"),
        ("外婆家是07-123-4567", "123-4567"),
        ("我的身分證字號是A123456789喔", "A123456789"),
        ("line id: mia_2011", "mia_2011"),
        ("LINE ID：mia_2011", "mia_2011"),
        ("賴:mia2011", "mia2011"),
        ("加我賴 mia2011 喔", "mia2011"),
        ("我的ig是mia.chen.11", "mia.chen.11"),
        ("我的信箱是mia2011@gmail.com喔", "mia2011@gmail.com"),
        ("我住在台北市大安區復興南路一段100號5樓", "復興南路一段100號5樓"),
        ("我家在中正路100巷5弄3號", "中正路100巷5弄3號"),
        ("住在民生街25號", "民生街25號"),
        ("地址是台中市西屯區台灣大道三段99號12樓之3", "台灣大道三段99號"),
    ],
)
def test_personal_data_is_scrubbed(text: str, secret: str) -> None:
    assert secret not in scrub_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "i want to die",
        "im 13 and he wants 500 dollars",
        "call 988 or 113 or 116 123",
        "someone on instagram.com is threatening me",
        "it happened in 2024 at school",
        # Taiwan's short crisis numbers, ages, sums, years and places too vague to find anyone.
        "打113或110或119",
        "安心專線1925 生命線1995",
        "我13歲 他說要5000塊",
        "2024年的事了",
        "我住台北市",
        "我在中正路上",
        "我想死",
    ],
)
def test_what_the_assistant_needs_survives_scrubbing(text: str) -> None:
    assert scrub_text(text) == text


def _chinese_personal_data() -> List[dict]:
    """Chinese sentences with personal data, written by someone who had not seen the scrubber."""
    path = PROJECT_ROOT / "tests" / "personal_data_zh.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["personal_data"]


@pytest.mark.parametrize("item", _chinese_personal_data(), ids=lambda item: f"{item['kind']}")
def test_the_chinese_regression_personal_data_is_scrubbed(item: dict) -> None:
    assert item["secret"] not in scrub_text(item["text"])


def test_a_stored_user_event_keeps_no_text_copy_metadata_or_channel() -> None:
    event = {
        "event": "user",
        "text": "mail me at kid@example.com",
        "parse_data": {
            "text": "mail me at kid@example.com",
            "intent": {"name": "ask_privacy"},
            "entities": [{"entity": "email", "value": "kid@example.com"}],
        },
        "metadata": {"language_code": "en", "username": "kid"},
        "input_channel": "telegram",
        "message_id": "abc",
    }
    stored = json.dumps(scrub_event(event))
    assert "kid@example.com" not in stored
    assert "username" not in stored and "telegram" not in stored
    assert "ask_privacy" in stored


# ---------------------------------------------------------------- pseudonyms


def test_sender_ids_are_stable_pseudonyms_that_need_the_secret() -> None:
    first = Pseudonymizer(b"a" * 32)
    assert first.sender_id("telegram", 123456789) == first.sender_id("telegram", 123456789)
    assert "123456789" not in first.sender_id("telegram", 123456789)
    assert first.sender_id("telegram", 1) != Pseudonymizer(b"b" * 32).sender_id("telegram", 1)


def test_a_missing_secret_stops_start_up_outside_development() -> None:
    with pytest.raises(MissingSecretError, match="HAVEN_SENDER_SECRET"):
        load_secret({})
    with pytest.raises(MissingSecretError, match="shorter"):
        load_secret({"HAVEN_SENDER_SECRET": "short"})
    assert load_secret({"HAVEN_ENV": "development"})


# ---------------------------------------------------------------- the live store


def stored_rows(sender_id: str) -> List[str]:
    with sqlite3.connect(TEST_TRACKER_DB) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender_id,))
        return [row[0] for row in rows]


def stored_intents(sender_id: str) -> List[str]:
    with sqlite3.connect(TEST_TRACKER_DB) as connection:
        rows = connection.execute(
            "SELECT intent_name FROM events WHERE sender_id = ? AND type_name = 'user'",
            (sender_id,),
        )
        return [row[0] for row in rows]


def whole_database_text() -> str:
    """Every stored row, raw and with JSON escapes decoded (Chinese is stored as \\uXXXX)."""
    with sqlite3.connect(TEST_TRACKER_DB) as connection:
        rows = connection.execute("SELECT sender_id, data FROM events").fetchall()
    return "\n".join(f"{sender} {data} {_decoded(data)}" for sender, data in rows)


def _decoded(data: str) -> str:
    try:
        return json.dumps(json.loads(data), ensure_ascii=False)
    except (TypeError, ValueError):
        return ""


# What a child types about themselves, in each language, and where it appears in a conversation.
PERSONAL_DATA = {
    "en": {
        "phone": "0912-345-678",
        "email": "mia.chen2011@gmail.com",
        "address": "17 Larch Road",
        "link": "instagram.com/mia.chen.2011",
    },
    "zh-TW": {
        "mobile": "0987-654-321",
        "landline": "(02)2345-6789",
        "email": "xiaomei.lin07@gmail.com",
        "street_number": "二段118巷5號",
    },
}
CONVERSATIONS = {
    "en": [
        "hi im 13",
        "a guy keeps texting me, my number is {phone}",
        "he found my email {email} and my insta {link}",
        "he says he knows i live at {address}, Leeds",
    ],
    "zh-TW": [
        "我國二",
        "有個網友一直打給我 我的手機是{mobile}",
        "他還打到我家 市話{landline} 我好怕",
        "他知道我的信箱 {email}",
        "他說知道我住台北市大安區和平東路{street_number}",
    ],
}


@pytest.mark.parametrize("language", sorted(CONVERSATIONS))
def test_personal_data_never_reaches_the_database(talk, sender_id: str, language: str) -> None:
    personal = PERSONAL_DATA[language]
    for line in CONVERSATIONS[language]:
        talk(sender_id, line.format(**personal))
    assert len(stored_rows(sender_id)) > 10, "the conversation should be stored (scrubbed)"
    everything = whole_database_text()
    for kind, value in personal.items():
        assert value.lower() not in everything.lower(), kind
    assert "[phone]" in everything and "[email]" in everything and "[address]" in everything
    assert not re.search(r"0987\D{0,2}654|0912\D{0,2}345", everything), "a phone, however written"


def test_forgetting_in_chinese_erases_every_stored_row(talk, sender_id: str) -> None:
    talk(sender_id, "有人在網路上霸凌我")
    assert stored_rows(sender_id)
    replies = talk(sender_id, "幫我刪除我們的對話紀錄")
    assert any(b.payload == "/affirm" for r in replies for b in r.buttons), replies
    talk(sender_id, "/affirm")
    assert stored_rows(sender_id) == []


def test_forgetting_erases_every_stored_row(talk, sender_id: str) -> None:
    talk(sender_id, "someone is bullying me online")
    assert stored_rows(sender_id)
    replies = talk(sender_id, "/request_forget")
    assert any(b.payload == "/affirm" for r in replies for b in r.buttons)
    assert stored_rows(sender_id), "nothing is erased before the user confirms"
    replies = talk(sender_id, "/affirm")
    assert "erased" in " ".join(r.text for r in replies)
    assert stored_rows(sender_id) == []
    # The next message starts a fresh conversation, not the old one.
    talk(sender_id, "hi")
    assert stored_intents(sender_id) == ["greet"]


def test_keeping_the_conversation_erases_nothing(talk, sender_id: str) -> None:
    talk(sender_id, "someone is bullying me online")
    talk(sender_id, "/request_forget")
    talk(sender_id, "/deny")
    assert "ask_cyberbullying" in stored_intents(sender_id)


def test_no_message_text_or_sender_id_appears_in_the_logs(talk, assistant) -> None:
    marker = f"zebra{uuid.uuid4().hex[:8]}"
    sender = f"log-check-{uuid.uuid4().hex}"
    talk(sender, f"my friend {marker} is being bullied on discord")
    talk(sender, f"i want to die {marker}")
    time.sleep(0.5)
    logs = [
        LOG_DIR / f"rasa-{assistant.rasa_port}.log",
        LOG_DIR / f"actions-{assistant.actions_port}.log",
    ]
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert text, log
        assert marker not in text, log
        assert sender not in text, log


# ---------------------------------------------------------------- retention and erasure tools


@pytest.fixture
def scratch_store(tmp_path: Path) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "store.db"))


def add_event(store: PrivateSQLTrackerStore, sender: str, timestamp: float) -> None:
    with store.session_scope() as session:
        session.add(
            store.SQLEvent(
                sender_id=sender,
                type_name="user",
                timestamp=timestamp,
                data=json.dumps({"event": "user", "text": "hi", "timestamp": timestamp}),
            )
        )
        session.commit()


def count(store: PrivateSQLTrackerStore, sender: str) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


def test_purge_removes_only_conversations_older_than_the_period(scratch_store) -> None:
    now = time.time()
    add_event(scratch_store, "old", now - 31 * 86_400)
    add_event(scratch_store, "recent", now - 29 * 86_400)
    assert purge_older_than(scratch_store, days=30, now=now) == 1
    assert count(scratch_store, "old") == 0
    assert count(scratch_store, "recent") == 1


def test_erase_removes_one_sender_only(scratch_store) -> None:
    add_event(scratch_store, "a", time.time())
    add_event(scratch_store, "b", time.time())
    assert erase_sender(scratch_store, "a") == 1
    assert (count(scratch_store, "a"), count(scratch_store, "b")) == (0, 1)


def test_the_purge_command_reads_the_store_from_an_endpoints_file(tmp_path, capsys) -> None:
    database = tmp_path / "cli.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: haven_privacy.tracker_store.PrivateSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {database}\n",
        encoding="utf-8",
    )
    store = PrivateSQLTrackerStore(dialect="sqlite", db=str(database))
    add_event(store, "old", time.time() - 90 * 86_400)
    assert retention_main(["--endpoints", str(endpoints), "purge", "--days", "30"]) == 0
    assert "purged 1 events" in capsys.readouterr().out
    assert count(store, "old") == 0


# ---------------------------------------------------------------- errors logged without content


def test_a_failing_database_statement_never_shows_its_parameters(scratch_store) -> None:
    import sqlalchemy as sa

    secret_sender = f"sender-{uuid.uuid4().hex}"
    with pytest.raises(sa.exc.DBAPIError) as raised, scratch_store.engine.connect() as connection:
        connection.execute(
            sa.text("INSERT INTO no_such_table (sender_id) VALUES (:sender)"),
            {"sender": secret_sender},
        )
    assert secret_sender not in str(raised.value)


def test_rasa_channel_errors_are_logged_without_the_message(caplog) -> None:
    import logging

    from haven_privacy.log_privacy import withhold_message_text_in_rasa_logs

    withhold_message_text_in_rasa_logs()
    marker = f"marker-{uuid.uuid4().hex}"
    channel_logger = logging.getLogger("rasa.core.channels.rest")
    with caplog.at_level(logging.INFO):
        try:
            raise ValueError(f"broken while reading {marker}")
        except ValueError:
            # Rasa 3.6's REST channel logs exactly this on any processing error.
            channel_logger.exception(f"An exception occured while handling user message '{marker}'")
    assert caplog.records, "the error must still be logged"
    logged = "\n".join(caplog.text.splitlines() + [r.getMessage() for r in caplog.records])
    assert marker not in logged
    assert "ValueError" in logged
