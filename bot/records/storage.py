"""The intake records, in SQLite through sqlite-utils (WAL, busy timeout, one row per intake).

A row is keyed by the intake id (conversation id + when that intake started), so a retried
action rewrites its own row instead of adding one. Rows hold no name, phone or email.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import sqlite_utils

from bot.clinical.intake import Intake
from bot.clinical.placement import Recommendation


def default_db_path() -> Path:
    """Where intakes are stored: $INTAKE_DB, else var/intake.db."""
    return Path(os.environ.get("INTAKE_DB", "var/intake.db"))


@lru_cache(maxsize=1)
def default_db() -> sqlite_utils.Database:
    """The default intake database, opened on first use in this process."""
    return open_db(default_db_path())


BUSY_TIMEOUT_MS = 5000


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (and create if needed) a SQLite database of this project: WAL mode, a busy timeout, and full
    sync, so a written row survives a crash. The intake and the replay databases both open this way."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():  # private from the start, whichever process creates it (SQLite's -wal and -shm follow)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA secure_delete = ON")  # a deleted row is overwritten, not left in free pages
    return sqlite_utils.Database(conn)


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (and create if needed) the intake database."""
    db = connect(path)
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the intakes table when it is missing."""
    if "intakes" not in db.table_names():
        db["intakes"].create(
            {
                "intake_id": str, "conversation_id": str, "level": str, "track": str, "review": int,
                "criteria": str, "reasons": str, "sources": str, "missing": str,
                "rule_version": str, "consent_version": str, "consented_at": str,
                "started_at": str, "completed_at": str,
            },
            pk="intake_id",
        )
        db["intakes"].create_index(["conversation_id"])
        db["intakes"].create_index(["level"])
        db["intakes"].create_index(["completed_at"])


def save_intake(
    db: sqlite_utils.Database,
    intake_id: str,
    conversation_id: str,
    intake: Intake,
    recommendation: Recommendation,
    consent_version: str,
    consented_at: str | None = None,
) -> None:
    """Store a completed intake, durably, before it is shown; a repeat rewrites the same row.

    Call it only with the person's consent; `consent_version` names the wording they agreed to.
    """
    previous = get_intake(db, intake_id)
    row = {
        "intake_id": intake_id,
        "conversation_id": conversation_id,
        "level": recommendation.level,
        "track": recommendation.track,
        "review": int(recommendation.review),
        "criteria": json.dumps({k: _jsonable(v) for k, v in intake.answers.items()}, sort_keys=True),
        "reasons": json.dumps([r.to_dict() for r in recommendation.reasons]),
        "sources": json.dumps(recommendation.sources),
        "missing": json.dumps(list(recommendation.missing)),
        "rule_version": recommendation.rule_version,
        "consent_version": consent_version,
        "consented_at": consented_at or now(),
        "started_at": previous["started_at"] if previous else now(),
        "completed_at": now(),
    }
    db["intakes"].insert(row, replace=True, alter=True)


def get_intake(db: sqlite_utils.Database, intake_id: str) -> dict | None:
    """The stored row for an intake, with JSON columns decoded."""
    rows = list(db["intakes"].rows_where("intake_id = ?", [intake_id]))
    if not rows:
        return None
    row = rows[0]
    for key in ("criteria", "reasons", "sources", "missing"):
        row[key] = json.loads(row[key])
    return row


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """All or nothing: BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def date_range(column: str, date_from: str | None, date_to: str | None) -> tuple[list[str], dict[str, str]]:
    """SQL clauses and parameters keeping rows whose ISO timestamp `column` falls between two days (inclusive)."""
    clauses, params = [], {}
    if date_from:
        clauses.append(f"substr({column}, 1, 10) >= :date_from")
        params["date_from"] = date_from
    if date_to:
        clauses.append(f"substr({column}, 1, 10) <= :date_to")
        params["date_to"] = date_to
    return clauses, params


def now() -> str:
    """The current UTC time, to the second, ISO 8601 (every stored timestamp)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


EVENT_KINDS = ("crisis", "handoff")


def ensure_events_table(db: sqlite_utils.Database) -> None:
    """Create the events table when it is missing (record_event would create it on the first event)."""
    if "events" not in db.table_names():
        db["events"].create({"id": int, "kind": str, "conversation_id": str, "category": str, "status": str,
                             "created_at": str}, pk="id")


def record_event(db: sqlite_utils.Database, kind: str, conversation_id: str, category: str) -> None:
    """Record a crisis or a handoff request: who, what kind, when; never the message text."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    db["events"].insert(
        {"kind": kind, "conversation_id": conversation_id, "category": category, "status": "open",
         "created_at": now()},
        pk="id", alter=True,
    )


def list_events(db: sqlite_utils.Database, kind: str | None = None, status: str | None = "open",
                limit: int | None = None) -> list[dict]:
    """Recorded events, newest first, optionally of one kind and status."""
    if "events" not in db.table_names():
        return []
    where = " and ".join(clause for clause, value in (("kind = :kind", kind), ("status = :status", status)) if value)
    return list(db["events"].rows_where(where or None, {"kind": kind, "status": status}, order_by="id desc",
                                        limit=limit))


def delete_conversation(db: sqlite_utils.Database, conversation_id: str) -> dict[str, int]:
    """Erase every row kept about a conversation; returns the count per table.

    Safety events (crisis, handoff), and their items in the counselors' queue, are kept for the record
    but lose the conversation id (and the queue's reference made from it).
    """
    if not conversation_id:
        raise ValueError("a conversation id is required")
    intake_ids = [row["intake_id"] for row in db["intakes"].rows_where("conversation_id = ?", [conversation_id])]
    deleted: dict[str, int] = {}
    with transaction(db):
        for table in db.tables:
            columns = {column.name for column in table.columns}
            if "conversation_id" in columns:
                where, values = "conversation_id = ?", [conversation_id]
            elif "intake_id" in columns and intake_ids:
                where, values = f"intake_id in ({', '.join('?' for _ in intake_ids)})", intake_ids
            else:
                continue
            deleted[table.name] = table.count_where(where, values)
            if "kind" in columns:  # events and queue items: safety events stay, anonymous
                kept = f"{where} and kind in ({', '.join(repr(kind) for kind in EVENT_KINDS)})"
                blank = ", reference = ''" if "reference" in columns else ""
                db.execute(f"update [{table.name}] set conversation_id = ''{blank} where {kept}", values)
            table.delete_where(where, values)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and the old pages leave the write-ahead log
    return {name: count for name, count in deleted.items() if count}
