"""Shared fixtures: the trained model (trained once per run) and one running assistant stack."""

from __future__ import annotations

import os
import secrets
import uuid
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import httpx
import pytest

from actions.paths import PROJECT_ROOT
from bot.local_stack import LocalStack
from bot.rasa_client import REST_WEBHOOK_PATH, BotReply, parse_replies
from scripts.rasa_cli import MODELS_DIR, latest_model, run_rasa

TEST_RASA_PORT = int(os.environ.get("HAVEN_TEST_RASA_PORT", "5105"))
TEST_ACTIONS_PORT = int(os.environ.get("HAVEN_TEST_ACTIONS_PORT", "5155"))
TEST_TRACKER_DB = PROJECT_ROOT / "var" / "test" / f"tracker-{TEST_RASA_PORT}.db"
TEST_API_TOKEN = secrets.token_hex(16)

Talk = Callable[..., List[BotReply]]


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Mark every test that needs the trained model, so that `make test` can run the others while
    the model trains (``-m "not needs_model"``)."""
    for item in items:
        if "trained_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_model)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The newest model in models/; `make test` trains it just before pytest, once."""
    model = latest_model()
    if model is None:
        result = run_rasa("train", "--out", str(MODELS_DIR), "--quiet", timeout=900)
        assert result.returncode == 0, result.stderr[-3000:]
        model = latest_model()
    assert model is not None
    return model


@pytest.fixture(scope="session")
def assistant(trained_model: Path) -> Iterator[LocalStack]:
    """Rasa and the action server, started once for every test that talks to the assistant."""
    TEST_TRACKER_DB.unlink(missing_ok=True)
    with LocalStack(
        model=trained_model,
        rasa_port=TEST_RASA_PORT,
        actions_port=TEST_ACTIONS_PORT,
        tracker_db=TEST_TRACKER_DB,
        api_token=TEST_API_TOKEN,
    ) as stack:
        yield stack


@pytest.fixture(scope="session")
def talk(assistant: LocalStack) -> Iterator[Talk]:
    """Sends one message over Rasa's REST channel, as every channel does, and returns replies."""
    client = httpx.Client(base_url=assistant.rasa_url, timeout=60)

    def send(sender_id: str, text: str, language: Optional[str] = None) -> List[BotReply]:
        body = {"sender": sender_id, "message": text}
        if language:  # what a front end sends: the language it knows for the chat
            body["metadata"] = {"language": language}
        response = client.post(REST_WEBHOOK_PATH, json=body)
        response.raise_for_status()
        return parse_replies(response.json())

    yield send
    client.close()


@pytest.fixture
def sender_id() -> str:
    """A fresh conversation for each test."""
    return f"test-{uuid.uuid4().hex}"


Parse = Callable[[str], dict]


@pytest.fixture(scope="session")
def parse(assistant: LocalStack) -> Iterator[Parse]:
    """The trained model's full NLU output for a message (Rasa's HTTP API, token required)."""
    client = httpx.Client(base_url=assistant.rasa_url, timeout=60)

    def run(text: str) -> dict:
        response = client.post(
            "/model/parse", params={"token": TEST_API_TOKEN}, json={"text": text}
        )
        response.raise_for_status()
        return response.json()

    yield run
    client.close()
