"""The counselors' work queue: call-back requests, handoffs, crisis events and new intakes in one list.

Every record the assistant writes (a callback row, a crisis or handoff event, a stored intake) becomes
one queue item the first time the queue is read (`sync`, at most once per console request). An item has a
status, an assignee and a history of who changed what, with notes. Items are found by a keyed pseudonymous
reference (bot.records.pseudonyms), never by the conversation id itself. The web app creates the tables once, when it
starts (console_store.prepare); the functions here expect them.
"""

from __future__ import annotations

import json
import re

from bot.records import callbacks, storage
from bot.records.database import Records
from bot.records.pseudonyms import reference
from bot.records.schema import RECORDS
from bot.records.storage import now

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


def ensure_schema(db: Records) -> None:
    """Create the queue's tables (and the tables that feed it) when they are missing; then bring the stored
    references up to the current key (bot.records.pseudonyms: databases from before the key, or after a new key)."""
    db.create_tables(RECORDS)
    refresh_references(db)


def refresh_references(db: Records) -> int:
    """Recompute every stored reference that is not the keyed one of its conversation; returns how many changed."""
    changed = 0
    for row in db.query("select distinct conversation_id, reference from queue_items where conversation_id != ''"):
        keyed = reference(row["conversation_id"])
        if row["reference"] != keyed:
            changed += db.execute("update queue_items set reference = ? where conversation_id = ? and reference = ?",
                                  [keyed, row["conversation_id"], row["reference"]]).rowcount
    return changed


COLUMNS = "as kind, {} as ref, conversation_id as cid, {} as category, {} as created from {}"
SOURCES = (  # each record that feeds the queue: its kind, id, conversation, category and time
    "select 'callback' " + COLUMNS.format("cast(id as text)", "best_time", "created_at", "callbacks"),
    "select 'intake' " + COLUMNS.format("intake_id", "level", "completed_at", "intakes"),
    "select kind " + COLUMNS.format("cast(id as text)", "category", "created_at", "events"),
)


NEW_RECORDS = (f"select * from ({' union all '.join(SOURCES)}) as source where kind in {KIND_LIST} and not exists "
               "(select 1 from queue_items q where q.kind = source.kind and q.ref = source.ref)")


def sync(db: Records) -> int:
    """Add a queue item for every record that has none yet (one query, one insert); returns how many."""
    items = [{"kind": row["kind"], "ref": row["ref"], "conversation_id": row["cid"] or "",
              "reference": reference(row["cid"] or ""), "category": row["category"] or "",
              "created_at": row["created"], "status": "new", "assignee": "", "updated_at": row["created"]}
             for row in db.query(NEW_RECORDS)]
    return db.insert_all("queue_items", items, ignore=True)  # another request may have added some meanwhile


def list_items(db: Records, status: str | None = OPEN, kind: str | None = None,
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


def get_item(db: Records, item_id: int) -> dict | None:
    """One item with its history (oldest first) and its record: the call-back's contact details,
    the event's category, or the intake's id."""
    found = db.rows("queue_items", "id = ?", [item_id])
    if not found:
        return None
    item = found[0]
    item["history"] = [{**_public(entry), "change": json.loads(entry["change"] or "{}")}
                       for entry in db.rows("queue_history", "item_id = ?", [item_id], order_by="id")]
    if item["kind"] == "callback":
        record = callbacks.get_request(db, int(item["ref"])) or {}
        item["callback"] = {key: record.get(key) for key in ("first_name", "contact", "contact_kind", "best_time",
                                                             "erased_at")}
        item["callback"]["best_time_label"] = callbacks.BEST_TIMES.get(record.get("best_time") or "", "")
    intakes = db.query("select intake_id, level from intakes where conversation_id = ? and conversation_id != '' "
                       "order by completed_at desc limit 1", [item["conversation_id"]])
    item["intake_id"] = item["ref"] if item["kind"] == "intake" else (intakes[0]["intake_id"] if intakes else None)
    item["level"] = intakes[0]["level"] if intakes else None
    return _public(item)


def update_item(db: Records, item_id: int, counselor: str, status: str | None = None,
                assignee: str | None = None, note: str = "") -> dict:
    """Change an item's status and/or assignee and add a note; every change goes into its history.
    KeyError when there is no such item, ValueError for an unknown status or an empty change."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    note = (note or "").strip()[:MAX_NOTE]
    assignee = None if assignee is None else " ".join(assignee.split())[:80]
    with db.transaction():
        found = db.rows("queue_items", "id = ?", [item_id])
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
        db.update("queue_items", item_id, {**{key: new for key, (_, new) in change.items()}, "updated_at": at})
        db.insert("queue_history", {"item_id": item_id, "conversation_id": item["conversation_id"], "at": at,
                                    "counselor": counselor, "change": json.dumps(change), "note": note})
    return get_item(db, item_id)


def counts(db: Records) -> dict[str, int]:
    """Open items per kind."""
    sync(db)
    rows = db.execute("select kind, count(*) from queue_items where status != 'closed' group by kind").fetchall()
    return {kind: dict(rows).get(kind, 0) for kind in KINDS}


CLOSED_CALLBACKS = ("select cast(ref as integer) as id, updated_at as closed_at from queue_items "
                    "where kind = 'callback' and status = 'closed'")


def erase_expired_callbacks(db: Records, today=None) -> int:
    """Blank the contact details of call-backs closed more than callbacks.RETENTION_DAYS ago (one UPDATE)."""
    return callbacks.erase_closed(db, CLOSED_CALLBACKS, today)
