"""A terminal chat with Haven through the same path as every channel: the REST channel of a running
Rasa server, which calls the action server.

Interactive when standard input is a terminal; otherwise it reads one message per line, prints the
replies after each, and exits (``printf 'hi\\nI want to die\\n' | make chat``). Buttons are shown
as numbered options; typing the number sends that button. Each line's language (English or
Traditional Chinese, from its script) goes to Rasa as metadata, as the Telegram bot does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from contextlib import ExitStack
from typing import List, Optional, TextIO

import httpx

from bot.fallback import offline_reply
from bot.local_stack import LocalStack, answers
from bot.rasa_client import BotReply, Button, RasaClient
from haven_nlu.language import DEFAULT_LANGUAGE, detect_language

RASA_PORT = int(os.environ.get("HAVEN_RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("HAVEN_ACTIONS_PORT", "5055"))


def render_replies(replies: List[BotReply]) -> str:
    """Formats replies for a terminal, buttons as numbered options."""
    lines: List[str] = []
    number = 0
    for reply in replies:
        if reply.text:
            lines.append(f"haven> {reply.text}".replace("\n", "\n       "))
        for button in reply.buttons:
            number += 1
            lines.append(f"       [{number}] {button.title}")
    return "\n".join(lines)


def resolve_button_choice(text: str, buttons: List[Button]) -> str:
    """Returns the payload of the numbered button the user typed, or the text itself."""
    choice = text.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        return buttons[int(choice) - 1].payload
    return text


class LocalChat:
    """One local conversation: a pseudonymous sender id, the buttons last shown, and the
    language of the last line whose script told (English until one does)."""

    def __init__(self, client: RasaClient, out: TextIO = sys.stdout) -> None:
        self.client = client
        self.out = out
        self.sender_id = f"local-{secrets.token_hex(8)}"
        self.buttons: List[Button] = []
        self.language = DEFAULT_LANGUAGE

    async def send_and_print(self, text: str) -> None:
        """Sends one line (or the button it names) and prints the replies; when the assistant
        cannot answer, prints the offline reply with emergency contacts instead of failing."""
        self.language = detect_language(text) or self.language
        message = resolve_button_choice(text, self.buttons)
        offline = offline_reply(self.language)
        try:
            replies = await self.client.send(self.sender_id, message, self.language)
        except (httpx.HTTPError, ValueError):
            replies = [BotReply(text=offline)]
        self.buttons = [button for reply in replies for button in reply.buttons]
        print(render_replies(replies) or f"haven> {offline}", file=self.out, flush=True)


async def _chat(rasa_url: str, stream: TextIO) -> None:
    interactive = stream.isatty()
    async with RasaClient(rasa_url) as client:
        chat = LocalChat(client)
        if interactive:
            print("Type a message (or a button number). Ctrl-D or /quit to leave.", flush=True)
        while True:
            if interactive:
                try:
                    line = input("you> ")
                except EOFError:
                    break
            else:
                line = stream.readline()
                if not line:
                    break
                line = line.rstrip("\n")
                print(f"you> {line}", flush=True)
            if interactive and line.strip() == "/quit":
                break
            await chat.send_and_print(line)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", default=None, help="use an already running Rasa server")
    args = parser.parse_args(argv)
    stack = LocalStack(rasa_port=RASA_PORT, actions_port=ACTIONS_PORT)
    rasa_url = args.rasa_url or stack.rasa_url
    with ExitStack() as cleanup:
        if not args.rasa_url and not answers(f"{rasa_url}/"):
            print("Starting the assistant (about 30 seconds)...", file=sys.stderr, flush=True)
            try:
                cleanup.enter_context(stack)
            except (RuntimeError, TimeoutError, OSError) as error:
                # Still chat: every message then gets the offline reply with emergency contacts.
                print(f"The assistant could not start ({error}).", file=sys.stderr, flush=True)
        asyncio.run(_chat(rasa_url, sys.stdin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
