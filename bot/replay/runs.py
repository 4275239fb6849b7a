"""Every replay run in the records database (bot.records.database): the run, each call's summary and detail, and
the errors.

Tables (bot.records.schema.REPLAY): `runs` (one row per run, with its figures), `calls` (one row per call, the
redacted detail as JSON) and `errors` (files or calls that could not be read). Default: the SQLite file
var/replay.db; a postgresql:// URL puts them beside the records in PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.records.database import Records, open_records
from bot.records.schema import REPLAY
from bot.records.storage import now

DEFAULT_DB = Path("var/replay.db")


def open_runs_db(where: Path | str = DEFAULT_DB) -> Records:
    """Open (and create if needed) the replay tables: a SQLite path, or a PostgreSQL URL."""
    return open_records(where, REPLAY)


def start_run(db: Records, **info: object) -> int:
    """Record a new run (inputs, output folder, workers, model, rule version); returns its id."""
    return db.insert("runs", {"started_at": now(), **info})


def add_rows(db: Records, run_id: int, calls: list[dict], errors: list[dict]) -> None:
    """Store a batch of call rows ({"summary": row, "detail": json}) and error rows (summary CSV rows)."""
    if calls:
        db.insert_all("calls", [{
            "run_id": run_id, "call_id": item["summary"]["call_id"], "source": item["summary"]["source"],
            "disposition": item["summary"]["disposition"] or None, "level": item["summary"]["level"],
            "agrees": {"yes": 1, "no": 0}.get(item["summary"]["agrees"]), "track": item["summary"]["track"],
            "review": int(item["summary"]["review"] == "yes"), "crisis": item["summary"]["crisis"] or None,
            "missing": item["summary"]["missing"], "criteria": item["summary"]["criteria"], "detail": item["detail"],
        } for item in calls])
    if errors:
        db.insert_all("errors", [{"run_id": run_id, "call_id": row["call_id"] or None, "source": row["source"],
                                  "line": row["line"] or None, "reason": row["error"]} for row in errors])


def finish_run(db: Records, run_id: int, figures: dict, seconds: float, files: int) -> None:
    """Record the run's figures and end time."""
    db.update("runs", run_id, {"finished_at": now(), "files": files, "calls": figures["calls"],
                               "errors": figures["errors"], "agreement": figures["agreement"],
                               "seconds": round(seconds, 2), "figures": json.dumps(figures)})
