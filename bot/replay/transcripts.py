"""Call transcripts in three formats, read into Transcripts, or a TranscriptError naming path, line and reason.

Plain text (.txt), one turn per line; a line without a speaker label continues the turn above:

    # disposition: iop
    [00:00:04] Agent: Thanks for calling, what's going on?
    [00:00:09] Caller: I've been drinking every day
    and it's getting worse

JSON (.json): {"call_id": ..., "disposition": ..., "turns": [{"speaker": "agent", "text": ...}, ...]}
(or a list of such objects).

CSV (.csv): columns call_id, speaker, text, and optionally disposition; one row per turn, many calls per
file. A CSV with only call_id and disposition holds the agents' dispositions for calls in other files.

Dispositions are normalised to the level ids of bot/clinical/placement.py ("Intensive Outpatient" -> "iop",
"detox" -> "withdrawal_management"), plus "crisis".
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bot.clinical.placement import LEVELS

SPEAKERS = {
    "agent": ("agent", "counselor", "counsellor", "rep", "representative", "staff", "operator", "clinician",
              "intake", "intake coordinator", "intake specialist", "admissions", "coordinator", "navigator"),
    "caller": ("caller", "client", "patient", "customer", "member"),
}
SPEAKER_OF = {label: speaker for speaker, labels in SPEAKERS.items() for label in labels}
CRISIS = "crisis"
DISPOSITION_LEVELS = LEVELS + (CRISIS,)
DISPOSITION_WORDS = {
    "iop": "iop", "intensive outpatient": "iop", "intensive outpatient program": "iop", "intensive op": "iop",
    "intensive outpatient treatment": "iop",
    "op": "op", "outpatient": "op", "standard outpatient": "op", "general outpatient": "op", "gop": "op",
    "routine outpatient": "op", "outpatient program": "op", "outpatient therapy": "op", "outpatient counseling": "op",
    "php": "php", "partial hospitalization": "php", "partial hospitalisation": "php", "partial": "php",
    "partial hospitalization program": "php", "partial hospital": "php", "day treatment": "php",
    "day program": "php",
    "residential": "residential", "inpatient": "residential", "residential treatment": "residential",
    "rehab": "residential", "inpatient rehab": "residential", "residential rehab": "residential", "rtc": "residential",
    "res": "residential", "inpatient residential": "residential",
    "withdrawal management": "withdrawal_management", "detox": "withdrawal_management",
    "detoxification": "withdrawal_management", "medical detox": "withdrawal_management",
    "wm": "withdrawal_management", "medically supervised withdrawal": "withdrawal_management",
    "medically managed withdrawal": "withdrawal_management", "inpatient detox": "withdrawal_management",
    "crisis": CRISIS, "crisis services": CRISIS, "crisis referral": CRISIS, "emergency": CRISIS, "er": CRISIS,
    "988": CRISIS, "911": CRISIS, "emergency room": CRISIS, "mobile crisis": CRISIS,
}
TIMESTAMP = r"(?:[\[(]\s*)?(?:\d{4}-\d\d-\d\d[ T])?\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d+)?(?:\s*[\])])?\s*[-–]?\s*"
TURN_LINE = re.compile(rf"^\s*(?P<ts>{TIMESTAMP})?(?P<label>[^\W\d_][\w .'-]{{0,30}}?)\s*:(?:\s+|$)(?P<text>.*)$")
HEADER_LINE = re.compile(r"^\s*#\s*(?P<key>[\w -]+?)\s*:\s*(?P<value>.*?)\s*$")
# A label we do not know is an error only when it looks like one: capitalised words or a word and a number.
LABEL_LIKE = re.compile(r"^[A-Z][A-Za-z]*(?:[ _-]?(?:[A-Z][A-Za-z]*|\d+))?$")
JSON_SPEAKER_KEY = re.compile(r'"speaker"\s*:')
FORMATS = (".txt", ".json", ".csv")


@dataclass(frozen=True)
class Turn:
    """One turn of a call: who spoke ("agent" or "caller"), what was said, and its line in the file."""

    speaker: str
    text: str
    line: int


@dataclass(frozen=True)
class Transcript:
    """One call: its id, the file it came from, the agent's disposition (a level id or None), its turns."""

    call_id: str
    path: str
    disposition: str | None
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class TranscriptError:
    """A file, or one call in it, that could not be read: where and why."""

    path: str
    line: int | None
    reason: str
    call_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


