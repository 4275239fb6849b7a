"""Retention (issue 15 finding 10): `python -m bot purge --older-than DAYS` deletes, in SQL, what is older. The
records (intakes, queue, audit, replay runs) are in SQLite files, then in PostgreSQL (tests/backends.py); the
conversations are in Rasa's SQLite tracker database (PostgreSQL's: tests/cluster/test_cluster_tracker_store.py)."""

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.__main__ import main
from bot.app import retention
from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records import callbacks, console_store, database, work_queue
from bot.records.database import Records
from bot.records.storage import open_db, record_event, save_intake
from bot.replay.runs import add_rows, finish_run, open_runs_db, start_run
from tests.backends import records_at  # noqa: F401  (a fixture: SQLite, then PostgreSQL)
from tests.test_tracker_store import DOMAIN

LONG_AGO = "2000-01-01T00:00:00+00:00"
ANSWERS = {"substances": ["alcohol"], "severity": "moderate", "home": "stable", "support": "strong"}


def intake_db(where) -> Records:
    """Old and new records of every kind, their queue items (one old item still being worked on), audit rows."""
    db = open_db(where)
    console_store.prepare(db)
    intake = make_intake(ANSWERS)
    for conversation in ("conv-old", "conv-worked", "conv-new"):
        save_intake(db, f"{conversation}:0", conversation, intake, recommend_level(intake), consent_version="t")
    console_store.save_disposition(db, "conv-old:0", "agree", "note", "Dana")
    record_event(db, "crisis", "conv-old", "suicide")
    record_event(db, "handoff", "conv-new", "requested")
    callbacks.save_request(db, callbacks.read_request({"conversation_id": "conv-old", "contact": "5552013344",
                                                       "best_time": "any", "consent": True}))
    work_queue.sync(db)
    worked = work_queue.list_items(db, search=work_queue.reference("conv-worked"))["items"][0]["id"]
    old_callback = work_queue.list_items(db, kind="callback")["items"][0]["id"]
    work_queue.update_item(db, old_callback, "Dana", note="left a message")
    console_store.audit(db, "Dana", "view intake", "conv-old:0")
    console_store.audit(db, "Dana", "view queue", "queue")
    old = {"old": LONG_AGO}
    db.execute("update intakes set completed_at = :old, started_at = :old where conversation_id != 'conv-new'", old)
    db.execute("update events set created_at = :old where kind = 'crisis'", old)
    db.execute("update callbacks set created_at = :old", old)
    db.execute("update dispositions set updated_at = :old", old)
    db.execute("update queue_items set created_at = :old, updated_at = :old where conversation_id != 'conv-new' "
               "and id != :worked", {**old, "worked": worked})
    db.execute("update queue_items set created_at = :old where id = :worked", {**old, "worked": worked})
    db.execute("update queue_history set at = :old", old)
    db.execute("update audit set at = :old where action = 'view intake'", old)
    return db


def tracker_db(path):
    """Conversations through the real tracker store: one idle for years, one new, one started long ago and
    still going on."""
    from rasa.shared.core.trackers import DialogueStateTracker

    from components.tracker_store import ConsentTrackerStore

    store = ConsentTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))
    long_ago, now = datetime.fromisoformat(LONG_AGO).timestamp(), datetime.now(timezone.utc).timestamp()
    for sender, times in (("idle", (long_ago, long_ago + 60)), ("new", (now, now)), ("ongoing", (long_ago, now))):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(UserUttered("yes", timestamp=times[0]))
        tracker.update(SlotSet("consent", "given", timestamp=times[1]))
        asyncio.run(store.save(tracker))
    store.engine.dispose()


def replay_db(where):
    db = open_runs_db(where)
    for finished in (LONG_AGO, None):
        run_id = start_run(db, inputs="x", out_dir="y", workers=1)
        add_rows(db, run_id, [{"summary": {"call_id": "c1", "source": "s", "disposition": "", "level": "op",
                                           "agrees": "", "track": "", "review": "no", "crisis": "", "missing": "",
                                           "criteria": "{}"}, "detail": "{}"}],
                 [{"call_id": "c2", "source": "s", "line": 3, "error": "unreadable"}])
        finish_run(db, run_id, {"calls": 1, "errors": 1, "agreement": None}, 1.0, 1)
        if finished:
            db.execute("update runs set started_at = ?, finished_at = ? where id = ?", [finished, finished, run_id])
    db.close()


