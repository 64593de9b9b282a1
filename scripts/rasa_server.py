"""Runs `rasa run` with Haven's limit on how long a custom action may take.

Rasa 3.6 waits up to 300 s for the action server, hard-coded. A child must never wait that long:
urgent replies are static and come first, and anything the action server adds after them is
dropped after HAVEN_ACTION_TIMEOUT seconds (2 by default) so the reply is sent without it.
It also keeps message text out of Rasa's channel error logs (``haven_privacy.log_privacy``).
"""

from __future__ import annotations

import os
import sys

ACTION_TIMEOUT_ENV = "HAVEN_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT_SECONDS = 2.0


def action_timeout_seconds() -> float:
    """Seconds Rasa waits for one custom action before giving up on it."""
    return float(os.environ.get(ACTION_TIMEOUT_ENV) or DEFAULT_ACTION_TIMEOUT_SECONDS)


def main() -> None:
    import rasa.core.actions.action as rasa_actions
    from rasa.__main__ import main as rasa_main

    from haven_privacy.log_privacy import withhold_message_text_in_rasa_logs

    rasa_actions.DEFAULT_REQUEST_TIMEOUT = action_timeout_seconds()
    withhold_message_text_in_rasa_logs()
    sys.argv = ["rasa", "run", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
