"""Moving an install from the single profile to the cluster profile: its SQLite records, replay runs and consented
conversations copied into PostgreSQL once, ids and order kept (`python -m bot migrate`, docs/cluster.md).

The copy is one transaction in PostgreSQL and refuses a target that already holds rows, so it can neither mix two
installs' records nor run twice; the SQLite files are left as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from bot.records.database import Records, quoted
from bot.records.schema import RECORDS, REPLAY, Table

CONVERSATION_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")  # Rasa's events


class MigrationRefused(Exception):
    """Nothing is copied: the target already holds rows (copying would mix two installs' or copy them twice), or it
    has no conversations table yet."""


def schema_rows(source: Records, table: Table) -> list[dict]:
    """A SQLite table's rows in the order they were written, with exactly the schema's columns."""
    if table.name not in source.table_names():
        return []
    return [{name: row.get(name) for name in table.column_names}
            for row in source.rows(table.name, order_by="rowid")]


def copy_tables(source: Records, target: Records, tables: Iterable[Table]) -> dict[str, int]:
    """Every row of `tables` from `source` into `target` (its tables created when missing), in the target's current
    transaction; rows copied per table. Raises MigrationRefused before copying anything when a target table has rows."""
    tables = tuple(tables)
    target.create_tables(tables)
    occupied = [table.name for table in tables if target.count(table.name)]
    if occupied:
        raise MigrationRefused(f"the target already has rows in {', '.join(occupied)}")
    copied = {}
    for table in tables:
        copied[table.name] = target.insert_all(table.name, schema_rows(source, table))
        target.continue_numbering(table)
    return copied


def copy_conversations(source: Records, target: Records) -> dict[str, int]:
    """Rasa's `events` (the consented conversations) from a SQLite tracker file into the target's `public.events`,
    which the cluster's Rasa servers create when they start; each event gets the target's next id, in order."""
    if "events" not in source.table_names():
        return {"conversations": 0, "conversation events": 0}
    exists = target.execute("select to_regclass('public.events') is not null").fetchone()[0]
    if not exists:
        raise MigrationRefused("PostgreSQL has no conversations table yet: start `make run PROFILE=cluster` once first")
    if target.execute("select count(*) from public.events").fetchone()[0]:
        raise MigrationRefused("the target already has conversations")
    names = ", ".join(quoted(name) for name in CONVERSATION_COLUMNS)
    rows = [[row[name] for name in CONVERSATION_COLUMNS]
            for row in source.query(f"select {names} from events order by id")]
    next_id = "nextval('public.events_seq'), " if target.execute(
        "select to_regclass('public.events_seq') is not null").fetchone()[0] else ""
    placeholders = ", ".join("?" for _ in CONVERSATION_COLUMNS)
    target.execute_many(f"insert into public.events ({'id, ' if next_id else ''}{names}) "
                        f"values ({next_id}{placeholders})", rows)
    conversations = len({row[0] for row in rows})
    return {"conversations": conversations, "conversation events": len(rows)}


def migrate(target: Records, intake_db: Path, replay_db: Path, tracker_db: Path) -> dict[str, int]:
    """Copy the single profile's three SQLite files (those that exist) into `target`, all or nothing."""
    from bot.records.sqlite_records import SqliteRecords

    copied: dict[str, int] = {}
    with target.transaction():
        for path, copy in ((intake_db, lambda source: copy_tables(source, target, RECORDS)),
                           (replay_db, lambda source: copy_tables(source, target, REPLAY)),
                           (tracker_db, lambda source: copy_conversations(source, target))):
            if not path.is_file():
                continue
            with SqliteRecords.open(path) as source:
                copied.update(copy(source))
    return copied
