"""Rasa's SQL tracker store with the privacy rules of bot.conversation.privacy.

A conversation is written to SQL only once the person consents; until then (or after they decline) it is kept
apart for the chat alone: in this process's memory here, in Redis in the cluster profile
(components/cluster_stores.py). When "delete my information" is confirmed, the conversation and every intake row
of it are erased. Here stored conversations are also kept in memory as live objects (this server is their only
writer), so a message neither reloads nor replays its conversation; the cluster profile keeps no such copy. Crisis
responses (not safety questions) and handoff requests are recorded here (kind, category, time; never the text), so
they are kept even when the action server is down; anonymously once the person has declined. A store that fails
raises, and the channel answers with the apology (Rasa's own wrapper would go on with an empty conversation instead).
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import MutableMapping
from typing import Any, Iterable, Iterator

import sqlalchemy
import sqlalchemy.orm
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.app.retention import past_retention
from bot.conversation.privacy import CONSENT_SLOT, ERASE_RESPONSE, may_store, stored_conversation_id
from bot.records.storage import EVENT_KINDS, default_db, delete_conversation, record_event

logger = logging.getLogger(__name__)

MAX_UNSTORED_CONVERSATIONS = 10_000
MAX_LIVE_CONVERSATIONS = 1_000  # stored conversations kept as objects; older ones are read back from SQL


def current_turn(tracker: DialogueStateTracker) -> list:
    """The events since the latest user message (the turn being saved)."""
    turn: list = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        turn.append(event)
    return turn[::-1]


def erase_requested(turn: list) -> bool:
    """True when this turn confirmed "delete my information"."""
    return any(isinstance(e, ActionExecuted) and e.action_name == ERASE_RESPONSE for e in turn)


def consent_changed(turn: list) -> bool:
    """True when this turn set the consent slot."""
    return any(isinstance(e, SlotSet) and e.key == CONSENT_SLOT for e in turn)


class RecentlyUsed(OrderedDict):
    """A dict that keeps its entries in the order they were last set, so the oldest can be dropped first."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)

    def trim(self, limit: int) -> None:
        """Drop the least recently set entries beyond `limit`."""
        while len(self) > limit:
            self.popitem(last=False)


class LiveTrackers:
    """Stored conversations as the objects last saved, so a message neither parses nor replays its conversation;
    one changed since its save (a turn that failed half-way) is not handed out again."""

    def __init__(self, limit: int = MAX_LIVE_CONVERSATIONS) -> None:
        self.store: RecentlyUsed = RecentlyUsed()
        self.limit = limit

    def keep(self, tracker: DialogueStateTracker) -> None:
        self.store[tracker.sender_id] = (tracker, len(tracker.events))
        self.store.trim(self.limit)

    def get(self, sender_id: str) -> DialogueStateTracker | None:
        tracker, saved_events = self.store.get(sender_id, (None, 0))
        if tracker is not None and len(tracker.events) != saved_events:
            self.store.pop(sender_id, None)
            return None
        return tracker


def event_row(sender_id: str, event: Any) -> dict:
    """An event as Rasa's SQL tracker store writes it (`SQLTrackerStore.save`)."""
    data = event.as_dict()
    return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": data.get("name"), "data": json.dumps(data)}


