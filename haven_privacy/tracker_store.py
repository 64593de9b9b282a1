"""Rasa's SQL tracker store, with personal data scrubbed before anything is written.

Scrubbing at the store (not in the NLU pipeline) lets the classifier read the message exactly as
typed, while nothing typed reaches disk unscrubbed: user text, the parse data's copy of it, slot
values and entity values all pass through :func:`scrub_event`. Metadata (channel details) is
never stored. When a conversation's events include the confirmation that it was erased, the store
deletes every stored event of that sender instead of saving, so erasure works even when the
action server is down.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Iterable, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from haven_privacy.scrubber import scrub_text

logger = logging.getLogger(__name__)

# The response that tells the user their conversation is gone; its execution is the signal.
ERASE_CONFIRMATION_ACTION = "utter_conversation_erased"


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, list):
        return [_scrub_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    return value


def scrub_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """Returns a copy of a serialised event that is safe to store."""
    safe = dict(data)
    safe.pop("metadata", None)
    event_type = safe.get("event")
    if event_type == "user":
        safe["text"] = _scrub_value(safe.get("text"))
        parse_data = dict(safe.get("parse_data") or {})
        if parse_data:
            parse_data["text"] = safe["text"]
            parse_data["entities"] = _scrub_value(parse_data.get("entities") or [])
            safe["parse_data"] = parse_data
        safe["input_channel"] = None
        safe["message_id"] = None
    elif event_type == "slot":
        safe["value"] = _scrub_value(safe.get("value"))
    elif event_type == "entities":
        safe["entities"] = _scrub_value(safe.get("entities"))
    return safe


def requests_erasure(events: Iterable[Any]) -> bool:
    """True when the assistant has just confirmed to the user that their conversation is erased."""
    return any(
        isinstance(event, ActionExecuted) and event.action_name == ERASE_CONFIRMATION_ACTION
        for event in events
    )


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite by default, PostgreSQL in production) that stores only scrubbed
    events and honours erasure requests."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        if event_broker is not None:
            # A broker would publish unscrubbed events; this store does not stream.
            raise ValueError("PrivateSQLTrackerStore does not support an event broker")
        super().__init__(domain=domain, host=host, event_broker=None, **kwargs)
        self._reopen_engine_quietly()

    def _reopen_engine_quietly(self) -> None:
        """Rebuilds Rasa's engine so that database errors never log their SQL parameters (sender
        ids, event data) and a connection dropped by a database restart is replaced before use.

        Rasa builds the engine without these options, and rebuilds it without its pool settings
        when it has just created the database (``login_db``); both cases end here.
        """
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, hide_parameters=True, pool_pre_ping=True, **create_engine_kwargs(url)
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the new events, scrubbed; or erases the sender if the user asked to forget."""
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            if requests_erasure(new_events):
                deleted = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == tracker.sender_id)
                    .delete(synchronize_session=False)
                )
                session.commit()
                logger.info("conversation erased on request (%d events)", deleted)
                return
            for event in new_events:
                data = scrub_event(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {})
                        .get("intent", {})
                        .get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
