"""Races several processes for the lock of one conversation, the way Rasa replicas do.

Each process builds its lock store from an endpoint configuration, as Rasa does at start-up, and
takes the lock of one conversation again and again. Inside the lock it increments a Redis counter
that must read 1; a take that waits longer than a stall limit waited for someone else's lost
ticket to expire. Prints Rasa's RedisLockStore beside Haven's AtomicRedisLockStore:

    .venv/bin/python -m scripts.lock_race [--processes 4] [--takes 150]

Needs Redis on 127.0.0.1:6379 (database 15, keys under a random prefix; `race` removes them).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import secrets
import time
from dataclasses import dataclass
from typing import Dict, Tuple

ATOMIC = "haven_scale.lock_store.AtomicRedisLockStore"
RASA = "redis"
CONVERSATION = "race"


@dataclass
class RaceReport:
    """What happened over all processes."""

    store: str
    expected_takes: int
    takes: int
    overlaps: int
    lock_errors: int
    stalls: int
    hangs: int
    longest_wait: float
    locks_left: int
    seconds: float


def _take_repeatedly(
    store_type: str,
    prefix: str,
    db: int,
    takes: int,
    lifetime: float,
    stall_after: float,
    budget: float,
) -> Dict[str, float]:
    """One replica: takes the conversation's lock `takes` times, or as often as it can within
    `budget` seconds, and counts what went wrong."""
    import redis
    from rasa.core.lock_store import LockError, LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", type=store_type, port=6379, db=db, key_prefix=prefix)
    store = LockStore.create(config)
    counter = redis.Redis(host="127.0.0.1", port=6379, db=db)
    inside_key = f"{prefix}:inside"
    tally = dict(takes=0, overlaps=0, lock_errors=0, stalls=0, hangs=0, longest_wait=0.0)

    async def take_once() -> None:
        asked = time.monotonic()
        async with store.lock(CONVERSATION, lifetime, wait_time_in_seconds=0.005):
            waited = time.monotonic() - asked
            tally["longest_wait"] = max(tally["longest_wait"], waited)
            tally["stalls"] += waited > stall_after
            tally["overlaps"] += counter.incr(inside_key) != 1
            await asyncio.sleep(0.002)  # the work done under the lock
            counter.decr(inside_key)
            tally["takes"] += 1

    async def run() -> None:
        deadline = time.monotonic() + budget
        for _ in range(takes):
            if time.monotonic() > deadline:
                break
            try:
                # No ticket outlives its lifetime, so a take still waiting after three lifetimes
                # would wait forever: its ticket was lost and the request is never answered.
                await asyncio.wait_for(take_once(), timeout=3 * lifetime)
            except LockError:
                tally["lock_errors"] += 1
            except asyncio.TimeoutError:
                tally["hangs"] += 1

    asyncio.run(run())
    counter.close()
    return tally


def _worker(arguments: Tuple, results: multiprocessing.Queue) -> None:
    results.put(_take_repeatedly(*arguments))


def race(
    store_type: str,
    prefix: str,
    db: int = 15,
    processes: int = 4,
    takes: int = 150,
    lifetime: float = 5.0,
    stall_after: float = 2.0,
    budget: float = 60.0,
) -> RaceReport:
    """Runs the race in fresh processes (spawned, so none inherits another's connections)."""
    import redis

    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = context.Queue()
    arguments = (store_type, prefix, db, takes, lifetime, stall_after, budget)
    started = time.monotonic()
    workers = [context.Process(target=_worker, args=(arguments, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    tallies = [results.get(timeout=budget + 3 * lifetime + 120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    seconds = time.monotonic() - started

    client = redis.Redis(host="127.0.0.1", port=6379, db=db)
    try:
        locks_left = sum(1 for _ in client.scan_iter(f"{prefix}:lock:*"))
    finally:
        for key in client.scan_iter(f"{prefix}*"):  # the race's own keys only
            client.delete(key)
        client.close()
    return RaceReport(
        store=store_type,
        expected_takes=processes * takes,
        takes=int(sum(t["takes"] for t in tallies)),
        overlaps=int(sum(t["overlaps"] for t in tallies)),
        lock_errors=int(sum(t["lock_errors"] for t in tallies)),
        stalls=int(sum(t["stalls"] for t in tallies)),
        hangs=int(sum(t["hangs"] for t in tallies)),
        longest_wait=max(t["longest_wait"] for t in tallies),
        locks_left=locks_left,
        seconds=seconds,
    )


def main() -> None:
    """Prints both stores' reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--takes", type=int, default=150)
    options = parser.parse_args()
    for store_type in (RASA, ATOMIC):
        prefix = f"haventestlock{secrets.token_hex(4)}"
        report = race(store_type, prefix, processes=options.processes, takes=options.takes)
        print(
            f"{report.store:45} takes {report.takes}/{report.expected_takes}  "
            f"two inside at once {report.overlaps}  lock errors {report.lock_errors}  "
            f"stalls {report.stalls}  hangs {report.hangs}  "
            f"longest wait {report.longest_wait:.2f}s  locks left {report.locks_left}  "
            f"({report.seconds:.1f}s)"
        )


if __name__ == "__main__":
    main()
