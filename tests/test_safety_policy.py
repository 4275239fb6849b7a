"""The safety policy's decisions: crisis first, form paused, follow-up until safe, a safety question when unsure."""

import pytest

from components.safety_policy import SafetyState, SafetyStep, next_safety_step

L = "action_listen"


@pytest.mark.parametrize("state, step", [
    # a certain crisis: the full response at once, the intake paused, the follow-up until the person is safe
    (SafetyState(L, "crisis", form_active=True), SafetyStep("utter_crisis")),
    (SafetyState("utter_crisis", None, True, True), SafetyStep("action_deactivate_loop")),
    (SafetyState("action_deactivate_loop", None, True, False), SafetyStep(L)),
    (SafetyState("utter_crisis", None, True, False), SafetyStep(L)),
    (SafetyState(L, "inform", in_crisis=True), SafetyStep("utter_crisis_followup")),
    (SafetyState(L, "faq", in_crisis=True), SafetyStep("utter_crisis_followup")),
    (SafetyState(L, "inform", in_crisis=True, check=True), SafetyStep("utter_crisis_followup")),
    (SafetyState(L, "safe_now", in_crisis=True), None),
    (SafetyState(L, "ask_human", in_crisis=True), None),
    # safe again: straight back to the question the crisis interrupted, or nothing more outside the intake
    (SafetyState("utter_safe_now", None, paused_by_crisis=True), SafetyStep("intake_form")),
    (SafetyState("utter_safe_now", None), None),
    # an uncertain signal: a direct safety question, the intake paused meanwhile
    (SafetyState(L, "inform", form_active=True, check=True), SafetyStep("utter_safety_check")),
    (SafetyState(L, "nlu_fallback", check=True), SafetyStep("utter_safety_check")),
    (SafetyState("utter_safety_check", None, form_active=True, check=True), SafetyStep("action_deactivate_loop")),
    (SafetyState("action_deactivate_loop", None, check=True), SafetyStep(L)),
    (SafetyState("utter_safety_check", None, check=True), SafetyStep(L)),
    # the answer: yes (or another worrying message) -> the full response; no -> back where we were
    (SafetyState(L, "affirm", answering_check=True), SafetyStep("utter_crisis", crisis=True)),
    (SafetyState(L, "inform", answering_check=True, check=True), SafetyStep("utter_crisis", crisis=True)),
    (SafetyState(L, "crisis", answering_check=True), SafetyStep("utter_crisis")),
    (SafetyState(L, "deny", answering_check=True, paused_by_check=True), SafetyStep("utter_safety_check_ok")),
    (SafetyState(L, "safe_now", answering_check=True), SafetyStep("utter_safety_check_ok")),
    (SafetyState("utter_safety_check_ok", None, paused_by_check=True), SafetyStep("intake_form")),
    (SafetyState("utter_safety_check_ok", None), SafetyStep(L)),
    (SafetyState("utter_safety_check_ok", None, starts_intake=True), SafetyStep("intake_form")),
    # any other answer: a paused intake resumes and reads it; a question or a request keeps its own handling
    (SafetyState(L, "inform", answering_check=True, paused_by_check=True), SafetyStep("intake_form")),
    (SafetyState(L, "faq", answering_check=True, paused_by_check=True), None),
    (SafetyState(L, "inform", answering_check=True), None),
    # nothing to do with safety
    (SafetyState(L, "inform", form_active=True), None),
    (SafetyState("utter_greet", None), None),
])
def test_next_safety_step(state, step):
    assert next_safety_step(state) == step


# ---------------------------------------------------------------- DIET's crisis class alone on an intake answer

from components.safety_policy import answers_pending, raises_check  # noqa: E402

CHECK = {"entity": "safety_check", "value": "my mom watches my daughter"}
ANSWER = {"entity": "commitments", "value": "caregiving"}


@pytest.mark.parametrize("entities, answers, classifier_only, asks", [
    ([], True, True, False),
    ([CHECK], False, False, True),  # a rule's uncertain signal always asks
    ([CHECK, ANSWER], True, False, True),
    ([CHECK], False, True, True),  # the classifier alone asks on a message that does not answer the question
    ([CHECK, ANSWER], True, True, False),  # an answer naming no acute danger is read as the answer
])
def test_the_classifier_alone_does_not_question_a_plain_answer(entities, answers, classifier_only, asks):
    assert raises_check(entities, answers, classifier_only) == asks


@pytest.mark.parametrize("text, entities, requested, answers", [
    ("crash. sleep 2 days, starving", [], "withdrawal", True),  # read with the question's own vocabulary
    ("my mom watches my daughter", [ANSWER], "commitments", True),
    ("my mom watches my daughter", [ANSWER], None, False),  # no question on the table
    ("purple monkey dishwasher", [], "home", False),
])
def test_an_answer_to_the_pending_question_is_found_as_the_form_reads_it(text, entities, requested, answers):
    assert answers_pending(text, entities, requested) == answers


def tracker_of(*events):
    from rasa.shared.core.trackers import DialogueStateTracker

    return DialogueStateTracker.from_events("person", list(events))


@pytest.mark.parametrize("first_intent, intake_ran, starts", [
    ("inform", False, True),  # "my family won't talk to me anymore and I keep using pills", then "no"
    ("faq", False, False),  # a question: after "no" the person goes on asking
    ("inform", True, False),  # the intake ran already: it is resumed, or not, by what it paused
])
def test_a_safety_question_before_the_intake_starts_it_once_cleared(first_intent, intake_ran, starts):
    from rasa.shared.core.events import ActionExecuted, UserUttered

    from components.safety_policy import read_state

    events = [ActionExecuted("action_listen")]
    if intake_ran:
        events += [UserUttered("hi", {"name": "greet"}), ActionExecuted("intake_form"), ActionExecuted("action_listen")]
    events += [UserUttered("I keep using pills", {"name": first_intent}), ActionExecuted("utter_safety_check"),
               ActionExecuted("action_listen"), UserUttered("no, I'm safe", {"name": "deny"}),
               ActionExecuted("utter_safety_check_ok")]
    state = read_state(tracker_of(*events))
    assert state.starts_intake is starts
    assert next_safety_step(state).action == ("intake_form" if starts else "action_listen")


def test_each_message_the_assistant_cannot_read_is_asked_about_never_taken_for_a_yes():
    from rasa.shared.core.events import ActionExecuted, UserUttered

    from components.safety_policy import read_state

    unread = [{"entity": "crisis_category", "value": "other_language"}, {"entity": "safety_check", "value": "Hola"}]
    first = UserUttered("¿Cuánto cuesta el programa?", {"name": "faq"}, unread)
    again = UserUttered("No entiendo, ¿cuánto cuesta?", {"name": "out_of_scope"}, unread)
    assert next_safety_step(read_state(tracker_of(ActionExecuted("action_listen"), first))) == SafetyStep(
        "utter_safety_check")
    state = read_state(tracker_of(ActionExecuted("action_listen"), first, ActionExecuted("utter_safety_check"),
                                  ActionExecuted("action_listen"), again))
    assert state.answering_check and state.unread
    assert next_safety_step(state) == SafetyStep("utter_safety_check")  # asked again, not the full response