class _Malformed(Exception):
    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def normalize_disposition(value: object) -> str | None:
    """The level id for a disposition as agents write it; None when empty. ValueError when unknown."""
    if value is None:
        return None
    words = re.sub(r"[\s_/-]+", " ", re.sub(r"[.()]", "", str(value).lower())).strip()
    words = re.sub(r"\b(out|in) patient\b", r"\1patient", words)
    words = re.sub(r"^(?:refer(?:red)? to|referral to|recommend(?:ed)?|level of care)\s*:?\s*", "", words)
    if not words:
        return None
    if words in DISPOSITION_WORDS:
        return DISPOSITION_WORDS[words]
    if words.replace(" ", "_") in DISPOSITION_LEVELS:
        return words.replace(" ", "_")
    raise ValueError(f"unknown disposition {str(value)[:40]!r} (expected one of {', '.join(DISPOSITION_LEVELS)})")


def speaker_of(label: str) -> str | None:
    """"agent" or "caller" for a speaker label in any case ("AGENT", "Caller", "intake coordinator")."""
    return SPEAKER_OF.get(re.sub(r"[\s_-]+", " ", label.strip().lower()))


def read_path(path: Path | str) -> list[Transcript | TranscriptError]:
    """Every call in one file, or the errors that stopped it being read (by extension: .txt, .json, .csv)."""
    path = Path(path)
    try:
        text = decode(path.read_bytes())
        suffix = path.suffix.lower()
        if suffix == ".json":
            return read_json(text, str(path))
        if suffix == ".csv":
            return read_csv(text, str(path))
        return [read_text(text, str(path))]
    except _Malformed as error:
        return [TranscriptError(str(path), error.line, error.reason)]
    except OSError as error:
        return [TranscriptError(str(path), None, f"cannot read the file ({error.strerror or error})")]


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped; UTF-16 with a BOM is accepted); bad bytes raise with their line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _Malformed(None, f"bad UTF-16 encoding ({error.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _Malformed(line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8") from None


# ---------------------------------------------------------------- plain text


def read_text(text: str, path: str) -> Transcript | TranscriptError:
    """One call from plain text: optional `# key: value` headers, then `Agent:` / `Caller:` lines."""
    headers: dict[str, str] = {}
    turns: list[list] = []  # [speaker, text, line]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        header = HEADER_LINE.match(line) if not turns else None
        if header:
            headers[header.group("key").strip().lower().replace(" ", "_")] = header.group("value")
            continue
        if line.startswith("#") and not turns:
            continue
        match = TURN_LINE.match(line)
        speaker = speaker_of(match.group("label")) if match else None
        if speaker:
            turns.append([speaker, match.group("text").strip(), number])
        elif match and (match.group("ts") or LABEL_LIKE.match(match.group("label").strip())):
            return TranscriptError(path, number, f"unknown speaker label {match.group('label').strip()[:30]!r} "
                                   "(expected Agent: or Caller:)")
        elif not turns:
            return TranscriptError(path, number, "text before the first speaker label (expected Agent: or Caller:)")
        else:
            turns[-1][1] = f"{turns[-1][1]} {line}".strip()
    return _transcript(path, headers.get("call_id") or Path(path).stem, headers.get("disposition"),
                       [Turn(s, t, n) for s, t, n in turns], line=len(text.splitlines()) or 1)


