"""Retention: `python -m bot purge --older-than DAYS` deletes what is older than DAYS (default RETENTION_DAYS).

Every deletion is one SQL statement with a WHERE on the stored time; no row is read into Python. What goes:
- tracker database: a conversation whose latest event is older (all its events; a conversation still going on
  is kept whole);
- intake database: intakes, crisis and handoff events, call-back requests (with their contact details), and
  the queue items, queue history and dispositions that belong to them; a record is kept while its queue item
  or its disposition was changed within DAYS (the queue item was still being worked on). Audit rows older
  than DAYS. Call-back contact details are also blanked RETENTION_DAYS of bot.records.callbacks after closing, as the
  queue does;
- replay database: runs (by when they finished, else started) with their calls and errors;
- the records in PostgreSQL ($INTAKE_RECORDS_URL, or the cluster profile's, docs/cluster.md), while it runs: as in
  the intake and replay databases; and the cluster profile's conversations, as in the tracker database.
Deleted content is overwritten (SQLite's secure_delete) and the write-ahead log checkpointed; PostgreSQL's tables are
vacuumed. Only counts per table are printed, never content. A file that does not exist is left alone (never created).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot import ROOT
from bot.records import database
from bot.records.database import Records
from bot.records.sqlite_records import SqliteRecords

RETENTION_DAYS = 180  # docs/privacy.md: the default when --older-than is not given
PURGE_EVERY_HOURS = 24.0  # `make run` purges at start and then this often (INTAKE_PURGE_HOURS; 0 turns it off)
logger = logging.getLogger(__name__)
BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Databases:
    """The three SQLite files of an install, the var/ directory of its cluster profile's PostgreSQL if any, and the
    records' PostgreSQL URL ($INTAKE_RECORDS_URL; else the cluster profile's database, when there is one)."""

    tracker: Path
    intake: Path
    replay: Path
    cluster: Path | None = None
    records_url: str | None = field(default_factory=lambda: os.environ.get(database.URL_ENV, "").strip() or None)

    def postgres_url(self) -> str | None:
        """The records' PostgreSQL URL: $INTAKE_RECORDS_URL, else the cluster profile's database, else None."""
        return self.records_url or (cluster_records_url(self.cluster) if self.cluster else None)

    @classmethod
    def default(cls) -> Databases:
        """$RASA_TRACKER_DB and $INTAKE_DB as the servers use them, else the files under var/."""
        var = ROOT / "var"
        return cls(Path(os.environ.get("RASA_TRACKER_DB") or var / "tracker.db"),
                   Path(os.environ.get("INTAKE_DB") or var / "intake.db"), var / "replay.db",
                   var if (var / "postgres").is_dir() else None)


def cutoff(days: int, today: datetime | None = None) -> datetime:
    """The moment before which records are deleted."""
    if days < 1:
        raise ValueError("the retention is at least 1 day")
    return (today or datetime.now(timezone.utc)) - timedelta(days=days)


def open_existing(path: Path) -> Records | None:
    """An existing SQLite file, ready to delete securely (its journal mode left as it is); None when there is none."""
    if not path.is_file():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten, not left in free pages
    return SqliteRecords(conn)


def run(records: Records, steps: list[tuple[str, str, dict]]) -> dict[str, int]:
    """Run (table, statement, parameters) steps in one transaction; returns rows changed per table, summed."""
    counts: dict[str, int] = {}
    with records.transaction():
        for table, sql, params in steps:
            counts[table] = counts.get(table, 0) + records.execute(sql, params).rowcount
    records.forget_deleted(counts)  # the deleted rows' old pages leave the log (SQLite), the tables (PostgreSQL)
    return counts


IDLE_CONVERSATIONS = "select sender_id from events group by sender_id having max(timestamp) < {before}"


def purge_tracker(records: Records, before: datetime) -> dict[str, int]:
    """Conversations (Rasa's `events` table) whose latest event is older than `before`."""
    if "events" not in records.table_names():
        return {}
    idle = IDLE_CONVERSATIONS.format(before=":before")
    params = {"before": before.timestamp()}
    conversations = records.execute(f"select count(*) from ({idle}) as idle", params).fetchone()[0]
    counts = run(records, [("events", f"delete from events where sender_id in ({idle})", params)])
    return {"conversations": conversations, "events": counts["events"]}


# Each record that feeds the work queue: its table, its time column, its queue kinds, and its queue item
# (the row `q` of queue_items that names it).
SOURCES = {
    "callbacks": ("created_at", "('callback')", "q.kind = 'callback' and q.ref = cast(callbacks.id as text)"),
    "events": ("created_at", "('crisis', 'handoff')", "q.kind = events.kind and q.ref = cast(events.id as text)"),
    "intakes": ("completed_at", "('intake')", "q.kind = 'intake' and q.ref = intakes.intake_id"),
}


def purge_intake(records: Records, before: datetime) -> dict[str, int]:
    """Intakes, events, call-backs and audit rows older than `before`, and the queue items, history and
    dispositions of the records deleted (see the module's docstring for what keeps a record)."""
    present = records.table_names()
    params = {"before": before.isoformat(timespec="seconds")}
    steps = []
    for table, (time, _, item_of) in SOURCES.items():
        if table not in present:
            continue
        kept = ""
        if "queue_items" in present:  # its queue item changed within the retention: still being worked on
            kept += f" and not exists (select 1 from queue_items q where {item_of} and q.updated_at >= :before)"
        if table == "intakes" and "dispositions" in present:
            kept += (" and not exists (select 1 from dispositions d where d.intake_id = intakes.intake_id "
                     "and d.updated_at >= :before)")
        steps.append((table, f"delete from {table} where {time} < :before{kept}", params))
    if {"dispositions", "intakes"} <= present:
        steps.append(("dispositions", "delete from dispositions where intake_id not in (select intake_id from intakes)",
                      params))
    if "queue_items" in present:  # an item goes with its record (so a new record can never take its place)
        for table, (_, kinds, item_of) in SOURCES.items():
            if table in present:
                steps.append(("queue_items", f"delete from queue_items as q where q.kind in {kinds} and not exists "
                              f"(select 1 from {table} where {item_of})", params))
        if "queue_history" in present:
            steps.append(("queue_history", "delete from queue_history where item_id not in "
                          "(select id from queue_items)", params))
    if "audit" in present:
        steps.append(("audit", "delete from audit where at < :before", params))
    erased = {}
    if {"callbacks", "queue_items"} <= present:  # first, so the log checkpoint after the deletions covers it
        from bot.records.work_queue import erase_expired_callbacks

        erased["callbacks (contact details erased)"] = erase_expired_callbacks(records)
    return {**run(records, steps), **erased}


def purge_replay(records: Records, before: datetime) -> dict[str, int]:
    """Replay runs that finished (or, never finished, started) before `before`, with their calls and errors."""
    present = records.table_names()
    if "runs" not in present:
        return {}
    params = {"before": before.isoformat(timespec="seconds")}
    old_runs = "select id from runs where coalesce(finished_at, started_at) < :before"
    steps = [(table, f"delete from {table} where run_id in ({old_runs})", params)
             for table in ("calls", "errors") if table in present]
    steps.append(("runs", "delete from runs where coalesce(finished_at, started_at) < :before", params))
    return run(records, steps)


PURGES = (("tracker", purge_tracker), ("intake", purge_intake), ("replay", purge_replay))


def purge_cluster_conversations(var_dir: Path, before: datetime) -> tuple[str, dict[str, int] | None]:
    """The cluster profile's PostgreSQL conversations (Rasa's `events` in the schema `public`) whose latest event is
    older than `before` (one transaction); None when PostgreSQL is not running."""
    import psycopg2

    from bot.app.services import postgres, running_port

    service = postgres(var_dir, running_port(var_dir, "postgres"))
    where = f"PostgreSQL 127.0.0.1:{service.port}/{service.database}"
    if not service.ready():
        return where, None
    idle, params = IDLE_CONVERSATIONS.format(before="%(before)s"), {"before": before.timestamp()}
    with psycopg2.connect(service.url()) as conn, conn.cursor() as cursor:
        cursor.execute("select to_regclass('events') is not null")
        if not cursor.fetchone()[0]:
            return where, {}
        cursor.execute(f"select count(*) from ({idle}) idle", params)
        conversations = cursor.fetchone()[0]
        cursor.execute(f"delete from events where sender_id in ({idle})", params)
        return where, {"conversations": conversations, "events": cursor.rowcount}


def cluster_records_url(var_dir: Path) -> str:
    """The records' URL in the cluster profile's PostgreSQL (bot/app/cluster.py gives it to the servers)."""
    from bot.app.services import postgres, running_port

    return postgres(var_dir, running_port(var_dir, "postgres")).url()


def purge_postgres_records(url: str, before: datetime) -> tuple[str, dict[str, int] | None]:
    """The records in PostgreSQL (bot.records.postgres_records), as in the intake and replay files; None when the
    server does not answer."""
    import psycopg2

    from bot.records.postgres_records import PostgresRecords

    where = f"{database.without_password(url)}, records"
    try:
        records = PostgresRecords(url)
    except psycopg2.OperationalError:
        return where, None
    try:
        return where, {**purge_intake(records, before), **purge_replay(records, before)}
    finally:
        records.close()


def purge(days: int = RETENTION_DAYS, databases: Databases | None = None,
          today: datetime | None = None) -> dict[Path | str, dict[str, int] | None]:
    """Delete what is older than `days` in each database; per file (or PostgreSQL), the rows deleted per table
    (None: no such file, or PostgreSQL not running)."""
    before = cutoff(days, today)
    databases = databases or Databases.default()
    result: dict[Path | str, dict[str, int] | None] = {}
    for name, purge_one in PURGES:
        path = getattr(databases, name)
        records = open_existing(path)
        if records is None:
            result[path] = None
            continue
        try:
            result[path] = purge_one(records, before)
        finally:
            records.close()
    if databases.cluster:
        where, counts = purge_cluster_conversations(databases.cluster, before)
        result[where] = counts
    records_url = databases.postgres_url()
    if records_url:
        where, counts = purge_postgres_records(records_url, before)
        result[where] = counts
    return result


def report(days: int, result: dict[Path | str, dict[str, int] | None]) -> str:
    """What was deleted, as counts per table (never content)."""
    lines = [f"Deleted what is older than {days} days:"]
    for path, counts in result.items():
        if counts is None and isinstance(path, str):
            lines.append(f"  {path}: not running, nothing deleted (purge while `make run PROFILE=cluster` runs)")
            continue
        if counts is None:
            lines.append(f"  {path}: no such file, nothing to delete")
            continue
        lines.append(f"  {path}:" + ("" if counts else " nothing kept there yet"))
        lines.extend(f"    {table}: {count}" for table, count in counts.items())
    return "\n".join(lines)


def retention_days() -> int:
    """The retention in days (INTAKE_RETENTION_DAYS, default RETENTION_DAYS)."""
    days = int(os.environ.get("INTAKE_RETENTION_DAYS") or RETENTION_DAYS)
    if days < 1:
        raise ValueError("INTAKE_RETENTION_DAYS must be at least 1")
    return days


def purge_schedule() -> tuple[int, float]:
    """The retention in days and the hours between purges (INTAKE_PURGE_HOURS)."""
    return retention_days(), float(os.environ.get("INTAKE_PURGE_HOURS") or PURGE_EVERY_HOURS)


def past_retention(latest: float | None, days: int | None = None) -> bool:
    """True when a conversation's latest event (a Unix time) is older than the retention: purged, or due."""
    return latest is not None and latest < (datetime.now(timezone.utc) - timedelta(days=days or retention_days())
                                            ).timestamp()


def purge_regularly(stopping: threading.Event, days: int, every_s: float,
                    databases: Databases | None = None) -> threading.Thread:
    """Purge now and then every `every_s` seconds until `stopping` is set, in a daemon thread; a failed purge is
    logged (counts and error type only) and tried again at the next turn."""
    def loop() -> None:
        while not stopping.is_set():
            try:
                print(f"[retention] {report(days, purge(days, databases))}", flush=True)
            except Exception as error:  # the assistant goes on; the next turn tries again
                logger.error("scheduled purge failed (%s)", type(error).__name__)
            stopping.wait(every_s)

    thread = threading.Thread(target=loop, name="purge", daemon=True)
    thread.start()
    return thread