@pytest.fixture
def databases(tmp_path, monkeypatch, records_at):  # noqa: F811
    """The tracker file, and the records in SQLite files or (records_url) in PostgreSQL, as `make purge` finds them."""
    monkeypatch.setenv("INTAKE_DB", str(tmp_path / "intake.db"))
    monkeypatch.delenv(database.URL_ENV, raising=False)
    if database.is_url(records_at):
        monkeypatch.setenv(database.URL_ENV, records_at)
    from bot.records import storage
    storage.default_db.cache_clear()
    dbs = retention.Databases(tmp_path / "tracker.db", tmp_path / "intake.db", tmp_path / "replay.db")
    intake_db(dbs.records_url or dbs.intake).close()
    tracker_db(dbs.tracker)
    replay_db(dbs.records_url or dbs.replay)
    yield dbs
    storage.default_db.cache_clear()


def rows(where, sql):
    """The rows of a query, as tuples, in the tracker file or the records (a SQLite file or PostgreSQL)."""
    if isinstance(where, str):
        with database.connect(where) as records:
            return [tuple(row) for row in records.execute(sql).fetchall()]
    return sqlite3.connect(where).execute(sql).fetchall()


def intake_at(databases):
    """Where the records of intakes are: the SQLite file, or PostgreSQL."""
    return databases.records_url or databases.intake


def replay_at(databases):
    return databases.records_url or databases.replay


def counts_of(result, databases) -> tuple[dict, dict]:
    """The purge's counts for the intake records and for the replay runs (one entry for both in PostgreSQL)."""
    if not databases.records_url:
        return result[databases.intake], result[databases.replay]
    both = next(counts for where, counts in result.items() if str(where).endswith(", records"))
    replay = {table: both[table] for table in ("calls", "errors", "runs")}
    return {table: count for table, count in both.items() if table not in replay}, replay


def test_purge_deletes_what_is_older_than_the_retention_and_keeps_the_rest(databases):
    result = retention.purge(180, databases)
    assert result[databases.tracker] == {"conversations": 1, "events": 2}
    assert rows(databases.tracker, "select distinct sender_id from events order by 1") == [("new",), ("ongoing",)]
    intake, replay = counts_of(result, databases)
    assert intake == {"callbacks": 1, "events": 1, "intakes": 1, "dispositions": 1, "queue_items": 3,
                      "queue_history": 1, "audit": 1, "callbacks (contact details erased)": 0}
    kept = intake_at(databases)
    assert rows(kept, "select intake_id from intakes order by 1") == [("conv-new:0",), ("conv-worked:0",)]
    assert rows(kept, "select kind from events") == [("handoff",)]
    assert rows(kept, "select count(*) from callbacks") == [(0,)]
    assert rows(kept, "select kind from queue_items order by 1") == [("handoff",), ("intake",), ("intake",)]
    assert rows(kept, "select action from audit") == [("view queue",)]
    assert replay == {"calls": 1, "errors": 1, "runs": 1}
    assert rows(replay_at(databases), "select count(*) from runs") == [(1,)]
    assert counts_of(retention.purge(180, databases), databases)[0]["intakes"] == 0  # nothing more to delete
    if databases.records_url:
        assert not databases.intake.exists()  # the records went to PostgreSQL, never to a file


def test_the_queue_does_not_bring_purged_records_back_and_a_new_record_gets_its_own_item(databases):
    retention.purge(180, databases)
    db = open_db(intake_at(databases))
    assert work_queue.sync(db) == 0
    db.execute("delete from events")  # every event gone: SQLite may give the next one an id used before
    retention.purge(180, databases)
    record_event(db, "crisis", "conv-3", "overdose")
    assert work_queue.sync(db) == 1
    assert work_queue.list_items(db, kind="crisis")["total"] == 1


def test_every_statement_deletes_by_a_where_in_sql_and_no_row_is_read_into_python(databases, monkeypatch):
    statements = []
    monkeypatch.setattr(Records, "tracer", staticmethod(statements.append))  # every statement the purge sends
    retention.purge(180, databases)
    assert any(statement.startswith("delete from intakes") for statement in statements)
    for statement in statements:
        words = statement.lower().split()
        assert words[0] in ("delete", "update", "begin", "commit", "pragma", "vacuum") or statement.startswith(
            ("select count(*) from", "select tablename from pg_tables", "select pg_advisory_xact_lock")), statement
        if words[0] == "delete":
            assert " where " in statement.lower()


