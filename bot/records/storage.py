"""The intake records and the crisis and handoff events, in the records database (bot.records.database: SQLite
by default, PostgreSQL in the cluster profile).

A row is keyed by the intake id (conversation id + when that intake started), so a retried
action rewrites its own row instead of adding one. Rows hold no name, phone or email.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from bot.clinical.intake import Intake
from bot.clinical.placement import Recommendation
from bot.records import database
from bot.records.database import Records
from bot.records.schema import RECORDS


@lru_cache(maxsize=1)
def default_db() -> Records:
    """The records database this process uses (bot.records.database.location), opened on first use."""
    return open_db(database.location())


def open_db(where: Path | str) -> Records:
    """Open (and create if needed) the records database: a SQLite path or a PostgreSQL URL, with every table."""
    return database.open_records(where, RECORDS)


def save_intake(
    db: Records,
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
    db.upsert("intakes", row)


def get_intake(db: Records, intake_id: str) -> dict | None:
    """The stored row for an intake, with JSON columns decoded."""
    rows = db.rows("intakes", "intake_id = ?", [intake_id])
    if not rows:
        return None
    row = rows[0]
    for key in ("criteria", "reasons", "sources", "missing"):
        row[key] = json.loads(row[key])
    return row


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


def record_event(db: Records, kind: str, conversation_id: str, category: str) -> None:
    """Record a crisis or a handoff request: who, what kind, when; never the message text."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    db.insert("events", {"kind": kind, "conversation_id": conversation_id, "category": category, "status": "open",
                         "created_at": now()})


def list_events(db: Records, kind: str | None = None, status: str | None = "open",
                limit: int | None = None) -> list[dict]:
    """Recorded events, newest first, optionally of one kind and status."""
    filters = {name: value for name, value in (("kind", kind), ("status", status)) if value}
    where = " and ".join(f"{name} = :{name}" for name in filters)
    return db.rows("events", where, filters, order_by="id desc", limit=limit)


def delete_conversation(db: Records, conversation_id: str) -> dict[str, int]:
    """Erase every row kept about a conversation; returns the count per table.

    Safety events (crisis, handoff), and their items in the counselors' queue, are kept for the record
    but lose the conversation id (and the queue's reference made from it).
    """
    if not conversation_id:
        raise ValueError("a conversation id is required")
    deleted: dict[str, int] = {}
    with db.transaction():
        intake_ids = [row["intake_id"] for row in db.query("select intake_id from intakes where conversation_id = ?",
                                                           [conversation_id])]
        for table in RECORDS:
            columns = table.column_names
            if "conversation_id" in columns:
                where, values = "conversation_id = ?", [conversation_id]
            elif "intake_id" in columns and intake_ids:
                where, values = f"intake_id in ({', '.join('?' for _ in intake_ids)})", intake_ids
            else:
                continue
            deleted[table.name] = db.count(table.name, where, values)
            if "kind" in columns:  # events and queue items: safety events stay, anonymous
                kept = f"{where} and kind in ({', '.join(repr(kind) for kind in EVENT_KINDS)})"
                blank = ", reference = ''" if "reference" in columns else ""
                db.execute(f"update {table.name} set conversation_id = ''{blank} where {kept}", values)
            db.delete(table.name, where, values)
    db.forget_deleted(name for name, count in deleted.items() if count)  # and the old pages leave the files
    return {name: count for name, count in deleted.items() if count}
