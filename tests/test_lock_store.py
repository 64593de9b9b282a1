"""The production lock store serialises a conversation across replicas (real Redis).

Several processes, each with its own connection like a replica, take the lock of one
conversation over and over. Inside the lock a Redis counter must read 1 (nobody else inside);
no take may fail or wait for a ticket to expire. Rasa's own RedisLockStore breaks this within a
few hundred takes (lost tickets: two inside at once, LockErrors, or waits until a stale ticket
expires; `python -m scripts.lock_race` prints both side by side).
"""

from __future__ import annotations

import os
import secrets

import pytest

from scripts.lock_race import ATOMIC, RaceReport, race
from tests.helpers import reachable

REDIS_DB = 15  # the production profile uses db 1; tests never touch it


if not reachable(6379):
    if os.environ.get("CI"):
        raise RuntimeError("Redis (127.0.0.1:6379) is not reachable; CI must run these tests")
    pytestmark = pytest.mark.skip(reason="Redis (127.0.0.1:6379) is not reachable")


@pytest.fixture(scope="module")
def report() -> RaceReport:
    return race(ATOMIC, prefix=f"haventestlock{secrets.token_hex(4)}", db=REDIS_DB)


def test_only_one_replica_is_inside_a_conversation_at_a_time(report: RaceReport) -> None:
    assert report.takes == report.expected_takes
    assert report.overlaps == 0, report


def test_no_take_fails_or_waits_for_a_ticket_to_expire(report: RaceReport) -> None:
    assert report.lock_errors == 0, report
    assert report.stalls == 0, report


def test_the_lock_is_gone_when_everyone_is_done(report: RaceReport) -> None:
    assert report.locks_left == 0, report
