"""Simulated people (bench/simulate.py) over REST: the invariants hold in every conversation of a sample.

`make simulate` runs every persona of every set in both modes and prints the figures; here a fixed
sample of the development personas keeps `make test` quick. Invariants: no question asked three times
in a row, a fitting reply to every turn, no crisis response to an ordinary intake.
"""

from __future__ import annotations

import pytest

from bench.simulate import MODES, Client, load_personas, report, run_conversation
from tests.e2e.stack import TOKEN

SAMPLE = 12  # every eighth development persona


@pytest.fixture(scope="module")
def results(assistant):
    client = Client(f"http://localhost:{assistant.ports.rasa}", TOKEN)
    personas = load_personas("dev")[::8][:SAMPLE]
    done = [run_conversation(client, persona, mode) for persona in personas for mode in MODES]
    report(done, None)
    return done


def test_no_question_is_asked_three_times_in_a_row(results):
    assert not [(r.persona, r.mode, r.loops) for r in results if r.loops]


def test_every_turn_gets_a_fitting_reply(results):
    assert not [(r.persona, r.mode, r.unfitting) for r in results if r.unfitting]


def test_no_crisis_response_to_an_ordinary_intake(results):
    assert not [(r.persona, r.mode) for r in results if r.crisis]


def test_every_conversation_reaches_a_recommendation(results):
    assert not [(r.persona, r.mode, "\n".join(r.transcript[-3:])) for r in results if r.level is None]
