"""Replay a generated batch of call transcripts; print transcripts per second and peak memory.

    python bench/replay.py --calls 1000 --workers 2
    python bench/replay.py --calls 1000 --workers 1 --workers 2 --workers 4   # calls/s per worker count
    python bench/replay.py --calls 10000                 # does memory stay flat over a long batch?

Transcripts are generated into a temporary folder (seeded, so runs are comparable): about 60% plain
text, 25% JSON, the rest as CSV files of 10 calls each, with a separate call_id,disposition CSV for
half of those. Calls are written in varied call-center phrasing with names and phone numbers to redact.
Each run replays the whole folder with `bot.replay.batch.run_batch` (the `python -m bot replay`
code path). Figures: wall time including the workers loading the model, calls per second overall
and after the model was loaded, peak RSS of the main process and of the largest worker, and each
worker's RSS sampled just after loading and at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.replay.batch import run_batch  # noqa: E402

NAMES = ("Mike Alvarez", "Sarah Chen", "Tom Becker", "Keisha Brown", "Luis Ortega", "Amy Walsh", "Raj Patel")
OPENERS = ("Thanks for calling, this is {agent}. What's going on today?",
           "Intake line, {agent} speaking, how can I help?", "Hi, you've reached admissions. What can I do for you?")
INTROS = ("Hi, my name is {name}, I need some help with my {what}.",
          "yeah hi, this is {name}. it's my {what}, it's bad",
          "Hello. I'm calling about getting into a program for {what}.", "um hi, I think I need help, {what} mostly")
# Spoken fillers around an answer, so that repeated texts (which the NLU cache reuses) stay realistic.
BEFORE = ("", "", "um ", "well ", "so ", "honestly ", "uh ", "okay ")
AFTER = ("", "", " I guess", " to be honest", ", you know", "...", " if that makes sense", " I think")
# Per criterion: agent phrasings, and per value the caller's phrasings.
SCRIPT = {
    "severity": (("How much is it affecting your life right now?", "How bad would you say it is?"),
                 {"mild": ("honestly it's pretty mild", "not that bad, mild I guess"),
                  "moderate": ("moderate I'd say", "somewhere in the middle"),
                  "severe": ("it's really bad, severe", "severe. it's out of control")}),
    "withdrawal": (("Do you get any withdrawal when you stop?", "Any shakes or sweats when you cut back?"),
                   {"none": ("no, nothing like that", "nope"),
                    "dangerous": ("yeah I get the shakes really bad and once I had a seizure",
                                  "I had DTs last time I stopped")}),
    "recent_treatment": (("Any treatment before?", "Have you been in a program before?"),
                         {"none": ("no never", "no, this is the first time"),
                          "residential_discharge": ("yeah, rehab, got out in march", "I just got out of inpatient"),
                          "completed_iop": ("I finished an IOP last month", "yes I completed intensive outpatient")}),
    "relapse": (("Any relapses recently?", "Have you slipped lately?"),
                {"none": ("no", "no, not lately"), "recent_relapse": ("yeah I relapsed last week", "I slipped again"),
                 "multiple_relapses": ("I've relapsed like five times", "many times, every time I get out")}),
    "mental_health": (("Anything going on with depression or anxiety?", "Any mental health stuff, like PTSD?"),
                      {"no": ("no", "not really"), "yes": ("yeah, depression", "I have bad anxiety")}),
    "home": (("How are things at home?", "What's your living situation like?"),
             {"stable": ("it's stable, I live with my wife", "home is good, calm"),
              "unstable": ("pretty chaotic, I might lose my place", "it's unstable"),
              "triggering": ("my roommate uses all the time", "there's people using around me")}),
    "support": (("Do you have people supporting you?", "Anyone in your corner?"),
                {"strong": ("my family is really supportive", "yes my sister is great"),
                 "none": ("nobody really", "no, I'm on my own")}),
    "commitments": (("Are you working right now?", "Do you work or go to school?"),
                    {"work": ("yeah full time", "I work nights at a warehouse"), "none": ("no", "not right now")}),
    "court_ordered": (("Is any of this court ordered?", "Are you on probation?"),
                      {"no": ("no", "nope"), "yes": ("yeah the judge ordered it", "yes, probation")}),
    "payment": (("Will you be using insurance?",), {"insurance": ("yes I have Blue Cross", "yeah, medicaid"),
                                                     "self_pay": ("no I'd pay myself", "self pay")}),
}
PROFILES = {
    "op": {"severity": "mild", "withdrawal": "none", "recent_treatment": "none", "relapse": "none",
           "mental_health": "no", "home": "stable", "support": "strong", "commitments": "work"},
    "iop": {"severity": "moderate", "withdrawal": "none", "recent_treatment": "residential_discharge",
            "relapse": "none", "mental_health": "yes", "home": "stable", "support": "strong", "court_ordered": "no"},
    "php": {"severity": "severe", "withdrawal": "none", "recent_treatment": "none", "relapse": "none",
            "mental_health": "no", "home": "stable", "support": "strong", "payment": "insurance"},
    "residential": {"severity": "severe", "withdrawal": "none", "relapse": "multiple_relapses",
                    "mental_health": "yes", "home": "triggering", "support": "none"},
    "withdrawal_management": {"severity": "severe", "withdrawal": "dangerous", "recent_treatment": "none"},
}
WHAT = ("drinking", "pills", "meth use", "heroin", "alcohol", "cocaine", "xanax")


def make_call(rng: random.Random, number: int) -> tuple[str, str, list[tuple[str, str]]]:
    """(call id, disposition, turns) for one generated call."""
    level = rng.choice(list(PROFILES))
    name = rng.choice(NAMES)
    turns = [("Agent", rng.choice(OPENERS).format(agent=rng.choice(NAMES).split()[0])),
             ("Caller", rng.choice(INTROS).format(name=name, what=rng.choice(WHAT)))]
    for criterion, value in PROFILES[level].items():
        questions, answers = SCRIPT[criterion]
        answer = rng.choice(BEFORE) + rng.choice(answers[value]) + rng.choice(AFTER)
        turns += [("Agent", rng.choice(questions)), ("Caller", answer)]
    turns += [("Agent", "What's the best number to reach you?"),
              ("Caller", f"{rng.randint(200, 989)}-555-{rng.randint(1000, 9999)}"),
              ("Agent", "Okay, thanks. Someone will follow up today.")]
    return f"call-{number:05d}", level, turns


def generate(folder: Path, calls: int, seed: int = 7) -> None:
    """Write `calls` transcripts into `folder` in a mix of formats."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    number = 0
    while number < calls:
        kind = rng.random()
        if kind < 0.15 and calls - number >= 10:  # a CSV of 10 calls; every other one has a dispositions file
            batch = [make_call(rng, number + i) for i in range(10)]
            separate = (number // 10) % 2 == 0
            with (folder / f"batch-{number:05d}.csv").open("w", newline="") as handle:
                out = csv.writer(handle)
                out.writerow(["call_id", "speaker", "text"] + ([] if separate else ["disposition"]))
                for call_id, level, turns in batch:
                    for speaker, text in turns:
                        out.writerow([call_id, speaker.lower(), text] + ([] if separate else [level]))
            if separate:
                with (folder / f"batch-{number:05d}-dispositions.csv").open("w", newline="") as handle:
                    csv.writer(handle).writerows([("call_id", "disposition")] + [(c, lv) for c, lv, _ in batch])
            number += 10
        elif kind < 0.40:
            call_id, level, turns = make_call(rng, number)
            (folder / f"{call_id}.json").write_text(json.dumps({"call_id": call_id, "disposition": level, "turns": [
                {"speaker": s.lower(), "text": t} for s, t in turns]}))
            number += 1
        else:
            call_id, level, turns = make_call(rng, number)
            lines = [f"# disposition: {level}"] + [f"[00:{i // 60:02d}:{i % 60:02d}] {s}: {t}"
                                                   for i, (s, t) in enumerate(turns)]
            (folder / f"{call_id}.txt").write_text("\n".join(lines) + "\n")
            number += 1


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    """Child process ids of `pid` (Linux)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Sampler(threading.Thread):
    """Samples the worker processes' RSS every half second: first sample after loading, last, and peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.samples: dict[int, list[tuple[float, float]]] = {}

    def run(self) -> None:
        while not self.stop.wait(0.5):
            for pid in children(os.getpid()):
                rss = rss_mb(pid)
                if rss:
                    self.samples.setdefault(pid, []).append((time.monotonic(), rss))

    def loaded_at(self) -> float | None:
        """When the workers' RSS stopped climbing steeply (model loaded): first sample above 90% of the peak."""
        times = []
        for series in self.samples.values():
            peak = max(rss for _, rss in series)
            times.append(next(t for t, rss in series if rss >= 0.9 * peak))
        return max(times) if times else None


def bench(calls: int, workers: int, keep: Path | None, cache: bool = True) -> dict:
    """Generate and replay one batch; the figures."""
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as tmp:
        folder = Path(tmp) / "in"
        generate(folder, calls)
        sampler = Sampler()
        sampler.start()
        started = time.monotonic()
        outcome = run_batch([folder], keep or Path(tmp) / "out", workers=workers, db_path=Path(tmp) / "replay.db",
                            progress=sys.stderr.isatty(), nlu_cache=None if cache else 0)
        ended = time.monotonic()
        sampler.stop.set()
        sampler.join()
    loaded = sampler.loaded_at()
    worker_rss = {pid: (round(series[0][1]), round(next(r for t, r in series if t >= loaded) if loaded else 0),
                        round(series[-1][1]), round(max(r for _, r in series)))
                  for pid, series in sampler.samples.items()}
    return {
        "calls": outcome.tally.calls, "errors": outcome.tally.errors, "files": outcome.files,
        "seconds": round(ended - started, 1), "calls_per_second": round(outcome.tally.calls / (ended - started), 1),
        "calls_per_second_after_load": round(outcome.tally.calls / (ended - loaded), 1) if loaded else None,
        "agreement": outcome.tally.agreement,
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # this run's workers as sampled (the kernel's figure for children is the largest of every run so far)
        "peak_rss_largest_worker_mb": max((peak for *_, peak in worker_rss.values()), default=round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)),
        "worker_rss_mb(first, loaded, last, peak)": list(worker_rss.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, action="append", help="calls to generate (repeat for several runs)")
    parser.add_argument("--workers", type=int, action="append", help="worker processes (repeat to compare; "
                                                                    "default the CPU count)")
    parser.add_argument("--keep", type=Path, help="write the outputs of the (last) run here")
    parser.add_argument("--no-cache", action="store_true", help="parse every caller turn, even repeated texts")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    rows = []
    for workers in args.workers or [os.cpu_count()]:
        for calls in args.calls or [1000]:
            figures = bench(calls, workers, args.keep, cache=not args.no_cache)
            print(json.dumps({"workers": workers, **figures}))
            print(f"{figures['calls']} calls in {figures['seconds']} s with {workers} workers"
                  f"{' (no NLU cache)' if args.no_cache else ''}: "
                  f"{figures['calls_per_second']} calls/s ({figures['calls_per_second_after_load']} after loading the "
                  f"model); peak RSS main {figures['peak_rss_main_mb']} MB, largest worker "
                  f"{figures['peak_rss_largest_worker_mb']} MB", flush=True)
            rows.append((workers, figures))
    print(f"\nhost: {os.cpu_count()} cores\n")
    print("| workers | calls | wall s | calls/s | after loading | peak RSS per worker |")
    print("|---|---|---|---|---|---|")
    for workers, f in rows:
        print(f"| {workers} | {f['calls']} | {f['seconds']} | {f['calls_per_second']} | "
              f"{f['calls_per_second_after_load']} | {f['peak_rss_largest_worker_mb']} MB |")


if __name__ == "__main__":
    main()