def _transcript(path: str, call_id: str, disposition: object, turns: list[Turn],
                line: int | None = 1) -> Transcript | TranscriptError:
    """A Transcript, or the error that makes it unusable (no turns, no caller turns, unknown disposition)."""
    call_id = str(call_id).strip() or Path(path).stem
    turns = [turn for turn in turns if turn.text]
    if not turns:
        return TranscriptError(path, line, "no turns (the transcript is empty)", call_id)
    if not any(turn.speaker == "caller" for turn in turns):
        return TranscriptError(path, turns[0].line, "no caller turns: nothing to replay", call_id)
    try:
        level = normalize_disposition(disposition)
    except ValueError as error:
        return TranscriptError(path, 1, str(error), call_id)
    return Transcript(call_id, path, level, tuple(turns))


# ---------------------------------------------------------------- JSON


def read_json(text: str, path: str) -> list[Transcript | TranscriptError]:
    """Calls from a JSON object (or a list of them) with call_id, disposition and turns."""
    if not text.strip():
        raise _Malformed(1, "empty file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if text.rstrip()[-1:] not in ("}", "]"):
            reason = f"truncated JSON: the file ends before the JSON does ({error.msg})"
            raise _Malformed(error.lineno, reason) from None
        raise _Malformed(error.lineno, f"invalid JSON: {error.msg}") from None
    calls = data if isinstance(data, list) else [data]
    speaker_lines = [text.count("\n", 0, m.start()) + 1 for m in JSON_SPEAKER_KEY.finditer(text)]
    results: list[Transcript | TranscriptError] = []
    seen_turns = 0
    for index, call in enumerate(calls):
        if not isinstance(call, dict) or not isinstance(call.get("turns"), list):
            results.append(TranscriptError(path, 1, f"call {index + 1}: expected an object with a \"turns\" list"))
            continue
        call_id = str(call.get("call_id") or (Path(path).stem if len(calls) == 1 else f"{Path(path).stem}-{index + 1}"))
        turns, error = _json_turns(call["turns"], speaker_lines, seen_turns, path, call_id)
        seen_turns += sum(1 for turn in call["turns"] if isinstance(turn, dict) and "speaker" in turn)
        results.append(error or _transcript(path, call_id, call.get("disposition"), turns))
    return results


def _json_turns(items: list, speaker_lines: list[int], offset: int, path: str,
                call_id: str) -> tuple[list[Turn], TranscriptError | None]:
    """The turns of one JSON call; a line is the line of its "speaker" key in the file."""
    turns = []
    keyed = 0
    for index, item in enumerate(items):
        line = speaker_lines[offset + keyed] if offset + keyed < len(speaker_lines) else None
        if not isinstance(item, dict) or "speaker" not in item:
            return [], TranscriptError(path, line, f"turn {index + 1}: expected {{\"speaker\": ..., \"text\": ...}}",
                                       call_id)
        keyed += 1
        speaker = speaker_of(str(item.get("speaker") or ""))
        if speaker is None:
            return [], TranscriptError(path, line, f"turn {index + 1}: unknown speaker "
                                       f"{str(item.get('speaker'))[:30]!r} (expected agent or caller)", call_id)
        text = item.get("text")
        if text is not None and not isinstance(text, str):
            return [], TranscriptError(path, line, f"turn {index + 1}: text must be a string", call_id)
        turns.append(Turn(speaker, " ".join((text or "").split()), line or index + 1))
    return turns, None


# ---------------------------------------------------------------- CSV


def csv_columns(text: str) -> list[str]:
    """The lower-cased header of a CSV text ([] when there is none)."""
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    return [column.strip().lower() for column in first]


def is_dispositions_csv(columns: list[str]) -> bool:
    """True for a `call_id,disposition` file (the agents' decisions, no turns)."""
    return "call_id" in columns and "disposition" in columns and "text" not in columns


