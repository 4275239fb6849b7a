"""Scripted conversations through the trained assistant, asserting the recommended level."""

import pytest

from tests.e2e.driver import talk

# Plain answers for whatever a persona does not say differently.
CALM = {
    "substances": "alcohol",
    "severity": "mild",
    "withdrawal": "no withdrawal symptoms",
    "recent_treatment": "never been to treatment",
    "relapse": "no",
    "mental_health": "no",
    "home": "stable",
    "support": "my family is really supportive",
    "commitments": "I work full time",
    "hours_available": "about 10 hours",
    "schedule": "evenings",
    "court_ordered": "no",
    "can_live_at_facility": "yes",
    "payment": "I have insurance",
    "attend_commitment": "yes",
}

PERSONAS = [
    # --- OP ---------------------------------------------------------------------------------
    ("op", "standard", ["hi", "I'd like to figure out what kind of help I need"],
     {"substances": "drinking mostly, a few beers too many on weekends", "severity": "it's mild honestly",
      "hours_available": "maybe 3 hours a week"}),
    ("op", "step_down", ["I finished an IOP last month and I'm doing well, what's next for me?"],
     {"substances": "opioids", "severity": "mild", "relapse": "no relapse, I've been solid",
      "support": "my wife has my back"}),
    ("op", "standard", ["hey", "yes let's start"],
     {"substances": "weed", "severity": "not that bad", "withdrawal": "nope", "home": "my home is calm",
      "support": "some support from a couple friends", "commitments": "I'm a student", "schedule": "afternoons"}),
    ("op", "step_down", ["completed intensive outpatient 2 weeks ago. i live with my supportive parents"],
     {"substances": "xanax", "severity": "mild", "withdrawal": "none", "payment": "self pay"}),
    # --- IOP --------------------------------------------------------------------------------
    ("iop", "step_down", ["I got out of rehab two weeks ago, I work full time and my wife has my back"],
     {"substances": "heroin", "severity": "moderate", "withdrawal": "no",
      "relapse": "no", "mental_health": "no"}),
    ("iop", "dual_diagnosis", ["I need help, I drink every day and I have bad anxiety"],
     {"severity": "moderate", "withdrawal": "no withdrawal", "relapse": "I'm scared I'll relapse"}),
    ("iop", "standard", ["the judge ordered me to get treatment"],
     {"substances": "meth", "severity": "moderate", "withdrawal": "none", "home": "stable",
      "commitments": "I don't have a job"}),
    ("iop", "standard", ["I tried outpatient counseling but it wasn't enough"],
     {"substances": "cocaine", "severity": "moderate", "withdrawal": "none"}),
    ("iop", "family", ["my family won't talk to me anymore and I keep using pills"],
     {"substances": "painkillers", "severity": "moderate", "withdrawal": "no"}),
    ("iop", "standard", ["hello", "I relapsed last week after a year sober"],
     {"substances": "alcohol", "severity": "mild", "withdrawal": "I never get withdrawal"}),
    # --- PHP ----------------------------------------------------------------------------------
    ("php", "standard", ["it's really bad, I'm using fentanyl every day and it's out of control"],
     {"withdrawal": "no withdrawal really", "home": "stable home", "support": "strong support"}),
    ("php", "dual_diagnosis", ["I think I need a lot of help, my drug use is severe and I'm depressed"],
     {"substances": "meth", "withdrawal": "none", "home": "stable", "support": "my parents support me"}),
    ("php", "standard", ["I want to get help"],
     {"substances": "cocaine", "severity": "severe", "withdrawal": "no", "home": "triggering",
      "can_live_at_facility": "no, I can't leave my kids"}),
    # --- residential --------------------------------------------------------------------------
    ("residential", "standard", ["I use heroin daily, it's severe and my roommate uses too"],
     {"withdrawal": "no", "can_live_at_facility": "yes I could go away to rehab"}),
    ("residential", "standard", ["I keep relapsing, relapsed 3 times after outpatient"],
     {"substances": "alcohol", "severity": "severe", "withdrawal": "none", "can_live_at_facility": "yes"}),
    ("residential", "standard", ["hi", "I need help finding treatment"],
     {"substances": "crack", "severity": "severe", "withdrawal": "no", "home": "I'm couch surfing",
      "can_live_at_facility": "yes"}),
    # --- withdrawal management ------------------------------------------------------------------
    # mild withdrawal keeps the level that fits and adds a medical check first (see the test below)
    ("iop", "standard", ["I get the shakes and sweats when I stop drinking"],
     {"severity": "moderate"}),
    ("withdrawal_management", "standard", ["I had a seizure last time I quit benzos, I need help"],
     {"substances": "benzos", "severity": "moderate"}),
    ("withdrawal_management", "standard", ["can you help me find the right program"],
     {"substances": "vodka every night", "severity": "moderate", "withdrawal": "I had DTs once"}),
    ("withdrawal_management", "standard", ["hey", "sure"],
     {"substances": "alcohol", "severity": "severe", "withdrawal": "I see things and shake when I stop"}),
]


@pytest.mark.parametrize("level, track, opening, answers", PERSONAS,
                         ids=[f"{i:02d}-{p[0]}" for i, p in enumerate(PERSONAS)])
def test_persona_gets_the_expected_level(assistant, sender, level, track, opening, answers):
    convo = talk(assistant, sender, opening, {**CALM, **answers})
    rec = convo.recommendation
    assert rec is not None, convo.texts()
    assert rec["level"] == level, convo.texts()
    assert rec["track"] == track, convo.texts()
    assert rec["reasons"] and rec["sources"]
    assert rec["program"]["days_per_week"]


def test_at_least_three_scripted_conversations_per_level():
    levels = [p[0] for p in PERSONAS]
    assert len(PERSONAS) >= 20
    assert all(levels.count(level) >= 3 for level in set(levels))


def test_mild_alcohol_withdrawal_gets_a_medical_check_not_detox(assistant, sender):
    convo = talk(assistant, sender, ["I get a bit sweaty and jittery when I stop drinking, never had a seizure"],
                 {**CALM, "severity": "moderate"})
    rec = convo.recommendation
    assert rec is not None and rec["level"] == "iop", convo.texts()
    assert rec["first_step"].startswith("a medical check for withdrawal"), rec
