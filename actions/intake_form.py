"""The intake form: validation of each turn and one ask action per criterion (from bot.clinical.criteria)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.clinical.criteria import BY_ID, CRITERIA, asked_criteria, criterion
from bot.conversation.form import (
    ANSWER_INTENTS,
    DETOX_ADVICE,
    Turn,
    detox_advice_owed,
    give_up,
    read_turn,
    set_aside,
    times_in_a_row,
)
from bot.conversation.payloads import CHANGE_ENTITY
from bot.conversation.privacy import CONSENT_BUTTONS, CONSENT_QUESTION, CONSENT_SLOT, read_consent

UNCLEAR_SLOT = "unclear_turns"
FORM_MACHINERY = frozenset({"action_listen", "action_extract_slots", "intake_form", "validate_intake_form"})


def answers_from(tracker: Tracker) -> Dict[str, Any]:
    """The criterion slots currently set on the tracker."""
    return {c.id: tracker.get_slot(c.id) for c in CRITERIA if tracker.get_slot(c.id) is not None}


def slots_before_last_message(tracker: Tracker) -> Dict[str, Any]:
    """The criterion slots and consent as they were before the latest user message."""
    values: Dict[str, Any] = {}
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    for event in tracker.events[:last_user]:
        if event.get("event") == "restart":
            values = {}
        elif event.get("event") == "slot" and (event.get("name") in BY_ID or event.get("name") == CONSENT_SLOT):
            values[event["name"]] = event.get("value")
    return {key: value for key, value in values.items() if value is not None}


QUESTIONS = {text: c.id for c in CRITERIA for text in (c.question, c.reask)} | {CONSENT_QUESTION: CONSENT_SLOT}


def questions_asked(tracker: Tracker) -> List[str]:
    """The criteria (and consent) the form asked, in order, from the bot's messages (the form runs its ask
    actions inside its own turn, so they are not logged as actions)."""
    return [QUESTIONS[e["text"]] for e in tracker.events if e.get("event") == "bot" and e.get("text") in QUESTIONS]


def replied_since_message(tracker: Tracker) -> bool:
    """True when something answered the latest message before the form ran (an FAQ answer, a request's
    reply): the form comes back to its question, and the message was already read."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    return any(e.get("event") == "action" and e.get("name") not in FORM_MACHINERY
               for e in tracker.events[last_user + 1:])


