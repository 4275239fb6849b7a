"""Replay through the trained assistant's NLU (loaded in this process once): the fixture calls with known
answers, context-dependent short answers and crisis turns, and the held-out calls' agreement figure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.replay.batch import run_batch
from bot.replay.calls import replay_call
from bot.replay.transcripts import Transcript, Turn

DATA = Path(__file__).resolve().parent.parent / "data"
KNOWN = {"iop-stepdown": "iop", "OP-2041": "op", "crisis-call": "crisis", "detox": "withdrawal_management",
         "R-7": "residential", "P-3": "php", "C-11": "iop"}
HELDOUT_FLOOR = 0.6  # measured 2026-11: see the README; the test guards against regressions below this


@pytest.fixture(scope="module")
def nlu():
    from bot.replay.nlu import load_parser

    return load_parser()


def rows(out: Path) -> list[dict]:
    return list(csv.DictReader((out / "summary.csv").open()))


def test_fixture_calls_get_their_known_levels(nlu, tmp_path):
    outcome = run_batch([DATA / "transcripts"], tmp_path, db_path=tmp_path / "r.db", parse=nlu, progress=False)
    levels = {row["call_id"]: row["level"] for row in rows(tmp_path) if row["status"] == "ok"}
    assert {call: levels[call] for call in KNOWN} == KNOWN
    assert outcome.tally.errors == 5
    assert outcome.tally.agreement == 1.0  # B-2 has no disposition; the other seven agree


def test_short_answers_are_read_through_the_trained_nlu_in_the_context_of_the_question(nlu):
    turns = (Turn("agent", "Any treatment before?", 1), Turn("caller", "yeah, rehab, got out in march", 2),
             Turn("agent", "Is this court ordered?", 3), Turn("caller", "yep", 4),
             Turn("agent", "Are mornings or evenings better for you?", 5), Turn("caller", "evenings", 6))
    result = replay_call(Transcript("t", "t.txt", None, turns), nlu)
    assert result.criteria["recent_treatment"]["value"] == "residential_discharge"
    assert result.criteria["court_ordered"]["value"] == "yes"
    assert result.criteria["schedule"]["value"] == "evenings"
    assert result.level == "iop"


def test_crisis_turns_are_flagged_by_the_trained_assistant(nlu):
    turns = (Turn("agent", "How are you doing right now?", 1), Turn("caller", "I took all my pills an hour ago", 2),
             Turn("agent", "Are you safe?", 3), Turn("caller", "I'm dying to know how long IOP is", 4))
    result = replay_call(Transcript("t", "t.txt", None, turns), nlu)
    assert [(flag["turn"], flag["category"]) for flag in result.crisis] == [(2, "overdose")]
    assert result.level == "crisis"


def test_heldout_agreement(nlu, tmp_path):
    outcome = run_batch([DATA / "replay_heldout"], tmp_path, db_path=None, parse=nlu, progress=False)
    tally = outcome.tally
    assert tally.errors == 0 and tally.calls == tally.with_disposition >= 24
    print("\nheld-out agreement:", json.dumps({"agreement": round(tally.agreement, 3), "agreed": tally.agreed,
                                               "calls": tally.with_disposition,
                                               "per_level": tally.to_dict()["per_level"]}))
    for row in rows(tmp_path):
        if row["agrees"] == "no":
            print(f"  {row['call_id']}: agent {row['disposition']}, assistant {row['level']}; found {row['criteria']}")
    assert tally.agreement >= HELDOUT_FLOOR
