"""Rasa's Redis lock store, made safe for several replicas.

Rasa Open Source 3.6's `RedisLockStore` changes a conversation's lock by reading it, changing it
in Python and writing it back, in separate Redis commands. Two replicas that receive messages of
one conversation at the same moment can interleave those steps: one replica's write then erases
the other's ticket, or leaves behind a ticket that was already served. The conversation then
waits for that ticket to expire (60 s) before it answers again, or two messages are processed at
once. (Rasa fixed this only in its commercial edition, RasaHQ/rasa#11256.) A child waiting a
minute for a reply is harm, so here every change of a lock is one optimistic Redis transaction
(WATCH / MULTI / EXEC, retried when another replica changed the lock in between). The stored
format is Rasa's own, so replicas of either class read each other's locks.
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError, WatchError

Result = TypeVar("Result")
# A change of one lock: takes the stored lock (None when there is none) and returns the lock to
# store (None to delete it) and a result for the caller.
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket issuing, expiry and release are each one Redis transaction.

    Configured in `endpoints.production.yml` as `type: haven_scale.lock_store.AtomicRedisLockStore`
    with the same keys as Rasa's `type: redis`.
    """

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa builds custom lock stores from their endpoint configuration alone."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: LockChange) -> Result:
        """Applies `change` to the stored lock so that no other replica writes in between."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed, result = change(lock)
                    pipe.multi()
                    if changed is not None:
                        pipe.set(key, changed.dumps())
                    elif lock is not None:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another replica changed this lock; read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issues the next ticket of the conversation, creating its lock when there is none."""

        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except RedisError as error:
            raise LockError(f"Error while acquiring lock: {type(error).__name__}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drops the conversation's expired tickets (a replica that died holding one)."""

        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket, keeping the lock for the tickets still waiting."""

        def remove(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket and, in the same transaction, the lock once nobody waits.

        Rasa does these as two steps; between them another replica could issue a ticket whose
        lock this replica then deleted, and that replica's message would fail with a LockError.
        """

        def release(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, release)
