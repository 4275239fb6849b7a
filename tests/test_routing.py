"""The one routing decision as a table: what the NLU read in, which way the message goes out."""

import pytest

from bot.conversation.routing import Reading, route
from bot.crisis.assess import UNSPECIFIED, Assessment, CrisisSignal

CERTAIN = Assessment(CrisisSignal("overdose", "took all my pills", 2, 19))
UNSURE = Assessment(CrisisSignal("suicide", "can't do this anymore", 9, 30, certain=False))
IDIOM = Assessment(None, quiet=True)
NOTHING = Assessment(None)


def reading(text="I drink every day", intent="inform", confidence=0.95, ranking=None, selector=(None, 0.0),
            runner_up=None, facts=(), crisis=NOTHING) -> Reading:
    """A reading with DIET's ranking defaulting to the intent first, then inform or faq."""
    other = "inform" if intent != "inform" else "faq"
    return Reading(text, intent, confidence, tuple(ranking or ((intent, confidence), (other, 1 - confidence))),
                   selector[0], selector[1], runner_up, frozenset(facts), crisis)


UNSURE_RANKING = (("nlu_fallback", 0.45), ("start_intake", 0.39), ("faq", 0.2))
CASES = [
    # (what was read, expected intent, expected FAQ topic, crisis category, safety question?, facts kept?)
    ("a certain crisis is the crisis intent and keeps no facts",
     reading("I took all my pills, alcohol", facts={"substances"}, crisis=CERTAIN),
     "crisis", None, "overdose", False, False),
    ("a certain crisis wins over a sure FAQ",
     reading("how long is IOP, I took all my pills", "faq", 0.99, selector=("iop_length", 0.99), crisis=CERTAIN),
     "crisis", None, "overdose", False, False),
    ("an ambiguous phrase keeps the intent and its facts and asks",
     reading("alcohol, and I can't do this anymore", facts={"substances"}, crisis=UNSURE),
     "inform", None, "suicide", True, True),
    ("the classifier alone, sure, asks and reads the next intent",
     reading("everything is grey and heavy lately", "crisis", 0.995), "inform", None, UNSPECIFIED, True, True),
    ("the classifier alone on a message naming no danger needs to be surer",
     reading("hi sorry if this is weird", "crisis", 0.95), "inform", None, None, False, True),
    ("the classifier alone on a message naming a danger asks at its usual threshold",
     reading("i feel like a burden to everyone", "crisis", 0.95), "inform", None, UNSPECIFIED, True, True),
    ("the classifier alone below its threshold does not ask",
     reading("everything is grey and heavy lately", "crisis", 0.6), "inform", None, None, False, True),
    ("the classifier alone on three words does not ask",
     reading("purple monkey dishwasher", "crisis", 0.99), "inform", None, None, False, True),
    ("the classifier alone on an idiom does not ask",
     reading("my feet are killing me all day", "crisis", 0.99, crisis=IDIOM), "inform", None, None, False, True),
    ("the classifier's crisis as its only intent falls back",
     reading("something awful", "crisis", 0.99, ranking=(("crisis", 0.99),)), "nlu_fallback", None, None, False,
     True),
    ("an intake answer stays an intake answer",
     reading("beer every night", facts={"substances", "use_frequency"}), "inform", None, None, False, True),
    ("a story ending in a program question, selector sure, is answered",
     reading("My dad drinks a lot. Would outpatient work for him?", selector=("who_op_suits", 0.95)),
     "faq", "who_op_suits", None, False, True),
    ("a story ending in a program question, selector unsure, stays an answer",
     reading("My dad drinks a lot. Would outpatient work for him?", selector=("who_op_suits", 0.5)),
     "inform", None, None, False, True),
    ("a story ending in a question the FAQ does not cover stays an answer",
     reading("My dad drinks a lot. Would outpatient work for him?", selector=("not_covered", 0.95)),
     "inform", None, None, False, True),
    ("a sure FAQ question is answered by the selector",
     reading("how long is IOP", "faq", 0.97, selector=("iop_length", 0.9)), "faq", "iop_length", None, False,
     True),
    ("two facts read as a question are an answer",
     reading("completed intensive outpatient 2 weeks ago, relapsed", "faq", 0.97,
             facts={"recent_treatment", "relapse"}), "inform", None, None, False, True),
    ("one fact read as an unsure question is an answer",
     reading("I keep relapsing after outpatient", "faq", 0.7, facts={"relapse"}), "inform", None, None, False, True),
    ("one fact in a sure question stays a question",
     reading("is it normal to keep relapsing after outpatient", "faq", 0.97, selector=("step_down_step_up", 0.9),
             facts={"relapse"}), "faq", "step_down_step_up", None, False, True),
    ("the classifier's crisis read as a question is searched",
     reading("how long does IOP take, I feel hopeless", "crisis", 0.95,
             (("crisis", 0.95), ("faq", 0.05)), selector=("iop_length", 0.9)), "faq", "iop_length", UNSPECIFIED,
     True, True),
    ("an off-topic reading of a message that states facts goes to the intake",
     reading("my PO said i gotta do a program, im on probation", "out_of_scope", 0.9, facts={"court_ordered"}),
     "inform", None, None, False, True),
    ("an unsure intake message with facts goes to the intake",
     reading("I finished an IOP last month, what's next for me", "nlu_fallback", 0.45, UNSURE_RANKING,
             facts={"recent_treatment"}), "inform", None, None, False, True),
    ("an unsure intake message without facts stays a fallback and is not searched",
     reading("hmm well I guess so maybe", "nlu_fallback", 0.45, UNSURE_RANKING), "nlu_fallback", None, None, False,
     True),
    ("an unsure question is searched in the knowledge file",
     reading("how many weeks does an intensive outpatient program last, is it 90 days", "nlu_fallback", 0.45,
             (("nlu_fallback", 0.45), ("faq", 0.39), ("inform", 0.2)), selector=("iop_length", 0.4)),
     "faq", "iop_length", None, False, True),
    ("a question about something else gets the honest fallback",
     reading("how much does a gym membership cost", "faq", 0.95, selector=("cost_comparison", 0.4)),
     "nlu_fallback", None, None, False, True),
    ("the selector's not-covered stands",
     reading("do you have a program for gambling", "faq", 0.95, selector=("not_covered", 0.9)),
     "nlu_fallback", None, None, False, True),
    ("a question in so many words, read as a statement that states nothing, is a question",
     reading("Do you have anything online I could do from home?", "inform", 0.99, selector=("not_covered", 0.6)),
     "nlu_fallback", None, None, False, True),
    ("a short reply with a question mark stays an answer",
     reading("evenings?", "inform", 0.9), "inform", None, None, False, True),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_route(case):
    _, read, intent, topic, category, asks, keeps_facts = case
    decision = route(read)
    assert decision.intent == intent
    assert decision.faq_topic == topic
    assert (decision.signal.category if decision.signal else None) == category
    assert decision.safety_question == asks
    assert decision.keep_facts == keeps_facts


def test_the_safety_question_quotes_the_evidence_or_the_first_eight_words():
    assert route(reading("alcohol, and I can't do this anymore", crisis=UNSURE)).quote("") == "can't do this anymore"
    text = "everything is grey and heavy and I feel so hopeless lately"
    assert route(reading(text, "crisis", 0.95)).quote(text) == "everything is grey and heavy and I feel…"


def test_the_classifier_alone_is_marked_when_the_message_names_no_acute_danger():
    assert route(reading("My mom watches my daughter most days", "crisis", 0.99)).classifier_only
    assert not route(reading("I have my dads gun with me today", "crisis", 0.99)).classifier_only
    assert not route(reading("alcohol, and I can't do this anymore", crisis=UNSURE)).classifier_only


@pytest.mark.parametrize("text, ranking, expected", [
    ("no", (("nlu_fallback", 0.45), ("inform", 0.47), ("deny", 0.38)), "deny"),
    ("No.", (("inform", 0.6), ("deny", 0.3)), "deny"),
    ("yep!", (("inform", 0.5), ("affirm", 0.4)), "affirm"),
    ("no court", (("inform", 0.9), ("deny", 0.05)), "inform"),
])
def test_a_bare_yes_or_no_is_affirm_or_deny_whatever_the_classifier_leans_to(text, ranking, expected):
    # a bare "no" sits near the line between deny and inform for DIET ("no court", "no withdrawal" are answers)
    assert route(reading(text, ranking[0][0], ranking[0][1], ranking=ranking)).intent == expected