def test_the_command_prints_counts_per_table_and_never_content(databases, capsys, tmp_path):
    missing = tmp_path / "no" / "replay.db"
    assert main(["purge", "--older-than", "30", "--tracker-db", str(databases.tracker), "--intake-db",
                 str(databases.intake), "--replay-db", str(missing)]) == 0
    out = capsys.readouterr().out
    assert "older than 30 days" in out and "conversations: 1" in out and "intakes: 1" in out and "audit: 1" in out
    assert "no such file" in out and not missing.exists() and not missing.parent.exists()
    for content in ("conv-", "idle", "5552013344", "alcohol", "Dana", "note"):
        assert content not in out


def test_a_retention_under_a_day_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["purge", "--older-than", "0"])
    with pytest.raises(ValueError):
        retention.cutoff(0)


def test_the_default_retention_is_the_one_docs_privacy_states():
    from pathlib import Path

    privacy = (Path(__file__).resolve().parents[1] / "docs" / "privacy.md").read_text()
    assert f"{retention.RETENTION_DAYS} days" in privacy and "python -m bot purge" in privacy


def test_the_cutoff_is_days_before_now():
    today = datetime(2026, 7, 1, tzinfo=timezone.utc)
    assert retention.cutoff(180, today) == today - timedelta(days=180)


def test_the_running_assistant_purges_at_start_and_again_on_schedule(databases, capsys):
    """`make run` purges in a thread (bot/app/launcher.start_purging): at once, then every INTAKE_PURGE_HOURS."""
    import threading
    import time

    def idle_conversations():
        return rows(databases.tracker, "select count(*) from events where sender_id = 'idle'")[0][0]

    stopping = threading.Event()
    thread = retention.purge_regularly(stopping, 180, 0.2, databases)
    try:
        deadline = time.monotonic() + 10
        while idle_conversations() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert idle_conversations() == 0  # the first purge, at start
        tracker_db(databases.tracker)  # an old conversation appears again (a restored backup, say)
        assert idle_conversations() > 0
        deadline = time.monotonic() + 10
        while idle_conversations() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert idle_conversations() == 0  # the next turn of the schedule
    finally:
        stopping.set()
        thread.join(5)
    assert not thread.is_alive()
    out = capsys.readouterr().out
    assert "[retention] Deleted what is older than 180 days" in out and "yes" not in out  # counts, never content


def test_the_purge_schedule_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("INTAKE_RETENTION_DAYS", "30")
    monkeypatch.setenv("INTAKE_PURGE_HOURS", "6")
    assert retention.purge_schedule() == (30, 6.0)
    monkeypatch.delenv("INTAKE_RETENTION_DAYS")
    monkeypatch.delenv("INTAKE_PURGE_HOURS")
    assert retention.purge_schedule() == (retention.RETENTION_DAYS, retention.PURGE_EVERY_HOURS)
    monkeypatch.setenv("INTAKE_RETENTION_DAYS", "0")
    with pytest.raises(ValueError):
        retention.purge_schedule()


def test_a_purged_conversation_held_in_memory_is_not_written_back(databases):
    """The Rasa server keeps a copy of each stored conversation in memory; after a purge, the person writing
    again must start afresh, not bring the purged conversation back (issue 15, finding 10)."""
    from components.tracker_store import ConsentTrackerStore

    store = ConsentTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(databases.tracker))
    long_ago = datetime.fromisoformat(LONG_AGO).timestamp()
    old = DialogueStateTracker("idle-in-memory", DOMAIN.slots)
    old.update(UserUttered("my name is Dana and I drink every day", timestamp=long_ago))
    old.update(SlotSet("consent", "given", timestamp=long_ago + 60))
    asyncio.run(store.save(old))  # stored in SQL, and a copy in memory
    retention.purge(180, databases)
    assert asyncio.run(store.retrieve("idle-in-memory")) is None  # not from memory, not from SQL
    new = DialogueStateTracker("new-in-memory", DOMAIN.slots)
    new.update(UserUttered("hello"))
    new.update(SlotSet("consent", "given"))
    asyncio.run(store.save(new))
    assert asyncio.run(store.retrieve("new-in-memory")) is not None  # a recent one is kept
    store.engine.dispose()
