"""The console's own tables: dispositions, the audit trail, intake filters and the redacted CSV export; each test runs
on SQLite and on PostgreSQL (tests/backends.py)."""

import csv
import io

import pytest

from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records import console_store
from bot.records.storage import open_db, record_event, save_intake
from bot.records.work_queue import reference
from tests.backends import records_at  # noqa: F401  (a fixture: SQLite, then PostgreSQL)

MILD = {"substances": ["alcohol"], "severity": "mild", "withdrawal": "none", "home": "stable", "support": "strong",
        "relapse": "none", "recent_treatment": "none", "mental_health": "no"}
MODERATE = {**MILD, "severity": "moderate"}
NOTE = "Called back: my name is Sarah Miller, phone (555) 123-4567, email sarah.miller@example.com"


@pytest.fixture
def db(records_at):  # noqa: F811
    db = open_db(records_at)
    console_store.prepare(db)  # as the web app does when it starts
    for conversation, answers in (("conv-op", MILD), ("conv-iop", MODERATE), ("conv-iop2", {**MODERATE, "home": None})):
        intake = make_intake({k: v for k, v in answers.items() if v is not None})
        save_intake(db, f"{conversation}:0", conversation, intake, recommend_level(intake), consent_version="test-1")
    record_event(db, "crisis", "conv-iop", "suicide")
    record_event(db, "handoff", "conv-op", "requested")
    yield db
    db.close()


def ids(rows):
    return sorted(row["intake_id"] for row in rows)


def test_filters_by_level_review_crisis_and_date(db):
    assert ids(console_store.list_intakes(db, level="op")) == ["conv-op:0"]
    assert ids(console_store.list_intakes(db, level="iop")) == ["conv-iop2:0", "conv-iop:0"]
    assert ids(console_store.list_intakes(db, crisis=True)) == ["conv-iop:0"]
    assert ids(console_store.list_intakes(db, crisis=False)) == ["conv-iop2:0", "conv-op:0"]
    assert ids(console_store.list_intakes(db, review=True)) == ["conv-iop2:0"]  # an essential answer is missing
    assert len(console_store.list_intakes(db, review=False)) == 2
    today = console_store.now()[:10]
    assert len(console_store.list_intakes(db, date_from=today, date_to=today)) == 3
    assert console_store.list_intakes(db, date_to="2000-01-01") == []


def test_disposition_is_stored_per_intake_and_the_latest_wins(db):
    console_store.save_disposition(db, "conv-op:0", "follow_up", "first note", "Dana")
    console_store.save_disposition(db, "conv-op:0", "agree", "second note", "Lee")
    detail = console_store.intake_detail(db, "conv-op:0")
    assert (detail["disposition"], detail["note"], detail["counselor"]) == ("agree", "second note", "Lee")
    assert detail["disposition_at"]
    assert [e["kind"] for e in detail["events"]] == ["handoff"]
    with pytest.raises(ValueError):
        console_store.save_disposition(db, "conv-op:0", "whatever", "", "Lee")
    with pytest.raises(KeyError):
        console_store.save_disposition(db, "no-such:0", "agree", "", "Lee")


def test_csv_export_redacts_names_phones_and_emails(db):
    console_store.save_disposition(db, "conv-op:0", "follow_up", NOTE, "Dana")
    text = console_store.export_csv(console_store.list_intakes(db))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    for secret in ("Sarah", "Miller", "555", "123-4567", "example.com"):
        assert secret not in text
    note = next(row["note"] for row in rows if row["reference"] == reference("conv-op"))
    assert "[PHONE]" in note and "[EMAIL]" in note and "[NAME]" in note
    assert {row["level"] for row in rows} == {"op", "iop"}


def test_csv_export_has_a_column_per_criterion_reasons_as_sentences_and_no_conversation_id(db):
    text = console_store.export_csv(console_store.list_intakes(db))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "conv-" not in text and "criteria" not in rows[0]
    row = next(row for row in rows if row["reference"] == reference("conv-op"))
    assert row["substances"] == "alcohol" and row["severity"] == "mild" and row["home"] == "stable"
    assert row["reasons"] and "{" not in row["reasons"] and "sources" in row["reasons"]


def test_audit_rows_say_who_what_and_when(db):
    console_store.audit(db, "Dana", "view intake", "conv-op:0")
    console_store.audit(db, "Lee", "export intakes CSV", "intakes", "3 rows")
    rows = console_store.list_audit(db)
    assert [(r["counselor"], r["action"]) for r in rows] == [("Lee", "export intakes CSV"), ("Dana", "view intake")]
    assert all(r["at"] for r in rows)


def test_audit_targets_are_keyed_references_never_conversation_or_intake_ids(db):
    """Finding 10: audit rows kept the intake id, which names the conversation (and outlived its deletion)."""
    for target in ("conv-op:0", "conv-op", "console-AbC_dEf-123.sig-Nature_x"):
        console_store.audit(db, "Dana", "view intake", target)
    for target in ("queue", "intakes", "recent_treatment", "42", reference("conv-iop")):
        console_store.audit(db, "Dana", "view queue", target)
    targets = [row["target"] for row in reversed(console_store.list_audit(db))]
    assert targets[:2] == [reference("conv-op")] * 2  # an intake is named by its conversation's reference
    assert targets[2] == reference("console-AbC_dEf-123.sig-Nature_x")
    assert targets[3:] == ["queue", "intakes", "recent_treatment", "42", reference("conv-iop")]
    assert not any("conv-" in target or "console-" in target for target in targets)


def test_audit_rows_from_before_the_key_lose_their_ids_when_the_web_app_starts(db):
    db.insert("audit", {"at": console_store.now(), "counselor": "Dana", "action": "view intake",
                        "target": "conv-op:0", "detail": ""})
    db.insert("audit", {"at": console_store.now(), "counselor": "Dana", "action": "view queue", "target": "queue",
                        "detail": ""})
    console_store.prepare(db)
    assert [row["target"] for row in console_store.list_audit(db)] == ["queue", reference("conv-op")]


def test_an_empty_database(records_at):  # noqa: F811
    db = open_db(records_at)
    console_store.prepare(db)
    assert console_store.list_intakes(db, crisis=True) == []
    assert console_store.intake_detail(db, "x") is None


def test_csv_cells_never_start_a_spreadsheet_formula(db):
    console_store.save_disposition(db, "conv-op:0", "agree", '=HYPERLINK("http://x.example","click")', "Dana")
    rows = list(csv.DictReader(io.StringIO(console_store.export_csv(console_store.list_intakes(db)))))
    note = next(row["note"] for row in rows if row["reference"] == reference("conv-op"))
    assert note.startswith("'=")
