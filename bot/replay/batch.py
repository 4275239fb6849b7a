"""The batch driver: transcript files -> worker processes -> per-call files, summary CSV, report, SQLite.

    python -m bot replay calls/ more/call-17.txt --out results/replay --workers 2

Each worker process loads the trained model once, then replays whole files (a CSV file may hold many
calls) and writes each call's JSON and HTML itself; it sends back only the call's summary row and its
redacted detail for SQLite. The main process never loads the model: it streams rows to the summary
CSV and SQLite as they arrive and keeps only the run's figures (a Tally), so memory stays flat however
many files there are. The HTML report is built at the end by re-reading the summary CSV.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from bot.replay.report import CALLS_DIR, SummaryWriter, Tally, detail_name, error_row, summary_row, write_report
from bot.replay.runs import DEFAULT_DB, add_rows, finish_run, open_runs_db, start_run
from bot.replay.transcripts import (
    Transcript,
    TranscriptError,
    iter_files,
    read_dispositions,
    read_path,
    sniff_dispositions_file,
)

DB_BATCH = 200  # rows per SQLite insert
_worker: dict = {}


@dataclass(frozen=True)
class Outcome:
    """What a batch run did: its figures, how many files, how long, and where things went."""

    tally: Tally
    files: int
    seconds: float
    out_dir: Path
    run_id: int | None

    @property
    def calls_per_second(self) -> float:
        return self.tally.calls / self.seconds if self.seconds else 0.0


def replay_file(path: Path, parse: Callable, out_dir: Path, dispositions: dict[str, str]) -> list[dict]:
    """Replay every call in one file; each item is {"summary": row, "detail": json} or {"error": row}."""
    from bot.replay.calls import replay_call  # imports spaCy: only in the processes that replay
    from bot.replay.report import write_call

    items = []
    for item in read_path(path):
        if isinstance(item, TranscriptError):
            items.append({"error": error_row(item)})
            continue
        if item.disposition is None and item.call_id in dispositions:
            item = replace(item, disposition=dispositions[item.call_id])
        try:
            result = replay_call(item, parse)
        except Exception as error:  # one bad call must not stop the batch
            items.append({"error": error_row(_failed(item, error))})
            continue
        detail = write_call(out_dir, detail_name(item.call_id, item.path), result)
        items.append({"summary": summary_row(result, detail),
                      "detail": json.dumps(result.to_dict(), ensure_ascii=False)})
    return items


def _failed(transcript: Transcript, error: Exception) -> TranscriptError:
    """A replay that raised, reported like a parse error (the exception type only: no message text)."""
    return TranscriptError(transcript.path, None, f"replay failed ({type(error).__name__})", transcript.call_id)


def _init_worker(model_path: str, out_dir: str, dispositions: dict[str, str], nlu_cache: int | None) -> None:
    """Load the model once in this worker process (quietly: its dependencies' warnings are not ours)."""
    import warnings

    warnings.simplefilter("ignore")
    warnings.showwarning = lambda *args, **kwargs: None  # some libraries re-enable their warnings on import
    from bot.replay.nlu import CACHE_SIZE, NluParser

    parse = NluParser(model_path, CACHE_SIZE if nlu_cache is None else nlu_cache)
    _worker.update(parse=parse, out_dir=Path(out_dir), dispositions=dispositions)


def _work(path: Path) -> list[dict]:
    return replay_file(path, _worker["parse"], _worker["out_dir"], _worker["dispositions"])


def scan(paths: Iterable[Path | str], disposition_files: Iterable[Path | str] = ()) -> tuple[int, dict, list]:
    """Count the transcript files and read the dispositions files (found among the inputs or given)."""
    count = 0
    dispositions: dict[str, str] = {}
    errors: list[TranscriptError] = []
    extra = [Path(p) for p in disposition_files]
    for path in iter_files(list(paths)):
        if sniff_dispositions_file(path):
            extra.append(path)
        else:
            count += 1
    for path in extra:
        found, problems = read_dispositions(path)
        dispositions.update(found)
        errors += problems
    return count, dispositions, errors


def transcript_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The transcript files to replay (dispositions files left out), lazily."""
    return (path for path in iter_files(list(paths)) if not sniff_dispositions_file(path))


def run_batch(
    paths: list[Path | str],
    out_dir: Path | str,
    workers: int | None = None,
    disposition_files: Iterable[Path | str] = (),
    db_path: Path | str | None = DEFAULT_DB,
    model_path: Path | str | None = None,
    parse: Callable | None = None,
    progress: bool = True,
    nlu_cache: int | None = None,
) -> Outcome:
    """Replay every transcript under `paths` into `out_dir`; `parse` runs in this process instead of workers.

    `nlu_cache`: distinct texts each worker remembers the parse of (None: the default, 0: none)."""
    started = time.monotonic()
    out_dir = Path(out_dir)
    (out_dir / CALLS_DIR).mkdir(parents=True, exist_ok=True)
    files, dispositions, disposition_errors = scan(paths, disposition_files)
    workers = max(1, workers or os.cpu_count() or 1)
    if parse is None and model_path is None:
        from bot.app.model import ensure_model

        model_path = ensure_model()
    db = open_runs_db(db_path) if db_path else None
    run = {"inputs": " ".join(map(str, paths)), "out_dir": str(out_dir), "workers": 1 if parse else workers,
           "model": Path(model_path).name if model_path else "in-process", "rule_version": _rule_version()}
    run_id = start_run(db, **run) if db else None
    tally = Tally()
    summary = SummaryWriter(out_dir / "summary.csv")
    pending_calls: list[dict] = []
    pending_errors: list[dict] = []

    def take(items: list[dict]) -> None:
        for item in items:
            row = item.get("summary") or item["error"]
            summary.write(row)
            tally.add(row)
            if "error" in item:
                pending_errors.append(row)
                _say(f"cannot replay {row['source']}{':' + str(row['line']) if row['line'] else ''}: {row['error']}")
            else:
                pending_calls.append(item)
        if db and len(pending_calls) + len(pending_errors) >= DB_BATCH:
            add_rows(db, run_id, pending_calls, pending_errors)
            pending_calls.clear()
            pending_errors.clear()

    take([{"error": error_row(error)} for error in disposition_errors])
    bar = _progress(files, progress)
    try:
        results = _results(transcript_files(paths), out_dir, dispositions, workers, model_path, parse, nlu_cache)
        for items in results:
            take(items)
            bar.update(1)
            bar.set_postfix(calls=tally.calls, errors=tally.errors, refresh=False)
    finally:
        bar.close()
        summary.close()
    if db:
        add_rows(db, run_id, pending_calls, pending_errors)
    seconds = time.monotonic() - started
    figures = tally.to_dict()
    (out_dir / "summary.json").write_text(json.dumps({**run, "run_id": run_id, "files": files,
                                                      "seconds": round(seconds, 2), **figures}, indent=1))
    write_report(out_dir / "report.html", tally, out_dir / "summary.csv",
                 {"run": run_id, "files": files, **{k: run[k] for k in ("model", "rule_version", "workers")},
                  "seconds": round(seconds, 1)})
    if db:
        finish_run(db, run_id, figures, seconds, files)
        db.conn.close()
    return Outcome(tally, files, seconds, out_dir, run_id)


def _results(files: Iterator[Path], out_dir: Path, dispositions: dict, workers: int, model_path,
             parse: Callable | None, nlu_cache: int | None) -> Iterator[list[dict]]:
    """Results per file, in completion order: from a pool of spawned workers, or in this process."""
    if parse is not None:
        for path in files:
            yield replay_file(path, parse, out_dir, dispositions)
        return
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # the workers' imports warn about deprecations
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    context = multiprocessing.get_context("spawn")  # TensorFlow does not survive fork
    setup = (str(model_path), str(out_dir), dispositions, nlu_cache)
    with context.Pool(workers, initializer=_init_worker, initargs=setup) as pool:
        yield from pool.imap_unordered(_work, files, chunksize=2)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr, disable=not enabled, dynamic_ncols=True, smoothing=0.1)


def _say(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def _rule_version() -> str:
    from bot.clinical.placement import RULE_VERSION

    return RULE_VERSION
