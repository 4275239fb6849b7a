"""The counselors' work queue: one list of call-backs, handoffs, crisis events and intakes, with statuses; each test
runs on SQLite and on PostgreSQL (tests/backends.py)."""

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records import callbacks, console_store, work_queue
from bot.records.storage import delete_conversation, open_db, record_event, save_intake
from tests.backends import records_at  # noqa: F401  (a fixture: SQLite, then PostgreSQL)


@pytest.fixture
def db(records_at):  # noqa: F811
    db = open_db(records_at)
    console_store.prepare(db)  # as the web app does when it starts
    intake = make_intake({"substances": ["alcohol"], "severity": "moderate", "home": "stable", "support": "strong"})
    save_intake(db, "conv-1:0", "conv-1", intake, recommend_level(intake), consent_version="t")
    record_event(db, "crisis", "conv-2", "suicide")
    record_event(db, "handoff", "conv-1", "requested")
    callbacks.save_request(db, callbacks.read_request({"conversation_id": "conv-1", "contact": "5552013344",
                                                       "best_time": "morning", "consent": True}))
    yield db
    db.close()


def test_every_record_becomes_one_new_item_once(db):
    assert work_queue.sync(db) == 4
    assert work_queue.sync(db) == 0
    items = work_queue.list_items(db)["items"]
    assert sorted(item["kind"] for item in items) == ["callback", "crisis", "handoff", "intake"]
    assert all(item["status"] == "new" and "conversation_id" not in item for item in items)
    assert {item["level"] for item in items if item["reference"] == work_queue.reference("conv-1")} == {"iop"}


def test_filters_and_pages(db):
    assert work_queue.list_items(db, kind="crisis")["total"] == 1
    assert work_queue.list_items(db, level="iop")["total"] == 3
    assert work_queue.list_items(db, search=work_queue.reference("conv-2")[:5])["total"] == 1
    assert work_queue.list_items(db, search="%")["total"] == 0
    first = work_queue.list_items(db, per_page=3)
    assert (first["total"], first["pages"], len(first["items"])) == (4, 2, 3)
    assert len(work_queue.list_items(db, per_page=3, page=2)["items"]) == 1


def test_assigning_moves_a_new_item_to_assigned_and_every_change_is_history(db):
    item = work_queue.list_items(db, kind="callback")["items"][0]
    updated = work_queue.update_item(db, item["id"], "Dana", assignee="Dana")
    assert (updated["status"], updated["assignee"]) == ("assigned", "Dana")
    updated = work_queue.update_item(db, item["id"], "Lee", status="scheduled", note="Thursday 6pm")
    assert [entry["counselor"] for entry in updated["history"]] == ["Dana", "Lee"]
    assert updated["history"][1]["change"] == {"status": ["assigned", "scheduled"]}
    assert updated["callback"]["contact"] == "5552013344" and updated["intake_id"] == "conv-1:0"
    with pytest.raises(ValueError):
        work_queue.update_item(db, item["id"], "Lee")
    with pytest.raises(ValueError):
        work_queue.update_item(db, item["id"], "Lee", status="finished")
    with pytest.raises(KeyError):
        work_queue.update_item(db, 999, "Lee", status="closed")


def test_closed_items_leave_the_open_list_and_their_contact_details_are_erased_later(db):
    item = work_queue.list_items(db, kind="callback")["items"][0]
    work_queue.update_item(db, item["id"], "Dana", status="closed")
    assert work_queue.list_items(db, kind="callback")["total"] == 0
    assert work_queue.list_items(db, kind="callback", status="closed")["total"] == 1
    assert work_queue.erase_expired_callbacks(db) == 0  # closed today
    in_29_days = datetime.now(timezone.utc) + timedelta(days=callbacks.RETENTION_DAYS - 1)
    assert work_queue.erase_expired_callbacks(db, today=in_29_days) == 0
    db.execute("update queue_items set updated_at = '2000-01-01T00:00:00+00:00' where id = ?", [item["id"]])
    assert work_queue.erase_expired_callbacks(db) == 1
    assert work_queue.get_item(db, item["id"])["callback"]["contact"] == ""
    assert work_queue.erase_expired_callbacks(db) == 0  # erased once


def test_expired_call_backs_are_found_in_sql_not_in_python(db):
    """The dates are compared by the UPDATE's WHERE: no row is read into Python to be filtered."""
    item = work_queue.list_items(db, kind="callback")["items"][0]
    work_queue.update_item(db, item["id"], "Dana", status="closed")
    db.execute("update queue_items set updated_at = '2000-01-01T00:00:00+00:00' where id = ?", [item["id"]])
    statements = []
    db.tracer = statements.append
    assert work_queue.erase_expired_callbacks(db) == 1
    assert [s.split()[0].lower() for s in statements] == ["update"]


def test_deleting_a_conversation_keeps_its_safety_items_anonymous_and_removes_the_rest(db):
    work_queue.sync(db)
    handoff = work_queue.list_items(db, kind="handoff")["items"][0]
    work_queue.update_item(db, handoff["id"], "Dana", note="left a message")
    delete_conversation(db, "conv-1")
    kinds = {item["kind"]: item for item in work_queue.list_items(db, status=None)["items"]}
    assert set(kinds) == {"crisis", "handoff"}
    assert kinds["handoff"]["reference"] == "" and kinds["handoff"]["level"] is None
    assert db.count("callbacks") == 0 and db.count("queue_history") == 0
    assert work_queue.sync(db) == 0


def test_references_are_keyed_and_still_found_by_search(db):
    """Finding 10: an unkeyed hash of the id let anyone holding an id find its rows; the key makes it a pseudonym."""
    work_queue.sync(db)
    unkeyed = "C-" + hashlib.sha256(b"conv-1").hexdigest()[:10]
    ours = work_queue.reference("conv-1")
    assert ours != unkeyed and ours == work_queue.reference("conv-1", key=b"test-reference-key")
    assert ours != work_queue.reference("conv-1", key=b"another install's key")
    items = work_queue.list_items(db, search=ours.lower())["items"]
    assert items and all(item["reference"] == ours for item in items)
    assert work_queue.list_items(db, search=ours[2:7])["total"] == len(items)
    assert work_queue.list_items(db, search=unkeyed)["total"] == 0


def test_a_database_from_before_the_key_gets_keyed_references_when_the_web_app_starts(db):
    work_queue.sync(db)
    unkeyed = "C-" + hashlib.sha256(b"conv-1").hexdigest()[:10]
    db.execute("update queue_items set reference = ? where conversation_id = 'conv-1'", [unkeyed])
    assert work_queue.list_items(db, search=unkeyed)["total"] == 3
    console_store.prepare(db)
    assert work_queue.list_items(db, search=unkeyed)["total"] == 0
    assert work_queue.list_items(db, search=work_queue.reference("conv-1"))["total"] == 3
    assert work_queue.refresh_references(db) == 0


def test_a_console_request_syncs_at_most_once_and_never_checks_the_schema(db):
    """Review finding: sync() and ensure_schema() ran again on every console request."""
    statements = []
    db.tracer = statements.append
    work_queue.list_items(db, kind="crisis")
    work_queue.get_item(db, 1)
    text = "\n".join(statements).lower()
    assert text.count("from queue_items q where q.kind = source.kind") == 1  # one sync: one query ...
    assert text.count('insert into "queue_items"') == 1  # ... and one insert of the 4 new items
    assert not any(word in text for word in ("sqlite_master", "pg_tables", "information_schema", "create table"))
