"""Keeps message text out of Rasa's own error logs.

Rasa 3.6's REST channel logs "An exception occured while handling user message '<text>'" when
processing fails (for example while the database restarts), and such an exception's traceback
can carry the text too. The filter below rewrites every warning or error from Rasa's channels to
the exception type alone. SQL parameters (sender ids, event data) are kept out of database
errors by the tracker store itself (``hide_parameters``, see ``tracker_store.py``).
"""

from __future__ import annotations

import logging

# Loggers whose warning and error lines may quote what the user typed.
MESSAGE_QUOTING_LOGGERS = ("rasa.core.channels.rest", "rasa.core.channels.channel")
WITHHELD = "error while handling a user message (%s; message text withheld)"


class WithholdMessageText(logging.Filter):
    """Replaces a channel's warning or error line by the exception type, without text or
    traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            error = record.exc_info[0] if record.exc_info else None
            error_type = error.__name__ if error else "no exception"
            record.msg = WITHHELD
            record.args = (error_type,)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


def withhold_message_text_in_rasa_logs() -> None:
    """Installs the filter on the loggers that quote user messages (idempotent)."""
    for name in MESSAGE_QUOTING_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, WithholdMessageText) for existing in logger.filters):
            logger.addFilter(WithholdMessageText())
