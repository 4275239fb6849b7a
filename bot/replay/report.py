"""The outputs of a replay: one JSON and one HTML page per call, the summary CSV, the agreement figures and
the HTML report. Everything written here is already redacted (bot.replay.calls redacts CallResults;
error rows are redacted here). The HTML is self-contained (inline CSS, no JavaScript).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, TextIO

from bot.clinical.criteria import BY_ID
from bot.clinical.levels import BY_CODE
from bot.records.redact import redact
from bot.replay.transcripts import DISPOSITION_LEVELS, TranscriptError

if TYPE_CHECKING:  # the replay itself imports spaCy (and TensorFlow); the report does not need them
    from bot.replay.calls import CallResult

SUMMARY_COLUMNS = ("status", "call_id", "source", "line", "disposition", "level", "agrees", "track", "review",
                   "crisis", "missing", "criteria", "rules", "error", "detail")
CALLS_DIR = "calls"
LEVEL_NAMES = {code: level.short for code, level in BY_CODE.items()}  # bot/clinical/levels.py


# ---------------------------------------------------------------- per call


def detail_name(call_id: str, source: str) -> str:
    """A file name (no extension) for a call's detail: readable, unique per source file and call id."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", redact(call_id)).strip("_")[:60] or "call"
    digest = hashlib.sha1(f"{source}\n{call_id}".encode()).hexdigest()[:8]
    return f"{slug}-{digest}"