def read_csv(text: str, path: str) -> list[Transcript | TranscriptError]:
    """Calls from `call_id,speaker,text[,disposition]` rows, grouped by call_id in order of first appearance."""
    if not text.strip():
        raise _Malformed(1, "empty file")
    columns = csv_columns(text)
    if is_dispositions_csv(columns):
        return []
    missing = [name for name in ("call_id", "speaker", "text") if name not in columns]
    if missing:
        raise _Malformed(1, f"missing column(s) {', '.join(missing)} (expected call_id,speaker,text[,disposition])")
    calls: dict[str, dict] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values = dict(zip(columns, (cell.strip() for cell in row), strict=False))
            call_id = values.get("call_id") or ""
            if not call_id:
                raise _Malformed(line, "row without a call_id")
            call = calls.setdefault(call_id, {"turns": [], "dispositions": set(), "error": None, "line": line})
            if call["error"]:
                continue
            if len(row) != len(columns):
                call["error"] = TranscriptError(
                    path, line, f"row has {len(row)} fields, the header {len(columns)} "
                    "(put text that contains commas in double quotes)", call_id)
                continue
            speaker = speaker_of(values.get("speaker") or "")
            if speaker is None:
                call["error"] = TranscriptError(
                    path, line, f"unknown speaker {(values.get('speaker') or '')[:30]!r} (expected agent or caller)",
                    call_id)
                continue
            if values.get("disposition"):
                call["dispositions"].add(values["disposition"])
            call["turns"].append(Turn(speaker, " ".join((values.get("text") or "").split()), line))
    except csv.Error as error:
        raise _Malformed(reader.line_num, f"bad CSV: {error}") from None
    return [_csv_call(path, call_id, call) for call_id, call in calls.items()] or [
        TranscriptError(path, 1, "no rows (the file has only a header)")]


def _csv_call(path: str, call_id: str, call: dict) -> Transcript | TranscriptError:
    """One call's rows as a Transcript, or its error."""
    if call["error"]:
        return call["error"]
    dispositions = {normalize_or_raw(value) for value in call["dispositions"]}
    if len(dispositions) > 1:
        return TranscriptError(path, call["line"], f"call {call_id}: disagreeing dispositions "
                               f"{', '.join(sorted(call['dispositions']))}", call_id)
    return _transcript(path, call_id, next(iter(call["dispositions"]), None), call["turns"], call["line"])


def normalize_or_raw(value: str) -> str:
    """The level id when known, else the raw text (to compare dispositions)."""
    try:
        return normalize_disposition(value) or ""
    except ValueError:
        return value


def read_dispositions(path: Path | str) -> tuple[dict[str, str], list[TranscriptError]]:
    """call_id -> level id from a `call_id,disposition` CSV, and the rows that could not be read."""
    path = Path(path)
    found: dict[str, str] = {}
    errors: list[TranscriptError] = []
    try:
        text = decode(path.read_bytes())
    except _Malformed as error:
        return found, [TranscriptError(str(path), error.line, error.reason)]
    except OSError as error:
        return found, [TranscriptError(str(path), None, f"cannot read the file ({error.strerror or error})")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    if not is_dispositions_csv(reader.fieldnames):
        return found, [TranscriptError(str(path), 1, "expected columns call_id,disposition")]
    try:
        for row in reader:
            call_id = (row.get("call_id") or "").strip()
            try:
                level = normalize_disposition(row.get("disposition"))
            except ValueError as error:
                errors.append(TranscriptError(str(path), reader.line_num, str(error), call_id or None))
                continue
            if call_id and level:
                found[call_id] = level
    except csv.Error as error:
        errors.append(TranscriptError(str(path), reader.line_num, f"bad CSV: {error}"))
    return found, errors


# ---------------------------------------------------------------- finding files


def iter_files(paths: list[Path | str]) -> Iterator[Path]:
    """Transcript files under the given files and folders (.txt, .json, .csv, recursively), in a stable order."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in FORMATS and not child.name.startswith("."):
                    yield child
        else:
            yield path


def sniff_dispositions_file(path: Path) -> bool:
    """True when a .csv file is a `call_id,disposition` file (reads only its first line)."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8-sig", "replace")
    except OSError:
        return False
    return is_dispositions_csv(csv_columns(first))
