"""The counselor console's own tables, beside the intakes: dispositions and the audit trail.

Both live in the records database (bot.records.storage.open_db). This module only reads the intakes and
events tables (the work queue is bot.records.work_queue). Every view, edit and export in the console is
written with `audit()` (who, what, which record, when; no health data; a conversation or intake is named by
its keyed reference, bot.records.pseudonyms, never by its id). The web app calls `prepare()` once, when it starts.
"""

from __future__ import annotations

import csv
import io
import json

from bot.clinical.criteria import CRITERIA
from bot.clinical.levels import ALL_CODES
from bot.records import work_queue
from bot.records.database import Records
from bot.records.pseudonyms import audit_target, reference
from bot.records.redact import redact
from bot.records.storage import date_range, now

DISPOSITIONS = {
    "agree": "Agree with the recommendation",
    "different_level": "Place at a different level",
    "follow_up": "Needs a follow-up call",
    "referred_out": "Referred elsewhere",
    "no_action": "No action needed",
}
LEVEL_FILTERS = ALL_CODES  # bot/clinical/levels.py
EXPORT_COLUMNS = (
    "reference", "level", "track", "review", "crisis", "started_at", "completed_at", "rule_version",
    *(criterion.id for criterion in CRITERIA), "reasons", "missing", "disposition", "placed_level", "note",
    "counselor", "disposition_at",
)
FREE_TEXT_COLUMNS = ("reasons", "note")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def prepare(db: Records) -> None:
    """Everything the console needs, once, when the web app starts: the tables (intakes, events, callbacks, the
    queue, dispositions, audit) and stored references and audit targets under the current key (a database from
    before keyed pseudonyms keeps working: its raw ids in audit targets become references here)."""
    work_queue.ensure_schema(db)
    for row in db.query("select distinct target from audit"):
        if row["target"] and audit_target(row["target"]) != row["target"]:
            db.execute("update audit set target = ? where target = ?", [audit_target(row["target"]), row["target"]])


def audit(db: Records, counselor: str, action: str, target: str = "", detail: str = "") -> None:
    """Write one audit row: who did what to which record, and when. Never pass health data in `detail`. A
    conversation or intake id given as `target` is kept as its reference (bot.records.pseudonyms.audit_target)."""
    db.insert("audit", {"at": now(), "counselor": counselor, "action": action, "target": audit_target(target),
                        "detail": detail})


def list_audit(db: Records, limit: int = 200) -> list[dict]:
    """The newest audit rows first."""
    return db.rows("audit", order_by="id desc", limit=limit)


def save_disposition(db: Records, intake_id: str, disposition: str, note: str, counselor: str,
                     level: str | None = None) -> dict:
    """Store the counselor's disposition and note for an intake (one per intake, the latest wins); placing at a
    different level names the level."""
    if disposition not in DISPOSITIONS:
        raise ValueError(f"unknown disposition {disposition!r}")
    if disposition == "different_level" and level not in LEVEL_FILTERS:
        raise ValueError("choose the level to place at")
    if not db.count("intakes", "intake_id = ?", [intake_id]):
        raise KeyError(intake_id)
    row = {"intake_id": intake_id, "disposition": disposition, "note": note.strip()[:4000], "counselor": counselor,
           "updated_at": now(), "placed_level": level if disposition == "different_level" else None}
    db.upsert("dispositions", row)
    return row


def crisis_conversations(db: Records) -> set[str]:
    """Conversation ids that had at least one crisis event."""
    sql = "select distinct conversation_id from events where kind = 'crisis'"
    return {row["conversation_id"] for row in db.query(sql)}


def list_intakes(
    db: Records,
    level: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    review: bool | None = None,
    crisis: bool | None = None,
    limit: int = 500,
) -> list[dict]:
    """Stored intakes, newest first, filtered by level, completion date (YYYY-MM-DD, inclusive), review
    flag and crisis (a crisis event recorded for the same conversation); each with its disposition."""
    clauses, params = date_range("i.completed_at", date_from, date_to)
    if level:
        clauses.append("i.level = :level")
        params["level"] = level
    if review is not None:
        clauses.append("i.review = :review")
        params["review"] = int(review)
    if crisis is not None:
        exists = "exists (select 1 from events e where e.kind = 'crisis' and e.conversation_id = i.conversation_id)"
        clauses.append(exists if crisis else f"not {exists}")
    return _select(db, " and ".join(clauses), params, limit)


def _select(db: Records, where: str, params: dict, limit: int) -> list[dict]:
    """Intakes joined with their dispositions, JSON decoded, with a crisis flag."""
    sql = (
        "select i.*, d.disposition, d.note, d.counselor, d.updated_at as disposition_at, d.placed_level "
        "from intakes i left join dispositions d on d.intake_id = i.intake_id "
        f"{'where ' + where if where else ''} order by i.completed_at desc, i.intake_id limit :limit"
    )
    in_crisis = crisis_conversations(db)
    rows = []
    for row in db.query(sql, {**params, "limit": limit}):
        for key in ("criteria", "reasons", "sources", "missing"):
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
        row["review"] = bool(row["review"])
        row["crisis"] = row["conversation_id"] in in_crisis
        row["reference"] = reference(row["conversation_id"])
        rows.append(row)
    return rows


def intake_detail(db: Records, intake_id: str) -> dict | None:
    """One intake with its disposition and the crisis/handoff events of its conversation."""
    rows = _select(db, "i.intake_id = :intake_id", {"intake_id": intake_id}, 1)
    if not rows:
        return None
    row = rows[0]
    row["events"] = db.rows("events", "conversation_id = ?", [row["conversation_id"]], order_by="id")
    return row


def export_csv(rows: list[dict]) -> str:
    """The intakes as CSV: a column per criterion, the reasons as sentences, the conversation named by its
    pseudonymous reference only; names, phone numbers, emails, dates of birth and addresses redacted from
    every free-text field (the counselor's note especially); no cell starts a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        values = {**row, **(row.get("criteria") or {}), "reference": reference(row.get("conversation_id") or ""),
                  "reasons": "; ".join(f"{r['explanation']} ({r['rule']}; sources {', '.join(r.get('sources', []))})"
                                       for r in row.get("reasons") or []),
                  "missing": ", ".join(row.get("missing") or [])}
        record = {}
        for column in EXPORT_COLUMNS:
            value = values.get(column)
            value = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            value = "" if value is None else str(value)
            value = redact(value) if column in FREE_TEXT_COLUMNS else value
            record[column] = "'" + value if value[:1] in FORMULA_STARTS else value  # no spreadsheet formulas
        writer.writerow(record)
    return out.getvalue()