class ValidateIntakeForm(FormValidationAction):
    """Reads each answer in the context of the question asked; re-asks once, then moves on."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> List[str]:
        """Consent while unanswered, then only the criteria worth asking given what is known."""
        consent = [] if tracker.get_slot(CONSENT_SLOT) else [CONSENT_SLOT]
        answers = answers_from(tracker)
        later = set_aside(questions_asked(tracker), answers)  # asked twice already: asked again last
        criteria = asked_criteria(answers)
        return consent + [c for c in criteria if c not in later] + [c for c in criteria if c in later]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        """Translate the turn to privacy.read_consent and form.read_turn (bot), and back to slot events."""
        before = slots_before_last_message(tracker)
        set_this_turn = dict(tracker.slots_to_validate())
        consent_now = set_this_turn.pop(CONSENT_SLOT, None)
        if consent_now == before.pop(CONSENT_SLOT, None):
            consent_now = None  # when the form starts again, Rasa validates every filled slot as if just set
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        consent_pending = tracker.get_slot("requested_slot") == CONSENT_SLOT
        events, asked, unclear = self.read_consent_turn(dispatcher, tracker, intent, consent_now)
        asked_so_far = questions_asked(tracker)
        if asked in BY_ID:  # never asked more than twice in a row, whatever the messages in between were
            unclear = max(times_in_a_row(asked_so_far, asked) - 1, 0)
        advised = any(e.get("event") == "bot" and e.get("text") == DETOX_ADVICE for e in tracker.events)
        if owed := detox_advice_owed(before, advised):
            turn = owed
        elif replied_since_message(tracker) and asked in BY_ID and not set_this_turn:
            # Back to the form after a reply to something else (a question, a request): the message was read.
            turn = give_up(asked, asked_so_far, before) or Turn(rejected=True)
        else:
            reading = dict(
                asked=asked,
                text=tracker.latest_message.get("text") or "",
                answers=before,
                set_this_turn=set_this_turn,
                unclear_turns=unclear,
                asked_so_far=asked_so_far,
                change=next((e.get("value") for e in tracker.latest_message.get("entities") or []
                             if e.get("entity") == CHANGE_ENTITY), None),
                keep_answers=consent_pending,
            )
            turn = read_turn(intent=intent, **reading)
            if turn.rejected and set_this_turn and asked in BY_ID:
                # Rasa keeps the form when its mappings filled any slot (an answer already known, said again),
                # so no other rule replies: the message counts as a miss, never as a silent re-ask.
                turn = read_turn(intent="inform", **reading)
        if turn.rejected and not events:
            return []
        for message in turn.messages:
            dispatcher.utter_message(text=message)
        events += [SlotSet(key, value) for key, value in turn.updates.items()]
        events += [SlotSet(key, before.get(key)) for key in set_this_turn if key not in turn.updates]
        events.append(SlotSet(UNCLEAR_SLOT, unclear if asked is None else turn.unclear_turns))
        if turn.finish:
            return events + [SlotSet("requested_slot", None)]
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        while next_slot and (stale := give_up(next_slot["value"], asked_so_far, answers_from(tracker))):
            # Back to a question asked twice in a row already (the intake was paused or left in between).
            dispatcher.utter_message(text=stale.messages[0])
            events += [SlotSet(key, value) for key, value in stale.updates.items()]
            tracker.add_slots(events)
            next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])

    @staticmethod
    def read_consent_turn(
        dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None, consent_now: str | None
    ) -> tuple[List[EventType], str | None, int]:
        """Consent given, declined or unclear this turn; returns its events, the criterion asked, the re-asks."""
        asked = tracker.get_slot("requested_slot")
        unclear = int(tracker.get_slot(UNCLEAR_SLOT) or 0)
        events: List[EventType] = []
        if consent_now or (asked == CONSENT_SLOT and intent in ANSWER_INTENTS):
            answer = read_consent(consent_now, asked == CONSENT_SLOT, unclear)
            if answer.message:
                dispatcher.utter_message(text=answer.message)
            if answer.consent:
                events.append(SlotSet(CONSENT_SLOT, answer.consent))
            if asked == CONSENT_SLOT:
                unclear = answer.unclear_turns
        if asked == CONSENT_SLOT:
            asked = None  # facts in the same message still count; a question is answered by its rule
        return events, asked, unclear


class AskConsent(Action):
    """Asks whether the answers may be stored (bot.conversation.privacy holds the versioned wording)."""

    def name(self) -> str:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        buttons = [{"title": title, "payload": payload} for title, payload in CONSENT_BUTTONS]
        dispatcher.utter_message(text=CONSENT_QUESTION, buttons=buttons)
        return []


class AskCriterion(Action, ABC):
    """Asks for one criterion: the full question first, a short re-ask with buttons after that."""

    @property
    @abstractmethod
    def criterion_id(self) -> str:
        """The criterion this action asks for (set by each generated subclass)."""

    def name(self) -> str:
        return f"action_ask_{self.criterion_id}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        """Send the question (or the re-ask) with its quick-reply buttons."""
        wanted = criterion(self.criterion_id)
        reasking = times_in_a_row(questions_asked(tracker), self.criterion_id) > 0
        buttons = [
            {"title": title, "payload": "/inform" + json.dumps({wanted.id: value})}
            for title, value in wanted.buttons
        ]
        dispatcher.utter_message(text=wanted.reask if reasking else wanted.question, buttons=buttons)
        return []


# One ask action per asked criterion of bot/clinical/criteria.py (tests/test_domain.py checks none is missing).


class AskSubstances(AskCriterion):
    """action_ask_substances"""

    criterion_id = "substances"


class AskSeverity(AskCriterion):
    """action_ask_severity"""

    criterion_id = "severity"


class AskWithdrawal(AskCriterion):
    """action_ask_withdrawal"""

    criterion_id = "withdrawal"


class AskRecentTreatment(AskCriterion):
    """action_ask_recent_treatment"""

    criterion_id = "recent_treatment"


class AskRelapse(AskCriterion):
    """action_ask_relapse"""

    criterion_id = "relapse"


class AskMentalHealth(AskCriterion):
    """action_ask_mental_health"""

    criterion_id = "mental_health"


class AskHome(AskCriterion):
    """action_ask_home"""

    criterion_id = "home"


class AskSupport(AskCriterion):
    """action_ask_support"""

    criterion_id = "support"


class AskCommitments(AskCriterion):
    """action_ask_commitments"""

    criterion_id = "commitments"


class AskHoursAvailable(AskCriterion):
    """action_ask_hours_available"""

    criterion_id = "hours_available"


class AskSchedule(AskCriterion):
    """action_ask_schedule"""

    criterion_id = "schedule"


class AskCourtOrdered(AskCriterion):
    """action_ask_court_ordered"""

    criterion_id = "court_ordered"


class AskCanLiveAtFacility(AskCriterion):
    """action_ask_can_live_at_facility"""

    criterion_id = "can_live_at_facility"


class AskPayment(AskCriterion):
    """action_ask_payment"""

    criterion_id = "payment"


class AskAttendCommitment(AskCriterion):
    """action_ask_attend_commitment"""

    criterion_id = "attend_commitment"
