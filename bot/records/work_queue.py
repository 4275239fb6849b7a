"""The counselors' work queue: call-back requests, handoffs, crisis events and new intakes in one list.

Every record the assistant writes (a callback row, a crisis or handoff event, a stored intake) becomes
one queue item the first time the queue is read (`sync`, at most once per console request). An item has a
status, an assignee and a history of who changed what, with notes. Items are found by a keyed pseudonymous
reference (bot.records.pseudonyms), never by the conversation id itself. The web app creates the tables once, when it
starts (`ensure_schema`); the functions here expect them.
"""

from __future__ import annotations

import json
import re

import sqlite_utils

from bot.records import callbacks, pseudonyms, storage
from bot.records.pseudonyms import reference  # noqa: F401  (the console and the tests name it from here)
from bot.records.storage import now, transaction

KINDS = {"callback": "Call-back request", "handoff": "Asked for a person", "crisis": "Crisis event",
         "intake": "New intake"}
STATUSES = {"new": "New", "assigned": "Assigned", "contacted": "Contacted", "scheduled": "Scheduled",
            "closed": "Closed"}
KIND_LIST = "(" + ", ".join(f"'{kind}'" for kind in KINDS) + ")"
OPEN = "open"  # a status filter: everything but closed
PER_PAGE = 25
MAX_NOTE = 4000
LATEST_INTAKE = ("(select i.{column} from intakes i where i.conversation_id = q.conversation_id "
                 "and q.conversation_id != '' order by i.completed_at desc limit 1)")
