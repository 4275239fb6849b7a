"""The agreement figures, the summary CSV and the HTML report, on rows with known answers."""

from bot.replay.report import SummaryWriter, Tally, error_row, tally_summary, write_report
from bot.replay.transcripts import TranscriptError

# (agent's disposition, assistant's level, missing, crisis): 10 calls with known figures.
CALLS = [
    ("iop", "iop", "home", ""), ("iop", "iop", "", ""), ("iop", "op", "support; home", ""),
    ("op", "op", "", ""), ("op", "iop", "relapse", ""),
    ("residential", "residential", "can_live_at_facility", ""), ("residential", "php", "home", ""),
    ("withdrawal_management", "withdrawal_management", "", ""),
    ("crisis", "crisis", "", "suicide (turn 4, line 9)"),
    ("", "iop", "severity; home", ""),
]


def row(number, disposition, level, missing, crisis):
    return {"status": "ok", "call_id": f"c{number}", "source": f"in/c{number}.txt", "line": "",
            "disposition": disposition, "level": level,
            "agrees": "" if not disposition else ("yes" if disposition == level else "no"), "track": "standard",
            "review": "no", "crisis": crisis, "missing": missing, "criteria": "", "rules": "", "error": "",
            "detail": f"calls/c{number}.html"}


def summary(tmp_path):
    path = tmp_path / "summary.csv"
    writer = SummaryWriter(path)
    for number, call in enumerate(CALLS):
        writer.write(row(number, *call))
    writer.write(error_row(TranscriptError("in/bad.txt", 3, "unknown speaker label 'Doctor'")))
    writer.close()
    return path


def test_agreement_overall_per_level_and_confusion(tmp_path):
    tally = tally_summary(summary(tmp_path))
    assert (tally.calls, tally.errors, tally.with_disposition, tally.agreed) == (10, 1, 9, 6)
    assert tally.agreement == 6 / 9
    assert tally.agreement_for("iop") == 2 / 3
    assert tally.agreement_for("op") == 1 / 2
    assert tally.agreement_for("residential") == 1 / 2
    assert tally.agreement_for("withdrawal_management") == 1.0
    assert tally.agreement_for("php") is None  # no agent placed anyone at PHP
    assert tally.confusion[("iop", "op")] == 1 and tally.confusion[("residential", "php")] == 1
    assert tally.levels["iop"] == 4
    assert tally.missing.most_common(1) == [("home", 4)] and sum(tally.missing.values()) == 8
    assert tally.crisis == 1
    figures = tally.to_dict()
    assert figures["per_level"]["iop"] == {"calls": 3, "agreed": 2, "agreement": 2 / 3}
    assert figures["confusion"]["op->iop"] == 1


def test_html_report_shows_the_figures_and_links_every_call(tmp_path):
    path = summary(tmp_path)
    write_report(tmp_path / "report.html", tally_summary(path), path, {"run": 1})
    html = (tmp_path / "report.html").read_text()
    assert "66.7%</span> agreement with the agents (6 of 9 calls with a disposition)" in html
    assert "<h2>Confusion matrix</h2>" in html and "<h2>Calls flagged for crisis</h2>" in html
    assert "suicide (turn 4, line 9)" in html
    assert "<h2>Most often missing criteria</h2>" in html and "Home environment" in html
    assert "in/bad.txt" in html and "unknown speaker label &#x27;Doctor&#x27;" in html
    for number in range(10):
        assert f"<a href='calls/c{number}.html'>c{number}</a>" in html
    assert "<script" not in html


def test_html_escapes_what_it_shows(tmp_path):
    path = tmp_path / "summary.csv"
    writer = SummaryWriter(path)
    writer.write(row(1, "iop", "iop", "", "") | {"call_id": "<b>x</b>"})
    writer.close()
    write_report(tmp_path / "r.html", tally_summary(path), path, {})
    assert "<b>x</b>" not in (tmp_path / "r.html").read_text()


def test_error_rows_are_redacted():
    error = error_row(TranscriptError("in/call for 555-201-7788.txt", None, "unknown speaker 'my name is Ann Lee'"))
    assert "7788" not in error["source"] and "Ann" not in error["error"]


def test_empty_tally():
    assert Tally().agreement is None and Tally().to_dict()["calls"] == 0
