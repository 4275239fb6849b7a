"""Every replay run in SQLite (sqlite-utils): the run, each call's summary and detail, and the errors.

Tables: `runs` (one row per run, with its figures), `calls` (one row per call, the redacted detail as
JSON) and `errors` (files or calls that could not be read). Default path: var/replay.db.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from bot.records.storage import connect, now

DEFAULT_DB = Path("var/replay.db")


def open_runs_db(path: Path | str = DEFAULT_DB) -> sqlite_utils.Database:
    """Open (and create if needed) the replay database."""
    db = connect(path)
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the runs, calls and errors tables when missing."""
    if "runs" not in db.table_names():
        db["runs"].create({"id": int, "started_at": str, "finished_at": str, "inputs": str, "out_dir": str,
                           "workers": int, "model": str, "rule_version": str, "files": int, "calls": int,
                           "errors": int, "agreement": float, "seconds": float, "figures": str}, pk="id")
    if "calls" not in db.table_names():
        db["calls"].create({"run_id": int, "call_id": str, "source": str, "disposition": str, "level": str,
                            "agrees": int, "track": str, "review": int, "crisis": str, "missing": str,
                            "criteria": str, "detail": str}, foreign_keys=[("run_id", "runs", "id")])
        db["calls"].create_index(["run_id"])
    if "errors" not in db.table_names():
        db["errors"].create({"run_id": int, "call_id": str, "source": str, "line": int, "reason": str},
                            foreign_keys=[("run_id", "runs", "id")])
        db["errors"].create_index(["run_id"])



def start_run(db: sqlite_utils.Database, **info: object) -> int:
    """Record a new run (inputs, output folder, workers, model, rule version); returns its id."""
    return db["runs"].insert({"started_at": now(), **info}).last_pk


def add_rows(db: sqlite_utils.Database, run_id: int, calls: list[dict], errors: list[dict]) -> None:
    """Store a batch of call rows ({"summary": row, "detail": json}) and error rows (summary CSV rows)."""
    if calls:
        db["calls"].insert_all([{
            "run_id": run_id, "call_id": item["summary"]["call_id"], "source": item["summary"]["source"],
            "disposition": item["summary"]["disposition"] or None, "level": item["summary"]["level"],
            "agrees": {"yes": 1, "no": 0}.get(item["summary"]["agrees"]), "track": item["summary"]["track"],
            "review": int(item["summary"]["review"] == "yes"), "crisis": item["summary"]["crisis"] or None,
            "missing": item["summary"]["missing"], "criteria": item["summary"]["criteria"], "detail": item["detail"],
        } for item in calls])
    if errors:
        db["errors"].insert_all([{"run_id": run_id, "call_id": row["call_id"] or None, "source": row["source"],
                                  "line": row["line"] or None, "reason": row["error"]} for row in errors])


def finish_run(db: sqlite_utils.Database, run_id: int, figures: dict, seconds: float, files: int) -> None:
    """Record the run's figures and end time."""
    db["runs"].update(run_id, {"finished_at": now(), "files": files, "calls": figures["calls"],
                               "errors": figures["errors"], "agreement": figures["agreement"],
                               "seconds": round(seconds, 2), "figures": json.dumps(figures)})