def write_call(out_dir: Path, name: str, result: CallResult) -> str:
    """Write calls/<name>.json and calls/<name>.html; returns the HTML page's path relative to out_dir."""
    folder = out_dir / CALLS_DIR
    data = result.to_dict()
    (folder / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    (folder / f"{name}.html").write_text(call_page(data, f"{name}.json"), encoding="utf-8")
    return f"{CALLS_DIR}/{name}.html"


def summary_row(result: CallResult, detail: str) -> dict:
    """The call's row in the summary CSV."""
    crisis = "; ".join(f"{flag['category']} (turn {flag['turn']}, line {flag['line']})" for flag in result.crisis)
    criteria = "; ".join(f"{key}={_value(found['value'])}" for key, found in result.criteria.items())
    rules = "; ".join(dict.fromkeys(reason["rule"] for reason in result.recommendation.get("reasons", [])))
    return {
        "status": "ok", "call_id": result.call_id, "source": result.source, "line": "",
        "disposition": result.disposition or "", "level": result.level,
        "agrees": "" if result.agrees is None else ("yes" if result.agrees else "no"),
        "track": result.track, "review": "yes" if result.review else "no", "crisis": crisis,
        "missing": "; ".join(result.missing), "criteria": criteria, "rules": rules, "error": "", "detail": detail,
    }


def error_row(error: TranscriptError) -> dict:
    """An unreadable file (or call) as a summary CSV row."""
    return {**dict.fromkeys(SUMMARY_COLUMNS, ""), "status": "error", "call_id": redact(error.call_id or ""),
            "source": redact(error.path), "line": error.line or "", "error": redact(error.reason)}


def _value(value: object) -> str:
    return "+".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


# ---------------------------------------------------------------- figures


@dataclass
class Tally:
    """The run's figures, built row by row from the summary: small whatever the number of calls."""

    calls: int = 0
    errors: int = 0
    with_disposition: int = 0
    agreed: int = 0
    review: int = 0
    crisis: int = 0
    levels: Counter = field(default_factory=Counter)  # assistant's level -> calls
    by_disposition: Counter = field(default_factory=Counter)  # agent's level -> calls
    agreed_by_disposition: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (agent's level, assistant's level) -> calls
    missing: Counter = field(default_factory=Counter)  # criterion -> calls missing it

    def add(self, row: dict) -> None:
        """Count one summary row."""
        if row["status"] != "ok":
            self.errors += 1
            return
        self.calls += 1
        self.levels[row["level"]] += 1
        self.review += row["review"] == "yes"
        self.crisis += bool(row["crisis"])
        for criterion in filter(None, (item.strip() for item in row["missing"].split(";"))):
            self.missing[criterion] += 1
        if row["disposition"]:
            self.with_disposition += 1
            self.by_disposition[row["disposition"]] += 1
            self.confusion[(row["disposition"], row["level"])] += 1
            if row["disposition"] == row["level"]:
                self.agreed += 1
                self.agreed_by_disposition[row["disposition"]] += 1

    @property
    def agreement(self) -> float | None:
        """Share of calls with a disposition where the assistant chose the agent's level."""
        return self.agreed / self.with_disposition if self.with_disposition else None

    def agreement_for(self, level: str) -> float | None:
        """Share of the calls the agents placed at `level` that the assistant placed there too."""
        total = self.by_disposition[level]
        return self.agreed_by_disposition[level] / total if total else None

    def level_order(self) -> list[str]:
        """Levels seen in this run, in the order of bot/clinical/placement.py (crisis last)."""
        seen = set(self.levels) | set(self.by_disposition)
        return [level for level in DISPOSITION_LEVELS if level in seen] + sorted(seen - set(DISPOSITION_LEVELS))

    def to_dict(self) -> dict:
        """A JSON-ready summary of the figures."""
        return {
            "calls": self.calls, "errors": self.errors, "with_disposition": self.with_disposition,
            "agreed": self.agreed, "agreement": self.agreement, "review": self.review, "crisis_calls": self.crisis,
            "levels": dict(self.levels),
            "per_level": {level: {"calls": self.by_disposition[level], "agreed": self.agreed_by_disposition[level],
                                  "agreement": self.agreement_for(level)} for level in self.by_disposition},
            "confusion": {f"{agent}->{assistant}": n for (agent, assistant), n in sorted(self.confusion.items())},
            "missing": dict(self.missing.most_common()),
        }


def read_summary(path: Path) -> Iterator[dict]:
    """The rows of a summary CSV, one at a time."""
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def tally_summary(path: Path) -> Tally:
    """The figures of a summary CSV."""
    tally = Tally()
    for row in read_summary(path):
        tally.add(row)
    return tally


class SummaryWriter:
    """Appends rows to the summary CSV as results arrive."""

    def __init__(self, path: Path) -> None:
        self.handle: TextIO = path.open("w", newline="", encoding="utf-8")
        self.writer = csv.DictWriter(self.handle, SUMMARY_COLUMNS)
        self.writer.writeheader()

    def write(self, row: dict) -> None:
        self.writer.writerow(row)

    def close(self) -> None:
        self.handle.close()


# ---------------------------------------------------------------- HTML

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;
vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}td.hit{background:#e3f3e3;font-weight:600}
.big{font-size:1.6rem;font-weight:700}.no{color:#a00}.yes{color:#070}.muted{color:#666}.crisis{color:#a00;font-weight:600}
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.1%}"


def _level(level: str) -> str:
    return escape(LEVEL_NAMES.get(level, level or "–"))


def write_report(path: Path, tally: Tally, summary: Path, run: dict) -> None:
    """The HTML report: agreement overall and per level, confusion matrix, crisis calls, most often missing
    criteria, unreadable files, and every call linked to its detail page. Rows are streamed from `summary`."""
    with path.open("w", encoding="utf-8") as out:
        out.write(_page("Replay report", "<!--body-->").split("<!--body-->")[0])
        out.write(_head(tally, run))
        out.write(_agreement(tally))
        out.write(_confusion(tally))
        out.write("<h2>Calls flagged for crisis</h2>\n")
        rows = [_crisis_row(row) for row in read_summary(summary) if row["status"] == "ok" and row["crisis"]]
        out.write(_table(("call", "agent", "assistant", "crisis (turn, line)"), rows) if rows else
                  "<p>None.</p>\n")
        out.write(_missing(tally))
        out.write("<h2>Files that could not be read</h2>\n")
        errors = [(escape(row["source"]), escape(str(row["line"])), escape(row["error"]))
                  for row in read_summary(summary) if row["status"] != "ok"]
        out.write(_table(("file", "line", "reason"), errors) if errors else "<p>None.</p>\n")
        out.write("<h2>All calls</h2>\n<table><tr><th>call</th><th>agent</th><th>assistant</th><th>agree</th>"
                  "<th>review</th><th>missing</th></tr>\n")
        for row in read_summary(summary):
            if row["status"] == "ok":
                out.write("<tr>" + "".join(f"<td>{cell}</td>" for cell in _call_cells(row)) + "</tr>\n")
        out.write("</table>\n</body></html>\n")


def _head(tally: Tally, run: dict) -> str:
    figures = [("Calls replayed", tally.calls), ("With an agent disposition", tally.with_disposition),
               ("Files or calls that could not be read", tally.errors), ("Flagged for crisis", tally.crisis),
               ("Flagged for counselor review", tally.review)]
    rows = "".join(f"<tr><th>{escape(label)}</th><td class=n>{value}</td></tr>" for label, value in figures)
    meta = " · ".join(escape(f"{key}: {value}") for key, value in run.items() if value not in (None, ""))
    return (f"<h1>Replay of intake calls</h1>\n<p class=muted>{meta}</p>\n"
            f"<p><span class=big>{_percent(tally.agreement)}</span> agreement with the agents "
            f"({tally.agreed} of {tally.with_disposition} calls with a disposition).</p>\n<table>{rows}</table>\n")


def _agreement(tally: Tally) -> str:
    rows = []
    for level in tally.level_order():
        if tally.by_disposition[level] or tally.levels[level]:
            rows.append((_level(level), str(tally.by_disposition[level]), str(tally.agreed_by_disposition[level]),
                         _percent(tally.agreement_for(level)), str(tally.levels[level])))
    return ("<h2>Agreement per level</h2>\n<p class=muted>Of the calls the agents placed at each level, how many "
            "the assistant placed there too.</p>\n"
            + _table(("level", "agent placed", "assistant agreed", "agreement", "assistant placed"), rows))


def _confusion(tally: Tally) -> str:
    levels = tally.level_order()
    head = "<tr><th>agent ↓ / assistant →</th>" + "".join(f"<th>{_level(level)}</th>" for level in levels) + "</tr>"
    body = ""
    for agent in levels:
        if not tally.by_disposition[agent]:
            continue
        cells = "".join(
            f"<td class='n{' hit' if agent == assistant else ''}'>{tally.confusion[(agent, assistant)] or ''}</td>"
            for assistant in levels)
        body += f"<tr><th>{_level(agent)}</th>{cells}</tr>\n"
    return f"<h2>Confusion matrix</h2>\n<table>{head}\n{body}</table>\n" if body else ""


def _missing(tally: Tally) -> str:
    rows = [(escape(BY_ID[key].label if key in BY_ID else key), escape(key), str(count),
             _percent(count / tally.calls if tally.calls else None)) for key, count in tally.missing.most_common(10)]
    return ("<h2>Most often missing criteria</h2>\n<p class=muted>What the recommendation still needed at the end "
            "of the call.</p>\n" + (_table(("criterion", "id", "calls", "share"), rows) if rows else "<p>None.</p>\n"))


def _link(row: dict) -> str:
    return f"<a href='{escape(row['detail'])}'>{escape(row['call_id'])}</a>"


def _crisis_row(row: dict) -> tuple[str, ...]:
    return (_link(row), _level(row["disposition"]), _level(row["level"]), f"<span class=crisis>{escape(row['crisis'])}"
            "</span>")


def _call_cells(row: dict) -> tuple[str, ...]:
    agree = {"yes": "<span class=yes>yes</span>", "no": "<span class=no>no</span>"}.get(row["agrees"], "–")
    level = _level(row["level"]) + (" <span class=crisis>crisis</span>" if row["crisis"] and row["level"] != "crisis"
                                    else "")
    return (_link(row), _level(row["disposition"]), level, agree, escape(row["review"]), escape(row["missing"]))


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f"<table><tr>{head}</tr>\n{body}</table>\n"


def call_page(data: dict, json_name: str) -> str:
    """One call's detail: the recommendation and its reasons, what was found where, crisis flags, the turns."""
    agree = {True: "agrees with", False: "differs from", None: "no disposition to compare with"}[data["agrees"]]
    parts = [f"<p><a href='../report.html'>← report</a> · <a href='{escape(json_name)}'>JSON</a></p>",
             f"<h1>Call {escape(data['call_id'])}</h1>",
             f"<p class=muted>{escape(data['source'])}</p>",
             f"<p>Assistant: <strong>{_level(data['level'])}</strong> ({escape(data['track'])} track"
             f"{', counselor review' if data['review'] else ''}) · agent: <strong>{_level(data['disposition'])}"
             f"</strong> · {agree} the agent.</p>"]
    if data["crisis"]:
        parts.append("<h2>Crisis</h2>" + _table(("turn", "line", "category", "words"), [
            (str(f["turn"]), str(f["line"]), f"<span class=crisis>{escape(f['category'])}</span>", escape(f["text"]))
            for f in data["crisis"]]))
    reasons = [(escape(r["rule"]), escape(r["explanation"]), escape(", ".join(r["sources"])))
               for r in data["recommendation"].get("reasons", [])]
    parts.append("<h2>Why</h2>" + _table(("rule", "explanation", "sources"), reasons))
    found = [(escape(BY_ID[key].label), escape(_value(f["value"])), str(f["turn"]), str(f["line"]))
             for key, f in data["criteria"].items()]
    parts.append("<h2>What the assistant understood</h2>" + (_table(("criterion", "value", "turn", "line"), found)
                                                           if found else "<p>Nothing.</p>"))
    parts.append(f"<p>Missing for the recommendation: {escape(', '.join(data['missing']) or 'nothing')}.<br>"
                 f"Never answered: {escape(', '.join(data['unanswered']) or 'nothing')}.</p>")
    turns = []
    for turn in data["turns"]:
        notes = []
        if turn.get("asks_about"):
            notes.append(f"asks about {turn['asks_about']}")
        if turn.get("intent"):
            notes.append(f"intent {turn['intent']}")
        if turn.get("found"):
            notes.append("found " + ", ".join(f"{k}={_value(v)}" for k, v in turn["found"].items()))
        if turn.get("crisis"):
            notes.append(f"<span class=crisis>crisis: {escape(turn['crisis'])}</span>")
        if turn.get("safety_check"):
            notes.append(f"<span class=crisis>safety question: {escape(turn['safety_check'])}</span>")
        turns.append((str(turn["turn"]), str(turn["line"]), escape(turn["speaker"]), escape(turn["text"]),
                      "; ".join(note if note.startswith("<span") else escape(note) for note in notes)))
    parts.append("<h2>Turns</h2>" + _table(("turn", "line", "speaker", "text", "read as"), turns))
    return _page(f"Call {data['call_id']}", "\n".join(parts))
