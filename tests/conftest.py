"""Shared fixtures: the trained model (trained once per run) and one running assistant stack."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Callable, Iterator, List

import httpx
import pytest

from bot.local_stack import LocalStack, service_environment
from bot.rasa_client import BotReply, parse_replies

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
TEST_RASA_PORT = int(os.environ.get("HAVEN_TEST_RASA_PORT", "5105"))
TEST_ACTIONS_PORT = int(os.environ.get("HAVEN_TEST_ACTIONS_PORT", "5155"))

Talk = Callable[[str, str], List[BotReply]]


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Runs the Rasa CLI from the project root with the project's environment."""
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=PROJECT_ROOT,
        env=service_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The newest model in models/; `make test` trains it just before pytest, once."""
    models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        result = run_rasa("train", "--out", str(MODELS_DIR), "--quiet")
        assert result.returncode == 0, result.stderr[-3000:]
        models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1]


@pytest.fixture(scope="session")
def assistant(trained_model: Path) -> Iterator[LocalStack]:
    """Rasa and the action server, started once for every test that talks to the assistant."""
    with LocalStack(
        model=trained_model, rasa_port=TEST_RASA_PORT, actions_port=TEST_ACTIONS_PORT
    ) as stack:
        yield stack


@pytest.fixture(scope="session")
def talk(assistant: LocalStack) -> Iterator[Talk]:
    """Sends one message over Rasa's REST channel, as every channel does, and returns replies."""
    client = httpx.Client(base_url=assistant.rasa_url, timeout=60)

    def send(sender_id: str, text: str) -> List[BotReply]:
        response = client.post(
            "/webhooks/rest/webhook", json={"sender": sender_id, "message": text}
        )
        response.raise_for_status()
        return parse_replies(response.json())

    yield send
    client.close()


@pytest.fixture
def sender_id() -> str:
    """A fresh conversation for each test."""
    return f"test-{uuid.uuid4().hex}"