REFERENCE = re.compile(r"(?:c-)?([0-9a-f]{1,10})", re.IGNORECASE)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the queue's tables (and the tables that feed it) when they are missing; then bring the stored
    references up to the current key (bot.records.pseudonyms: databases from before the key, or after a new key)."""
    storage.ensure_schema(db)
    storage.ensure_events_table(db)
    callbacks.ensure_schema(db)
    if "queue_items" not in db.table_names():
        db["queue_items"].create(
            {"id": int, "kind": str, "ref": str, "conversation_id": str, "reference": str, "category": str,
             "created_at": str, "status": str, "assignee": str, "updated_at": str},
            pk="id",
        )
        db["queue_items"].create_index(["kind", "ref"], unique=True)
        db["queue_items"].create_index(["status", "created_at"])
        db["queue_items"].create_index(["reference"])
    if "queue_history" not in db.table_names():
        db["queue_history"].create(
            {"id": int, "item_id": int, "conversation_id": str, "at": str, "counselor": str, "change": str,
             "note": str}, pk="id",
        )
        db["queue_history"].create_index(["item_id"])
    refresh_references(db)


def refresh_references(db: sqlite_utils.Database) -> int:
    """Recompute every stored reference that is not the keyed one of its conversation; returns how many changed."""
    pseudonyms.register(db.conn)
    return db.execute("update queue_items set reference = reference(conversation_id) "
                      "where conversation_id != '' and reference != reference(conversation_id)").rowcount


COLUMNS = "as kind, {} as ref, conversation_id as cid, {} as category, {} as created from {}"
SOURCES = (  # each record that feeds the queue: its kind, id, conversation, category and time
    "select 'callback' " + COLUMNS.format("cast(id as text)", "best_time", "created_at", "callbacks"),
    "select 'intake' " + COLUMNS.format("intake_id", "level", "completed_at", "intakes"),
    "select kind " + COLUMNS.format("cast(id as text)", "category", "created_at", "events"),
)


def sync(db: sqlite_utils.Database) -> int:
    """Add a queue item for every record that has none yet (one insert per source); returns how many."""
    pseudonyms.register(db.conn)
    added = 0
    for select in SOURCES:
        added += db.execute(
            "insert or ignore into queue_items (kind, ref, conversation_id, reference, category, created_at, status, "
            "assignee, updated_at) select kind, ref, coalesce(cid, ''), reference(coalesce(cid, '')), "
            f"coalesce(category, ''), created, 'new', '', created from ({select}) where kind in {KIND_LIST}"
        ).rowcount
    return added


def list_items(db: sqlite_utils.Database, status: str | None = OPEN, kind: str | None = None,
               level: str | None = None, date_from: str | None = None, date_to: str | None = None,
               search: str | None = None, assignee: str | None = None, page: int = 1,
               per_page: int = PER_PAGE) -> dict:
    """One page of queue items, newest first, with the total count; filters are exact except `search`
    (a reference prefix) and the dates (YYYY-MM-DD, inclusive, on when the item came in)."""
    sync(db)
    clauses, params = storage.date_range("q.created_at", date_from, date_to)
    if status == OPEN:
        clauses.append("q.status != 'closed'")
    elif status:
        clauses.append("q.status = :status")
        params["status"] = status
    for column, value in (("kind", kind), ("assignee", assignee)):
        if value:
            clauses.append(f"q.{column} = :{column}")
            params[column] = value
    if level:
        clauses.append(f"{LATEST_INTAKE.format(column='level')} = :level")
        params["level"] = level
    if search:
        found = REFERENCE.fullmatch(search.strip())
        clauses.append("q.reference like :search")
        params["search"] = f"C-{found.group(1).lower()}%" if found else "no such reference"
    where = f"where {' and '.join(clauses)}" if clauses else ""
    total = db.execute(f"select count(*) from queue_items q {where}", params).fetchone()[0]
    page = max(1, page)
    sql = (f"select q.*, {LATEST_INTAKE.format(column='level')} as level, "
           f"{LATEST_INTAKE.format(column='intake_id')} as intake_id "
           f"from queue_items q {where} order by q.created_at desc, q.id desc limit :limit offset :offset")
    rows = [_public(row) for row in db.query(sql, {**params, "limit": per_page, "offset": (page - 1) * per_page})]
    return {"items": rows, "total": total, "page": page, "pages": max(1, -(-total // per_page))}


def _public(row: dict) -> dict:
    """A queue row as the console sees it: the conversation id stays server-side."""
    return {key: value for key, value in row.items() if key != "conversation_id"}


def get_item(db: sqlite_utils.Database, item_id: int) -> dict | None:
    """One item with its history (oldest first) and its record: the call-back's contact details,
    the event's category, or the intake's id."""
    found = list(db.query("select * from queue_items where id = ?", [item_id]))
    if not found:
        return None
    item = found[0]
    item["history"] = [{**_public(entry), "change": json.loads(entry["change"] or "{}")}
                       for entry in db.query("select * from queue_history where item_id = ? order by id", [item_id])]
    if item["kind"] == "callback":
        record = callbacks.get_request(db, int(item["ref"])) or {}
        item["callback"] = {key: record.get(key) for key in ("first_name", "contact", "contact_kind", "best_time",
                                                             "erased_at")}
        item["callback"]["best_time_label"] = callbacks.BEST_TIMES.get(record.get("best_time") or "", "")
    intakes = list(db.query("select intake_id, level from intakes where conversation_id = ? and conversation_id != '' "
                            "order by completed_at desc limit 1", [item["conversation_id"]]))
    item["intake_id"] = item["ref"] if item["kind"] == "intake" else (intakes[0]["intake_id"] if intakes else None)
    item["level"] = intakes[0]["level"] if intakes else None
    return _public(item)


def update_item(db: sqlite_utils.Database, item_id: int, counselor: str, status: str | None = None,
                assignee: str | None = None, note: str = "") -> dict:
    """Change an item's status and/or assignee and add a note; every change goes into its history.
    KeyError when there is no such item, ValueError for an unknown status or an empty change."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    note = (note or "").strip()[:MAX_NOTE]
    assignee = None if assignee is None else " ".join(assignee.split())[:80]
    with transaction(db):
        found = list(db["queue_items"].rows_where("id = ?", [item_id]))
        if not found:
            raise KeyError(item_id)
        item = found[0]
        change = {}
        if status is not None and status != item["status"]:
            change["status"] = [item["status"], status]
        if assignee is not None and assignee != item["assignee"]:
            change["assignee"] = [item["assignee"], assignee]
        if not change and not note:
            raise ValueError("nothing to change: give a status, an assignee or a note")
        if "assignee" in change and assignee and item["status"] == "new" and "status" not in change:
            change["status"] = ["new", "assigned"]
        at = now()
        db["queue_items"].update(item_id, {**{key: new for key, (_, new) in change.items()}, "updated_at": at})
        db["queue_history"].insert({"item_id": item_id, "conversation_id": item["conversation_id"], "at": at,
                                    "counselor": counselor, "change": json.dumps(change), "note": note})
    return get_item(db, item_id)


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Open items per kind."""
    sync(db)
    rows = db.execute("select kind, count(*) from queue_items where status != 'closed' group by kind").fetchall()
    return {kind: dict(rows).get(kind, 0) for kind in KINDS}


CLOSED_CALLBACKS = ("select cast(ref as integer) as id, updated_at as closed_at from queue_items "
                    "where kind = 'callback' and status = 'closed'")


def erase_expired_callbacks(db: sqlite_utils.Database, today=None) -> int:
    """Blank the contact details of call-backs closed more than callbacks.RETENTION_DAYS ago (one UPDATE)."""
    return callbacks.erase_closed(db, CLOSED_CALLBACKS, today)
