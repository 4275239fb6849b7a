"""The cluster profile's stores: consented conversations in PostgreSQL, the others in Redis, Rasa's lock in Redis.

Nothing of a conversation stays in a replica's memory, so any replica serves any message. A conversation without
consent is a Redis key that expires UNSTORED_TTL_S after its latest message; Redis runs without persistence
(bot/app/services.py), so it never reaches a disk. The consent, deletion and crisis-event rules are
ConsentTrackerStore's own (components/tracker_store.py), unchanged. Both Redis clients retry a command once on a
fresh connection, and PostgreSQL connections are tested before use, so after a restart of either the first message
does not fail on a connection the server has closed; while one is down, messages get the channel's apology.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import redis
import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from redis.backoff import NoBackoff
from redis.retry import Retry

from components.tracker_store import ConsentTrackerStore

UNSTORED_TTL_S = int(os.environ.get("INTAKE_UNSTORED_TTL_S", 24 * 3600))  # a day after a conversation's last message
UNSTORED_PREFIX = "intake:unstored:"
RECORDED_PREFIX = "intake:recorded:"  # the latest crisis or handoff reply recorded per conversation
TIMEOUT_S = 5


def redis_client(host: str | None, port: int | str, password: str | None, db: int | str = 0,
                 decode: bool = True) -> redis.Redis:
    """A client that gives up after TIMEOUT_S and retries a command once when its connection was closed."""
    return redis.Redis(host=host or "127.0.0.1", port=int(port), password=password or None, db=int(db),
                       decode_responses=decode, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S,
                       retry=Retry(NoBackoff(), 1), retry_on_error=[redis.ConnectionError])


class RedisMapping(MutableMapping):
    """A dict of texts kept in Redis under a key prefix; an entry expires `ttl` seconds after it was last set."""

    def __init__(self, client: redis.Redis, prefix: str, ttl: int) -> None:
        self.client, self.prefix, self.ttl = client, prefix, int(ttl)

    def __getitem__(self, key: str) -> str:
        value = self.client.get(self.prefix + key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: str) -> None:
        self.client.set(self.prefix + key, value, ex=self.ttl)

    def __delitem__(self, key: str) -> None:
        if not self.client.delete(self.prefix + key):
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.client.exists(self.prefix + key))

    def __iter__(self) -> Iterator[str]:
        return (key[len(self.prefix):] for key in self.client.scan_iter(match=self.prefix + "*", count=500))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove and return in one command (an entry may expire between two)."""
        value = self.client.getdel(self.prefix + key)
        if value is None:
            if default:
                return default[0]
            raise KeyError(key)
        return value

    def trim(self, limit: int) -> None:
        """Nothing to do: entries expire, and Redis's maxmemory policy drops the least recently used first."""


class ClusterTrackerStore(ConsentTrackerStore):
    """ConsentTrackerStore with SQL in PostgreSQL, conversations without consent in Redis, and no in-process copy."""

    def __init__(self, domain: Domain | None = None, redis_host: str | None = None, redis_port: int | str = 6379,
                 redis_password: str | None = None, redis_db: int | str = 0, unstored_ttl: int = UNSTORED_TTL_S,
                 **kwargs: Any) -> None:
        client = redis_client(redis_host, redis_port, redis_password, redis_db)
        super().__init__(domain, unstored=RedisMapping(client, UNSTORED_PREFIX, unstored_ttl),
                         recorded=RedisMapping(client, RECORDED_PREFIX, unstored_ttl), cache=False, **kwargs)
        self.check_connections_before_use()

    def check_connections_before_use(self) -> None:
        """Rasa's engine, with each pooled connection tested before use and replaced when PostgreSQL has closed it
        (a server restart, pg_terminate_backend), so the message that follows does not fail on it."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


class ClusterLockStore(RedisLockStore):
    """Rasa's Redis lock store (`type: components.cluster_stores.ClusterLockStore` in endpoints), reconnecting, and
    with every change of a conversation's lock made atomically in Redis.

    Rasa's own reads the lock, changes it and writes it back: two replicas issuing tickets at the same moment
    could both take the same ticket, or one could delete the lock under a ticket just issued, and a message then
    waited for a ticket's 60 s lifetime or failed. Here each change is a Redis transaction on the lock's key
    (WATCH / MULTI, retried when another replica changed it in between).
    """

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = endpoint_config.kwargs
        super().__init__(host=endpoint_config.url or "127.0.0.1", **options)
        self.red = redis_client(endpoint_config.url, options.get("port", 6379), options.get("password"),
                                options.get("db", 1), decode=False)

    def change_lock(self, conversation_id: str,
                    change: Callable[[TicketLock | None], tuple[Any, TicketLock | None]]) -> Any:
        """Apply `change` (the lock, or None, to what it returns and the new lock, None to delete it) atomically."""
        key = self.key_prefix + conversation_id
        outcome: list = [None]

        def transaction(pipe: redis.client.Pipeline) -> None:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            outcome[0], changed = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())

        self.red.transaction(transaction, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self.change_lock(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def without_expired(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock

        self.change_lock(conversation_id, without_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.change_lock(conversation_id, lambda lock: (None, lock and removed(lock, ticket_number)))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket, and the lock with it when nobody else waits, in one step."""
        def finished(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock:
                removed(lock, ticket_number)
            return None, lock if lock and lock.is_someone_waiting() else None

        self.change_lock(conversation_id, finished)


def removed(lock: TicketLock, ticket_number: int) -> TicketLock:
    lock.remove_ticket_for(ticket_number)
    return lock
