"""A whole batch in this process (rule-layer parse): every output, the errors, SQLite, redaction, the CLI."""

import csv
import json

import pytest
import sqlite_utils

from bot.__main__ import main
from bot.replay.batch import run_batch

SECRETS = ("Marcus", "Reed", "Dana", "201-7788", "marcus.reed@example.com", "04/12/1986", "Jenna", "Priya")


@pytest.fixture
def batch(tmp_path, transcripts, parse):
    outcome = run_batch([transcripts], tmp_path / "out", db_path=tmp_path / "replay.db", parse=parse,
                        progress=False)
    return outcome, tmp_path / "out", tmp_path / "replay.db"


def test_every_format_is_replayed_and_every_malformed_file_reported(batch):
    outcome, out, _ = batch
    rows = list(csv.DictReader((out / "summary.csv").open()))
    calls = {row["call_id"]: row for row in rows if row["status"] == "ok"}
    assert set(calls) == {"iop-stepdown", "OP-2041", "crisis-call", "detox", "R-7", "P-3", "C-11", "B-2"}
    errors = {(row["source"].split("/")[-1], row["line"]) for row in rows if row["status"] == "error"}
    assert errors == {("empty.txt", "1"), ("unknown-speaker.txt", "3"), ("truncated.json", "3"),
                      ("bad-encoding.txt", "3"), ("bad-speaker.csv", "3")}
    assert outcome.tally.calls == 8 and outcome.tally.errors == 5
    assert calls["C-11"]["disposition"] == "iop"  # from dispositions.csv
    assert calls["crisis-call"]["level"] == "crisis" and calls["crisis-call"]["crisis"].startswith("suicide (turn 4")
    assert calls["detox"]["level"] == "withdrawal_management"


def test_per_call_json_and_html_and_the_report_link_to_each_other(batch):
    _, out, _ = batch
    rows = [row for row in csv.DictReader((out / "summary.csv").open()) if row["status"] == "ok"]
    report = (out / "report.html").read_text()
    for row in rows:
        page = out / row["detail"]
        assert page.exists() and f"href='{row['detail']}'" in report
        detail = json.loads(page.with_suffix(".json").read_text())
        assert detail["call_id"] == row["call_id"] and detail["level"] == row["level"]
        assert "../report.html" in page.read_text()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["calls"] == 8 and summary["errors"] == 5


def test_the_run_is_stored_in_sqlite(batch):
    outcome, _, db_path = batch
    db = sqlite_utils.Database(db_path)
    [run] = db["runs"].rows
    assert run["id"] == outcome.run_id and run["calls"] == 8 and run["errors"] == 5 and run["finished_at"]
    assert db["calls"].count == 8 and db["errors"].count == 5
    row = next(db["calls"].rows_where("call_id = ?", ["detox"]))
    assert row["level"] == "withdrawal_management" and json.loads(row["detail"])["turns"]


def test_no_output_holds_a_name_phone_email_or_date_of_birth(batch):
    _, out, db_path = batch
    files = [path for path in out.rglob("*") if path.is_file()]
    texts = [path.read_text() for path in files] + [db_path.read_bytes().decode("utf-8", "replace")]
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret
    assert any("[NAME]" in text for text in texts) and any("[PHONE]" in text for text in texts)


def test_a_second_run_adds_a_run(tmp_path, transcripts, parse, batch):
    _, _, db_path = batch
    run_batch([transcripts / "ok" / "detox.txt"], tmp_path / "again", db_path=db_path, parse=parse, progress=False)
    assert sqlite_utils.Database(db_path)["runs"].count == 2


def test_cli_exit_code_is_nonzero_only_when_nothing_could_be_replayed(tmp_path, transcripts, monkeypatch, parse):
    import bot.replay.batch as batch_module

    real = batch_module.run_batch
    monkeypatch.setattr(batch_module, "run_batch", lambda *a, **k: real(*a, **{**k, "parse": parse}))
    args = ["--out", str(tmp_path / "o"), "--db", str(tmp_path / "r.db"), "--no-progress"]
    assert main(["replay", str(transcripts / "malformed" / "empty.txt"), *args]) == 1
    assert main(["replay", str(transcripts / "malformed"), *args]) == 0  # B-2 in bad-speaker.csv replays


def test_cli_keeps_runs_beside_the_records_in_postgresql_without_printing_the_password(
        request, tmp_path, transcripts, monkeypatch, parse, capsys):
    import bot.replay.batch as batch_module
    from bot.records.database import URL_ENV
    from bot.records.postgres_records import PostgresRecords
    from tests.backends import empty, postgres_for_tests

    service = postgres_for_tests(request.config)
    empty(service)
    real = batch_module.run_batch
    monkeypatch.setattr(batch_module, "run_batch", lambda *a, **k: real(*a, **{**k, "parse": parse}))
    monkeypatch.setenv(URL_ENV, service.url())
    assert main(["replay", str(transcripts / "ok" / "detox.txt"), "--out", str(tmp_path / "o"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert f"in PostgreSQL 127.0.0.1:{service.port}/{service.database})" in printed and service.password not in printed
    with PostgresRecords(service.url()) as records:
        assert records.count("runs") == 1 and records.count("calls") == 1
    empty(service)
