"""The records' tables, defined once: names, columns and their types, primary keys, indexes.

Both backends create their tables from here (bot/records/sqlite_records.py, postgres_records.py). A column's type
is a Python type (str, int, float); a table whose primary key is an int column numbers its rows itself.
Timestamps are ISO 8601 UTC text (bot.records.storage.now), JSON is text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Index:
    """An index on one or more columns."""

    columns: tuple[str, ...]
    unique: bool = False

    def name(self, table: str) -> str:
        """idx_<table>_<columns>, as sqlite-utils names it."""
        return f"idx_{table}_{'_'.join(self.columns)}"


@dataclass(frozen=True)
class Table:
    """One table: columns in order with their types, the primary key, indexes, references to other tables."""

    name: str
    columns: tuple[tuple[str, type], ...]
    pk: str | None = None
    indexes: tuple[Index, ...] = ()
    references: tuple[tuple[str, str, str], ...] = ()  # (column, other table, its column)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    @property
    def numbered(self) -> bool:
        """True when the database gives each new row its id (an int primary key)."""
        return self.pk is not None and dict(self.columns)[self.pk] is int


def columns(**types: type) -> tuple[tuple[str, type], ...]:
    return tuple(types.items())


INTAKES = Table("intakes", columns(
    intake_id=str, conversation_id=str, level=str, track=str, review=int, criteria=str, reasons=str, sources=str,
    missing=str, rule_version=str, consent_version=str, consented_at=str, started_at=str, completed_at=str),
    pk="intake_id", indexes=(Index(("conversation_id",)), Index(("level",)), Index(("completed_at",))))
EVENTS = Table("events", columns(id=int, kind=str, conversation_id=str, category=str, status=str, created_at=str),
               pk="id")
CALLBACKS = Table("callbacks", columns(
    id=int, conversation_id=str, first_name=str, contact=str, contact_kind=str, best_time=str, consent_version=str,
    created_at=str, erased_at=str), pk="id", indexes=(Index(("conversation_id",)),))
QUEUE_ITEMS = Table("queue_items", columns(
    id=int, kind=str, ref=str, conversation_id=str, reference=str, category=str, created_at=str, status=str,
    assignee=str, updated_at=str),
    pk="id", indexes=(Index(("kind", "ref"), unique=True), Index(("status", "created_at")), Index(("reference",))))
QUEUE_HISTORY = Table("queue_history", columns(
    id=int, item_id=int, conversation_id=str, at=str, counselor=str, change=str, note=str),
    pk="id", indexes=(Index(("item_id",)),))
DISPOSITIONS = Table("dispositions", columns(
    intake_id=str, disposition=str, note=str, counselor=str, updated_at=str, placed_level=str), pk="intake_id")
AUDIT = Table("audit", columns(id=int, at=str, counselor=str, action=str, target=str, detail=str), pk="id",
              indexes=(Index(("at",)),))

RUNS = Table("runs", columns(
    id=int, started_at=str, finished_at=str, inputs=str, out_dir=str, workers=int, model=str, rule_version=str,
    files=int, calls=int, errors=int, agreement=float, seconds=float, figures=str), pk="id")
CALLS = Table("calls", columns(
    run_id=int, call_id=str, source=str, disposition=str, level=str, agrees=int, track=str, review=int, crisis=str,
    missing=str, criteria=str, detail=str), indexes=(Index(("run_id",)),), references=(("run_id", "runs", "id"),))
ERRORS = Table("errors", columns(run_id=int, call_id=str, source=str, line=int, reason=str),
               indexes=(Index(("run_id",)),), references=(("run_id", "runs", "id"),))

RECORDS = (INTAKES, EVENTS, CALLBACKS, QUEUE_ITEMS, QUEUE_HISTORY, DISPOSITIONS, AUDIT)  # the intake database
REPLAY = (RUNS, CALLS, ERRORS)  # the replay runs (var/replay.db, or beside the records in PostgreSQL)
TABLES = {table.name: table for table in (*RECORDS, *REPLAY)}
