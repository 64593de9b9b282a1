"""Retention and erasure on the tracker database: `make purge` and `python -m
haven_privacy.retention forget`.

Conversations are kept only as long as they are useful to the child (default 30 days) and any
single conversation can be erased on request, whether it lives in SQLite or PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from bot.pseudonym import Pseudonymizer
from haven_privacy.tracker_store import PrivateSQLTrackerStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
RETENTION_DAYS_ENV = "HAVEN_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30
_SECONDS_PER_DAY = 86_400


def retention_days(environ: Optional[dict] = None) -> int:
    """The configured retention period in days (HAVEN_RETENTION_DAYS, default 30)."""
    value = (environ if environ is not None else os.environ).get(RETENTION_DAYS_ENV)
    days = int(value) if value else DEFAULT_RETENTION_DAYS
    if days < 1:
        raise ValueError(f"{RETENTION_DAYS_ENV} must be at least 1 day")
    return days


def open_store(endpoints: Path = DEFAULT_ENDPOINTS) -> SQLTrackerStore:
    """Opens the tracker store configured in endpoints.yml (creating its tables if needed)."""
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None:
        raise SystemExit(f"{endpoints} has no tracker_store section")
    return PrivateSQLTrackerStore(host=config.url, **config.kwargs)


def purge_older_than(store: SQLTrackerStore, days: int, now: Optional[float] = None) -> int:
    """Deletes every stored event older than `days`; returns how many were deleted."""
    cutoff = (now if now is not None else time.time()) - days * _SECONDS_PER_DAY
    with store.session_scope() as session:
        deleted = (
            session.query(store.SQLEvent)
            .filter(store.SQLEvent.timestamp < cutoff)
            .delete(synchronize_session=False)
        )
        session.commit()
    return deleted


def erase_sender(store: SQLTrackerStore, sender_id: str) -> int:
    """Deletes every stored event of one conversation; returns how many were deleted."""
    with store.session_scope() as session:
        deleted = (
            session.query(store.SQLEvent)
            .filter(store.SQLEvent.sender_id == sender_id)
            .delete(synchronize_session=False)
        )
        session.commit()
    return deleted


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS)
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge", help="delete conversations older than the period")
    purge.add_argument("--days", type=int, default=None)
    forget = commands.add_parser("forget", help="erase one conversation by its pseudonym")
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--sender-id", help="the pseudonymous sender id as stored")
    who.add_argument(
        "--telegram-user", help="a Telegram user id; its pseudonym is computed, never stored"
    )
    args = parser.parse_args(argv)
    store = open_store(args.endpoints)
    if args.command == "purge":
        days = args.days if args.days is not None else retention_days()
        deleted = purge_older_than(store, days)
        print(f"purged {deleted} events older than {days} days")
    else:
        sender_id = args.sender_id or Pseudonymizer().sender_id("telegram", args.telegram_user)
        deleted = erase_sender(store, sender_id)
        print(f"erased {deleted} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
