"""The counselor console's JSON endpoints. Every call is made by a logged-in counselor and audited.

Each handler takes the Console (database, Rasa access) and the request's counselor, query and
body, and returns a Reply. The browser never sees Rasa's token: trackers are read here, server
side, and only for the console's own test conversations (ids starting with CONSOLE_PREFIX).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from bot.clinical.criteria import ASAM_DIMENSIONS, CRITERIA
from bot.clinical.levels import BY_CODE, CRISIS_LABELS
from bot.records import console_store, work_queue
from bot.records.database import Records
from bot.web.inspector import conversation_record, tracker_view, what_if

CONSOLE_PREFIX = "console-"
CONVERSATION_ID = re.compile(rf"^{CONSOLE_PREFIX}[A-Za-z0-9_.-]{{16,130}}$")  # issued by Rasa (bot.app.sessions)
SCENARIOS_FILE = Path(__file__).resolve().parent / "scenarios.json"


@dataclass
class Reply:
    """An HTTP answer: status, body bytes, content type, extra headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


def json_reply(payload: Any, status: int = 200) -> Reply:
    """A JSON Reply."""
    return Reply(status, json.dumps(payload).encode())


def error(status: int, message: str) -> Reply:
    """A JSON error Reply."""
    return json_reply({"error": message}, status)


def rasa_tracker_fetcher(rasa_url: str, rasa_token: str) -> Callable[[str], dict]:
    """A function that reads a conversation's tracker from Rasa's HTTP API with the Rasa token."""
    def fetch(conversation_id: str) -> dict:
        query = urllib.parse.urlencode({"token": rasa_token})
        url = f"{rasa_url}/conversations/{urllib.parse.quote(conversation_id)}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=15) as response:
            return json.loads(response.read())
    return fetch


@dataclass
class Console:
    """What the endpoints need: the records database (its tables created when the web app started:
    console_store.prepare), a tracker reader and the Rasa URL for the chat pane."""

    db: Records
    fetch_tracker: Callable[[str], dict]
    rasa_url: str
    scenarios_file: Path = SCENARIOS_FILE


