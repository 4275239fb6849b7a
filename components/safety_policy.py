"""Rasa policy: a crisis message is answered first, before anything else, even an active form.

RulePolicy lets an active form run before any rule; this policy outranks it (priority 7 > 6)
only where safety requires it:
- after a crisis message it answers with the crisis response and pauses the intake, and until the
  person says they are safe keeps answering with the crisis follow-up, then goes straight back to
  the question the crisis interrupted;
- after a message with an uncertain signal (the `safety_check` entity) it asks a direct safety
  question, pausing the intake; "yes" gets the crisis response, "no" goes back to where the
  conversation was, and anything else is handled as usual (the paused intake resumes with it).
It needs nothing from the action server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.extract import extract_facts
from bot.conversation.routing import CATEGORY_ENTITY, CHECK_ENTITY, SAFETY_PROPERTY
from bot.conversation.routing import CRISIS as CRISIS_INTENT
from bot.crisis.assess import OTHER_LANGUAGE

CRISIS_RESPONSE = "utter_crisis"
FOLLOW_UP = "utter_crisis_followup"
SAFETY_CHECK = "utter_safety_check"
CHECK_CLEARED = "utter_safety_check_ok"
SAFE_NOW = "utter_safe_now"
PAUSE_FORM = "action_deactivate_loop"
INTAKE_FORM = "intake_form"
IN_CRISIS_SLOT = "in_crisis"
ALLOWED_IN_CRISIS = frozenset({"safe_now", "ask_human", "goodbye", CRISIS_INTENT})
YES_TO_CHECK = frozenset({"affirm"})
NO_TO_CHECK = frozenset({"deny", "safe_now"})
# Requests that keep their own handling after the safety question; any other answer resumes a paused intake.
OWN_HANDLING = frozenset({"faq", "ask_human", "delete_data", "start_over", "goodbye", "bot_challenge", "ask_why",
                          "ask_my_program", "greet", "thank", "out_of_scope"})


@dataclass(frozen=True)
class SafetyState:
    """What the safety policy reads from a conversation."""

    latest_action: str | None
    intent: str | None = None
    in_crisis: bool = False
    form_active: bool = False
    check: bool = False  # the latest message raised an uncertain signal
    answering_check: bool = False  # the latest message answers the safety question
    paused_by_check: bool = False  # the safety question paused the intake
    paused_by_crisis: bool = False  # the latest crisis response paused the intake
    starts_intake: bool = False  # the safety question came on a first telling of the person's situation
    unread: bool = False  # the latest message is in a language the assistant cannot read


@dataclass(frozen=True)
class SafetyStep:
    """The action safety requires now; `crisis` marks the person as in crisis (a "yes" to the question)."""

    action: str
    crisis: bool = False


def next_safety_step(state: SafetyState) -> SafetyStep | None:
    """The step safety requires now, or None to let the other policies decide."""
    latest = state.latest_action
    if latest == ACTION_LISTEN_NAME:
        if state.intent == CRISIS_INTENT:
            return SafetyStep(CRISIS_RESPONSE)
        if state.in_crisis:
            return None if state.intent in ALLOWED_IN_CRISIS else SafetyStep(FOLLOW_UP)
        if state.answering_check and (state.intent in YES_TO_CHECK or state.check and not state.unread):
            return SafetyStep(CRISIS_RESPONSE, crisis=True)  # "yes", or another worrying answer
        # a message the assistant cannot read, even after the question, may be a crisis: it is asked again (the
        # numbers and the interpreters each time), never taken as a "yes" that would hold the person in crisis
        if state.answering_check and state.intent in NO_TO_CHECK:
            return SafetyStep(CHECK_CLEARED)
        if state.check:
            return SafetyStep(SAFETY_CHECK)
        if state.answering_check and state.paused_by_check and state.intent not in OWN_HANDLING:
            return SafetyStep(INTAKE_FORM)  # any other answer: back to the intake, which reads it
        return None
    if latest in (CRISIS_RESPONSE, FOLLOW_UP, SAFETY_CHECK):
        return SafetyStep(PAUSE_FORM if state.form_active else ACTION_LISTEN_NAME)
    if latest == PAUSE_FORM and (state.in_crisis or state.check):
        return SafetyStep(ACTION_LISTEN_NAME)
    if latest == CHECK_CLEARED:  # back to the intake it paused, or into the one the first message would have started
        return SafetyStep(INTAKE_FORM if state.paused_by_check or state.starts_intake else ACTION_LISTEN_NAME)
    if latest == SAFE_NOW and state.paused_by_crisis:
        return SafetyStep(INTAKE_FORM)  # straight back to the question the crisis interrupted
    return None


def turn_actions(tracker: DialogueStateTracker) -> tuple[list[str], list[str]]:
    """The actions run since the latest user message, and those of the turn before it."""
    turns: list[list[str]] = [[]]
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if len(turns) == 2:
                break
            turns.append([])
        elif isinstance(event, ActionExecuted) and event.action_name:
            turns[-1].append(event.action_name)
    if len(turns) < 2:
        turns.append([])
    return turns[0][::-1], turns[1][::-1]


def raises_check(entities: List[Dict[str, Any]], answers_pending: bool, classifier_only: bool = False) -> bool:
    """True when a message's uncertain signal calls for the safety question. DIET's crisis class alone, on
    a message naming no acute danger (`classifier_only`), does not when the message answers the pending
    intake question: that answer is read as the answer it is."""
    if not any(e.get("entity") == CHECK_ENTITY for e in entities):
        return False
    return not (answers_pending and classifier_only)


def answers_pending(text: str, entities: List[Dict[str, Any]], requested_slot: str | None) -> bool:
    """True when the message answers the intake question on the table, as the form will read it."""
    if requested_slot is None:
        return False
    if any(e.get("entity") == requested_slot for e in entities):
        return True
    return any(fact.criterion == requested_slot for fact in extract_facts(text, asked=requested_slot))


def classifier_check_context(tracker: DialogueStateTracker) -> tuple[bool, bool]:
    """(the message answers the pending question, DIET's crisis class alone raised its check)."""
    message = tracker.latest_message
    classifier_only = bool((message.parse_data.get(SAFETY_PROPERTY) or {}).get("classifier_only"))
    if not classifier_only:
        return False, False
    requested = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
    return answers_pending(message.text or "", message.entities or [], requested), True


def crisis_paused_intake(tracker: DialogueStateTracker) -> bool:
    """True when the latest crisis response paused the intake (the action after it closed the form)."""
    actions = [e.action_name for e in tracker.events if isinstance(e, ActionExecuted) and e.action_name]
    if CRISIS_RESPONSE not in actions:
        return False
    latest = len(actions) - 1 - actions[::-1].index(CRISIS_RESPONSE)
    return actions[latest + 1:latest + 2] == [PAUSE_FORM]


def unread(tracker: DialogueStateTracker) -> bool:
    """True when the latest message is in a language the assistant cannot read (no crisis term found in it)."""
    entities = tracker.latest_message.entities if tracker.latest_message else []
    return any(e.get("entity") == CATEGORY_ENTITY and e.get("value") == OTHER_LANGUAGE for e in entities or [])


def read_state(tracker: DialogueStateTracker) -> SafetyState:
    """The safety state of a conversation."""
    message = tracker.latest_message
    this_turn, last_turn = turn_actions(tracker)
    check_turn = this_turn if SAFETY_CHECK in this_turn else last_turn
    return SafetyState(
        latest_action=tracker.latest_action_name,
        intent=message.intent.get("name") if message else None,
        in_crisis=bool(tracker.get_slot(IN_CRISIS_SLOT)),
        form_active=tracker.active_loop_name is not None,
        check=bool(message) and raises_check(message.entities or [], *classifier_check_context(tracker)),
        unread=unread(tracker),
        answering_check=SAFETY_CHECK in last_turn,
        paused_by_check=SAFETY_CHECK in check_turn and PAUSE_FORM in check_turn,
        paused_by_crisis=tracker.latest_action_name == SAFE_NOW and crisis_paused_intake(tracker),
        starts_intake=tracker.latest_action_name == CHECK_CLEARED and checked_before_the_intake(tracker),
    )


STARTS_INTAKE = frozenset({"inform", "start_intake"})  # what a first message telling about oneself is read as


def checked_before_the_intake(tracker: DialogueStateTracker) -> bool:
    """True when the intake has not run yet and the message the safety question answered told about the person
    ("my family won't talk to me anymore and I keep using pills"): the intake it would have started starts."""
    if any(isinstance(e, ActionExecuted) and e.action_name == INTAKE_FORM for e in tracker.events):
        return False
    messages = [e for e in reversed(tracker.events) if isinstance(e, UserUttered)]
    return len(messages) > 1 and (messages[1].intent or {}).get("name") in STARTS_INTAKE


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True)
class SafetyPolicy(Policy):
    """Predicts the crisis response, the safety question (and pauses the intake) whenever safety requires it."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Priority above RulePolicy (6), so a crisis beats the active form."""
        return {POLICY_PRIORITY: 7}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the safety rule is fixed."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Certain prediction of the safety action, or no opinion."""
        probabilities = self._default_predictions(domain)
        step = next_safety_step(read_state(tracker))
        if step is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(step.action)] = 1.0
        events = [SlotSet(IN_CRISIS_SLOT, True)] if step.crisis else []
        # The form's own prediction is a "no user" prediction, which outranks all others: match it.
        return self._prediction(probabilities, events=events, is_no_user_prediction=True)