def kept_open(url: Any) -> sqlalchemy.engine.Engine:
    """A SQLite engine that keeps its connection open (SQLAlchemy 1.4 opens the file for every session) and writes
    ahead to a log, synced to disk at checkpoints (synchronous NORMAL): a save survives the server being killed, and
    the file is never corrupted; a power cut can lose the last moments' saves. With a sync on every commit (FULL) a
    saturated server served about 6% fewer messages a second (docs/performance.md)."""
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.QueuePool, pool_size=1, max_overflow=4,
                                      connect_args={"check_same_thread": False})

    @sqlalchemy.event.listens_for(engine, "connect")
    def write_ahead(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 5000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


def kept_in(domain: Domain | None, entries: MutableMapping) -> InMemoryTrackerStore:
    """Rasa's in-memory tracker store over `entries` (serialised conversations by id): memory, or Redis."""
    store = InMemoryTrackerStore(domain or Domain.empty())
    store.store = entries
    return store


class ConsentTrackerStore(SQLTrackerStore):
    """Stores a conversation in SQL only with consent; erases it on request."""

    def __init__(self, domain: Domain | None = None, max_unstored: int = MAX_UNSTORED_CONVERSATIONS,
                 unstored: MutableMapping | None = None, recorded: MutableMapping | None = None,
                 cache: bool = True, **kwargs: Any) -> None:
        self.unstored = kept_in(domain, RecentlyUsed() if unstored is None else unstored)  # without consent
        self.cached = LiveTrackers() if cache else None  # with consent: SQL, plus the live objects
        self.max_unstored = int(max_unstored)
        self.recorded_until: MutableMapping = RecentlyUsed() if recorded is None else recorded
        raise_store_errors()
        super().__init__(domain=domain, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine = kept_open(self.engine.url)
            self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        for store in (getattr(self, "unstored", None), getattr(self, "cached", None)):
            if store is not None:
                store.domain = self._domain

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Erase, keep in memory, or write to SQL, as the person's choices say."""
        sender = tracker.sender_id
        turn = current_turn(tracker)
        if erase_requested(turn):
            self.erase(sender)
            return
        consent = tracker.get_slot(CONSENT_SLOT)
        self.record_safety_events(sender, turn, consent)
        if may_store(consent):
            self.unstored.store.pop(sender, None)
            await self.stream_events(tracker)
            self.write_events(tracker)
            if self.cached is not None:
                self.cached.keep(tracker)
            return
        if consent_changed(turn):
            if self.cached is not None:
                self.cached.store.pop(sender, None)
            self.delete_sql_events(sender)  # consent withdrawn: nothing stays in the database
        await self.remember(self.unstored, tracker)

    def write_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQL save (`SQLTrackerStore.save`, the same rows) as one insert, not an ORM object per event. (Run in a
        worker thread instead, it served fewer messages a second: the threads contend for the interpreter.)"""
        with self.session_scope() as session:
            rows = [event_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(sqlalchemy.insert(self.SQLEvent.__table__), rows)
                session.commit()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events not yet written: after those of the last save when this is the object saved then (no count
        query), else as Rasa counts them in SQL."""
        kept = self.cached.store.get(tracker.sender_id) if self.cached is not None else None
        if kept is not None and kept[0] is tracker and kept[1] <= len(tracker.events):
            return itertools.islice(tracker.events, kept[1], len(tracker.events))
        return super()._additional_events(session, tracker)

    async def remember(self, store: InMemoryTrackerStore, tracker: DialogueStateTracker) -> None:
        """Keep the conversation in `store`, dropping the least recently used beyond the limit."""
        await store.save(tracker)
        store.store.trim(self.max_unstored)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation kept without consent, else a copy of a stored one in memory, else from SQL. A copy in
        memory older than the retention is dropped: the purge has deleted (or will delete) it from SQL, and it
        must not be written back when its person writes again."""
        kept = [await self.unstored.retrieve(sender_id) if sender_id in self.unstored.store else None,
                self.cached.get(sender_id) if self.cached is not None else None]
        for store, tracker in zip((self.unstored, self.cached), kept, strict=True):
            if tracker is not None:
                if not past_retention(tracker.events[-1].timestamp if tracker.events else None):
                    return tracker
                store.store.pop(sender_id, None)
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every session of the conversation, from memory or SQL."""
        if conversation_id in self.unstored.store:
            return await self.unstored.retrieve_full_tracker(conversation_id)
        return await super().retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        """Conversation ids held in memory and in SQL."""
        return list(self.unstored.store) + [key for key in await super().keys() if key not in self.unstored.store]

    def erase(self, sender_id: str) -> None:
        """Forget the conversation everywhere: memory, tracker database, intake database."""
        self.unstored.store.pop(sender_id, None)
        if self.cached is not None:
            self.cached.store.pop(sender_id, None)
        self.recorded_until.pop(sender_id, None)
        self.delete_sql_events(sender_id)
        deleted = delete_conversation(default_db(), sender_id)
        logger.info("Erased a conversation on request (%d intake rows).", sum(deleted.values()))

    def delete_sql_events(self, sender_id: str) -> None:
        """Delete the conversation's rows from the tracker database."""
        with self.session_scope() as session:
            if self.engine.dialect.name == "sqlite":  # overwritten, not left in the file's free pages
                session.execute(sqlalchemy.text("PRAGMA secure_delete = ON"))
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
            if self.engine.dialect.name == "sqlite":  # and the deleted rows leave the write-ahead log
                session.execute(sqlalchemy.text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def record_safety_events(self, sender: str, turn: list, consent: object) -> None:
        """Record each crisis response and handoff of this turn not yet recorded (no message text)."""
        since = float(self.recorded_until.get(sender, 0.0))
        for event in turn:
            if not isinstance(event, BotUttered) or event.timestamp <= since:
                continue
            custom = (event.data or {}).get("custom") or {}
            kind = custom.get("type") if isinstance(custom, dict) else None
            if kind in EVENT_KINDS and not custom.get("follow_up") and not custom.get("check"):
                try:
                    record_event(default_db(), kind, stored_conversation_id(sender, consent),
                                 str(custom.get("category") or "unspecified"))
                except Exception as error:  # recording must never block the conversation
                    logger.error("Could not record a %s event (%s).", kind, type(error).__name__)
            self.recorded_until[sender] = repr(event.timestamp)
        self.recorded_until.trim(self.max_unstored)


def reraise(error: Exception) -> None:
    raise error


def raise_store_errors() -> None:
    """Let a failing ConsentTrackerStore raise through Rasa's FailSafeTrackerStore (idempotent).

    The wrapper would otherwise answer a failed read with an empty conversation, which the turn then saves over
    the person's own (or keeps in one replica's memory); raised, the error reaches the channel, which apologises.
    """
    from rasa.core.agent import Agent

    create = Agent._create_tracker_store
    if getattr(create, "raises_store_errors", False):
        return

    def create_tracker_store(store: Any, domain: Domain) -> Any:
        wrapped = create(store, domain)
        if isinstance(store, ConsentTrackerStore) and isinstance(wrapped, FailSafeTrackerStore):
            wrapped._on_tracker_store_error = reraise
        return wrapped

    create_tracker_store.raises_store_errors = True
    Agent._create_tracker_store = staticmethod(create_tracker_store)
