"""The local chat: numbered buttons, scriptable from a pipe, the same path as other channels."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.local_chat import render_replies, resolve_button_choice
from bot.local_stack import service_environment
from bot.rasa_client import BotReply, Button, parse_replies
from tests.helpers import PROJECT_ROOT


def test_buttons_are_numbered_across_bubbles() -> None:
    replies = [
        BotReply("first", [Button("Yes", "/affirm")]),
        BotReply("second", [Button("Taiwan", '/inform_country{"country":"Taiwan"}')]),
    ]
    rendered = render_replies(replies)
    assert "[1] Yes" in rendered and "[2] Taiwan" in rendered


def test_a_number_sends_the_buttons_payload_and_anything_else_is_text() -> None:
    buttons = [Button("Yes", "/affirm"), Button("No", "/deny")]
    assert resolve_button_choice("2", buttons) == "/deny"
    assert resolve_button_choice("3", buttons) == "3"
    assert resolve_button_choice("im 13", buttons) == "im 13"


def test_rest_replies_without_text_or_buttons_are_skipped() -> None:
    assert parse_replies([{"recipient_id": "x", "image": "y"}, {"text": "hi"}]) == [BotReply("hi")]


def run_piped_chat(rasa_url: str, lines: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.local_chat", "--rasa-url", rasa_url],
        input=lines,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=service_environment(),
        timeout=120,
    )


OFFLINE_MARKER = "can't answer properly right now"
CRISIS_REPLY_MARKER = "You did the right thing reaching out"


def test_piped_chat_prints_replies_after_each_line_and_exits(assistant) -> None:
    result = run_piped_chat(assistant.rasa_url, "hi\nI want to die\n1\n\n😭\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert OFFLINE_MARKER not in out
    assert out.count("you> ") == 5
    assert out.index("you> hi") < out.index("haven> Hi") < out.index("you> I want to die")
    after_crisis = out.split("you> I want to die", 1)[1].split("you> 1", 1)[0]
    assert CRISIS_REPLY_MARKER in after_crisis and re.search(r"\[\d\] Taiwan", after_crisis)


def test_chat_without_rasa_still_gives_emergency_advice() -> None:
    result = run_piped_chat("http://127.0.0.1:9", "I want to die\n")
    assert result.returncode == 0, result.stderr
    assert OFFLINE_MARKER in result.stdout and "emergency number" in result.stdout


@pytest.mark.usefixtures("trained_model")  # without a model `make chat` would train one
def test_make_chat_reads_a_pipe_as_the_readme_says() -> None:
    # Its own ports, so it neither clashes with nor reuses a developer's running assistant.
    env = {**service_environment(), "HAVEN_RASA_PORT": "5205", "HAVEN_ACTIONS_PORT": "5255"}
    result = subprocess.run(
        ["bash", "-c", "printf 'hi\\nI want to die\\n' | make --no-print-directory chat"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=400,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("you> ") == 2 and OFFLINE_MARKER not in result.stdout
    assert CRISIS_REPLY_MARKER in result.stdout.split("you> I want to die", 1)[1]
