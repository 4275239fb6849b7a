"""Which criterion an agent's question asks about, on varied call-center phrasings."""

import pytest

from bot.clinical.criteria import BY_ID, QUESTION_CUES
from bot.replay.questions import asked_about


@pytest.mark.parametrize("question, criterion", [
    ("What are you using right now?", "substances"),
    ("What's your drug of choice?", "substances"),
    ("Is it mostly alcohol?", "substances"),
    ("How bad would you say it is, mild, moderate or severe?", "severity"),
    ("On a scale of one to ten, how much is it affecting your life?", "severity"),
    ("How often are you drinking?", "use_frequency"),
    ("Are you using every day?", "use_frequency"),
    ("Has it cost you anything, like your job or relationships?", "life_impact"),
    ("When you stop, do you get sick at all?", "withdrawal"),
    ("Any shakes or sweats when you cut back?", "withdrawal"),
    ("Have you ever had a seizure coming off it?", "withdrawal"),
    ("Okay. Any treatment before?", "recent_treatment"),
    ("Have you been to rehab or detox before?", "recent_treatment"),
    ("Ever been in a program before?", "recent_treatment"),
    ("Any relapses recently?", "relapse"),
    ("Have you slipped lately?", "relapse"),
    ("Do you feel at risk of using again?", "relapse"),
    ("Anything going on with depression or anxiety?", "mental_health"),
    ("Have you ever been diagnosed with anything, like PTSD or bipolar?", "mental_health"),
    ("How are things at home?", "home"),
    ("What's your living situation like?", "home"),
    ("Who do you live with?", "home"),
    ("Is anyone using around you?", "home"),
    ("Do you have support at home?", "support"),
    ("Anyone in your corner, family or friends?", "support"),
    ("Are you working right now?", "commitments"),
    ("Do you have kids at home you take care of?", "commitments"),
    ("Are you in school?", "commitments"),
    ("How many hours a week could you give to treatment?", "hours_available"),
    ("Would mornings or evenings work better?", "schedule"),
    ("What time of day works for you?", "schedule"),
    ("Is this court ordered?", "court_ordered"),
    ("Are you on probation or parole?", "court_ordered"),
    ("Would you need someone with you around the clock?", "needs_supervision"),
    ("Could you stay at a facility for a few weeks?", "can_live_at_facility"),
    ("Will you be using insurance?", "payment"),
    ("How are you planning to pay for it?", "payment"),
    ("Could you commit to making every session?", "attend_commitment"),
])
def test_agent_phrasings(question, criterion):
    assert asked_about(question).criterion == criterion


@pytest.mark.parametrize("question, criterion", [
    ("That sounds really hard. Are you working right now?", "commitments"),
    ("Okay, got it, thanks. And how are things at home?", "home"),
    ("I hear you on the support. Any treatment before?", "recent_treatment"),  # the question, not the acknowledgement
])
def test_the_last_question_of_the_turn_wins(question, criterion):
    assert asked_about(question).criterion == criterion


@pytest.mark.parametrize("text", [
    "Thanks for calling, how can I help?", "Okay, one moment please.", "Great, someone will call you back today.",
])
def test_turns_that_ask_about_no_criterion(text):
    assert asked_about(text) is None


def test_yes_values_say_what_a_plain_yes_means():
    assert asked_about("Do you get the shakes when you stop?").yes_value == "mild"
    assert asked_about("Any shakes or seizures when you stop?").yes_value == "dangerous"
    assert asked_about("Are you working right now?").yes_value == "work"
    assert asked_about("Any treatment before?").yes_value is None


def test_cues_name_real_criteria_and_values():
    for criterion_id, cues in QUESTION_CUES.items():
        for cue in cues:
            _, _, value = cue.partition("=")
            assert not value or value in BY_ID[criterion_id].values, (criterion_id, cue)
