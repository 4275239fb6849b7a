"""Intake records: one row per intake, durable, idempotent, no identifiers."""

import sqlite3

from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records.storage import get_intake, open_db, save_intake

ANSWERS = {"substances": ["alcohol"], "severity": "moderate", "home": "stable", "support": "strong"}


def test_save_and_read_back(tmp_path):
    db = open_db(tmp_path / "intake.db")
    intake = make_intake(ANSWERS)
    save_intake(db, "conv-1:0", "conv-1", intake, recommend_level(intake), consent_version="test-1")
    row = get_intake(db, "conv-1:0")
    assert row["level"] == "iop"
    assert row["criteria"]["substances"] == ["alcohol"]
    assert row["reasons"][0]["sources"]
    assert row["rule_version"]


def test_a_retried_save_does_not_duplicate(tmp_path):
    db = open_db(tmp_path / "intake.db")
    intake = make_intake(ANSWERS)
    for _ in range(3):
        save_intake(db, "conv-1:0", "conv-1", intake, recommend_level(intake), consent_version="test-1")
    assert db["intakes"].count == 1


def test_wal_mode_and_busy_timeout(tmp_path):
    db = open_db(tmp_path / "intake.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_a_saved_intake_is_visible_to_another_connection_at_once(tmp_path):
    path = tmp_path / "intake.db"
    intake = make_intake(ANSWERS)
    save_intake(open_db(path), "conv-2:0", "conv-2", intake, recommend_level(intake), consent_version="test-1")
    other = sqlite3.connect(path)
    assert other.execute("select level from intakes").fetchone() == ("iop",)


def test_no_identifier_columns(tmp_path):
    db = open_db(tmp_path / "intake.db")
    columns = {c.name for c in db["intakes"].columns}
    assert not columns & {"name", "phone", "email", "address", "date_of_birth", "text", "message"}


def test_crisis_and_handoff_events_are_recorded_without_text(tmp_path):
    from bot.records.storage import list_events, record_event

    db = open_db(tmp_path / "intake.db")
    record_event(db, "crisis", "conv-9", "suicide")
    record_event(db, "handoff", "conv-9", "requested")
    assert [e["kind"] for e in list_events(db)] == ["handoff", "crisis"]
    assert list_events(db, kind="crisis")[0]["category"] == "suicide"
    assert set(db["events"].columns_dict) == {"id", "kind", "conversation_id", "category", "status", "created_at"}


def test_a_new_database_is_private(tmp_path):
    import os
    import stat

    from bot.records.storage import open_db

    old = os.umask(0o022)
    try:
        open_db(tmp_path / "var" / "intake.db")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "var" / "intake.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