def overview(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """Who is logged in, the open queue items per kind, and the vocabulary the views need."""
    counts = work_queue.counts(console.db)
    console_store.audit(console.db, counselor, "view overview", "queue",
                        ", ".join(f"{count} {kind}" for kind, count in counts.items()) + " open")
    return json_reply({
        "counselor": counselor,
        "rasa_url": console.rasa_url,
        "open": counts,
        "kinds": work_queue.KINDS,
        "statuses": work_queue.STATUSES,
        "dispositions": console_store.DISPOSITIONS,
        "crisis_labels": CRISIS_LABELS,
        "levels": {code: BY_CODE[code].title for code in console_store.LEVEL_FILTERS},
        "dimensions": ASAM_DIMENSIONS,
        "criteria": [{"id": c.id, "label": c.label, "values": list(c.values), "numeric": c.numeric,
                      "multiple": c.multiple, "dimension": c.dimension,
                      "value_labels": {v: c.value_labels.get(v, v.replace("_", " ")) for v in c.values}}
                     for c in CRITERIA],
    })


def inspect(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """The live inspector for one of the console's own test conversations."""
    conversation_id = query.get("conversation", "")
    if not CONVERSATION_ID.match(conversation_id):
        return error(400, f"the inspector reads the console's own conversations ({CONSOLE_PREFIX}...) only")
    try:
        tracker = console.fetch_tracker(conversation_id)
    except OSError:
        return error(502, "the assistant's API did not answer")
    console_store.audit(console.db, counselor, "view conversation", conversation_id)
    return json_reply(tracker_view(tracker))


def whatif(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """The recommendation with one criterion changed; nothing is stored (the audit row names the criterion only)."""
    answers, criterion_id = body.get("answers"), body.get("criterion")
    if not isinstance(answers, dict) or not isinstance(criterion_id, str):
        return error(400, "send {answers: {...}, criterion: id, value: ...}")
    try:
        result = what_if(answers, criterion_id, body.get("value"))
    except KeyError:
        return error(400, f"unknown criterion {criterion_id!r}")
    except ValueError as problem:
        return error(400, str(problem))
    console_store.audit(console.db, counselor, "view what-if", criterion_id)
    return json_reply(result)


def _day(query: Mapping[str, str], name: str) -> str | None:
    """A YYYY-MM-DD query parameter, or None."""
    value = query.get(name, "")
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def _filters(query: Mapping[str, str]) -> dict:
    def flag(name: str) -> bool | None:
        value = query.get(name, "")
        return {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}.get(value.lower())

    level = query.get("level") or None
    return {"level": level if level in console_store.LEVEL_FILTERS else None, "date_from": _day(query, "from"),
            "date_to": _day(query, "to"), "review": flag("review"), "crisis": flag("crisis")}


def _describe_filters(filters: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in filters.items() if value is not None) or "all"


def intakes(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """Stored intakes, filtered by level, date range, review flag and crisis."""
    filters = _filters(query)
    rows = console_store.list_intakes(console.db, **filters)
    console_store.audit(console.db, counselor, "view intake list", "intakes", _describe_filters(filters))
    return json_reply({"intakes": rows, "filters": filters})


def intake(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """One intake with its disposition and events."""
    intake_id = query.get("id", "")
    row = console_store.intake_detail(console.db, intake_id)
    if row is None:
        return error(404, "no such intake")
    console_store.audit(console.db, counselor, "view intake", intake_id)
    return json_reply(row)


def intake_conversation(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """A stored intake's conversation: the person's own words per criterion and the transcript (audited)."""
    intake_id = query.get("id", "")
    row = console_store.intake_detail(console.db, intake_id)
    if row is None:
        return error(404, "no such intake")
    try:
        tracker = console.fetch_tracker(row["conversation_id"])
    except OSError:
        return error(502, "the assistant's API did not answer")
    console_store.audit(console.db, counselor, "view transcript", intake_id)
    return json_reply(conversation_record(tracker))


def disposition(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """Save the counselor's disposition and note for an intake."""
    intake_id, choice, note = body.get("intake_id"), body.get("disposition"), body.get("note", "")
    level = body.get("level")
    if not all(isinstance(v, str) for v in (intake_id, choice, note)) or not isinstance(level, (str, type(None))):
        return error(400, "send {intake_id, disposition, note, level?}")
    try:
        row = console_store.save_disposition(console.db, intake_id, choice, note, counselor, level or None)
    except ValueError as problem:
        return error(400, str(problem))
    except KeyError:
        return error(404, "no such intake")
    console_store.audit(console.db, counselor, "edit disposition", intake_id, choice)
    return json_reply(row)


def export(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """The filtered intakes as CSV, identifiers redacted; the export is audited."""
    filters = _filters(query)
    rows = console_store.list_intakes(console.db, **filters, limit=100000)
    console_store.audit(console.db, counselor, "export intakes CSV", "intakes",
                 f"{len(rows)} rows; {_describe_filters(filters)}")
    return Reply(200, console_store.export_csv(rows).encode(), "text/csv; charset=utf-8",
                 {"Content-Disposition": 'attachment; filename="intakes-redacted.csv"'})


def _queue_filters(query: Mapping[str, str]) -> dict:
    status = query.get("status", work_queue.OPEN)
    page = query.get("page", "1")
    return {"status": status if status in (*work_queue.STATUSES, work_queue.OPEN) else None,
            "kind": query.get("kind") if query.get("kind") in work_queue.KINDS else None,
            "level": query.get("level") if query.get("level") in console_store.LEVEL_FILTERS else None,
            "date_from": _day(query, "from"), "date_to": _day(query, "to"), "search": query.get("q", "")[:20] or None,
            "assignee": query.get("assignee", "")[:80] or None,
            "page": int(page) if page.isdigit() and 0 < int(page) < 100000 else 1}


def queue(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """One page of the work queue, filtered by status, kind, level, dates, assignee and reference."""
    filters = _queue_filters(query)
    work_queue.erase_expired_callbacks(console.db)
    result = work_queue.list_items(console.db, **filters)
    console_store.audit(console.db, counselor, "view queue", "queue", _describe_filters(filters))
    return json_reply({**result, "filters": filters})


def queue_item(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """One queue item with its history (and a call-back's contact details, which is audited)."""
    item_id = query.get("id", "")
    item = work_queue.get_item(console.db, int(item_id)) if item_id.isdigit() else None
    if item is None:
        return error(404, "no such queue item")
    console_store.audit(console.db, counselor, "view queue item", item_id, item["kind"])
    return json_reply(item)


def queue_update(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """Change a queue item's status or assignee, with a note; the change goes into its history."""
    item_id, status, assignee, note = (body.get(key) for key in ("id", "status", "assignee", "note"))
    if not isinstance(item_id, int) or not all(isinstance(v, (str, type(None))) for v in (status, assignee, note)):
        return error(400, "send {id, status?, assignee?, note?}")
    try:
        item = work_queue.update_item(console.db, item_id, counselor, status=status, assignee=assignee, note=note or "")
    except KeyError:
        return error(404, "no such queue item")
    except ValueError as problem:
        return error(400, str(problem))
    console_store.audit(console.db, counselor, "update queue item", str(item_id),
                        ", ".join(f"{key}: {old} -> {new}" for key, (old, new) in item["history"][-1]["change"].items()
                                  if key == "status") or "note or assignee")
    return json_reply(item)


def scenarios(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """The saved scenarios: scripted client messages the console sends in order."""
    return json_reply(json.loads(console.scenarios_file.read_text()))


def audit_log(console: Console, counselor: str, query: Mapping[str, str], body: dict) -> Reply:
    """The newest audit rows."""
    console_store.audit(console.db, counselor, "view audit log", "audit")
    return json_reply({"audit": console_store.list_audit(console.db)})


ROUTES: dict[tuple[str, str], Callable[..., Reply]] = {
    ("GET", "overview"): overview,
    ("GET", "inspect"): inspect,
    ("POST", "whatif"): whatif,
    ("GET", "intakes"): intakes,
    ("GET", "intake"): intake,
    ("GET", "intake/conversation"): intake_conversation,
    ("POST", "disposition"): disposition,
    ("GET", "export.csv"): export,
    ("GET", "queue"): queue,
    ("GET", "queue/item"): queue_item,
    ("POST", "queue/update"): queue_update,
    ("GET", "scenarios"): scenarios,
    ("GET", "audit"): audit_log,
}


def handle(console: Console, counselor: str, method: str, name: str, query: Mapping[str, str],
           body: dict) -> Reply:
    """Dispatch one API call."""
    handler = ROUTES.get((method, name))
    if handler is None:
        known = {route for verb, route in ROUTES if route == name}
        return error(405 if known else 404, "method not allowed" if known else "not found")
    return handler(console, counselor, query, body)
