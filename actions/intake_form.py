"""The intake form: validation of each turn and one ask action per criterion (from bot.criteria)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.criteria import BY_ID, CRITERIA, asked_criteria, criterion
from bot.form import read_turn

UNCLEAR_SLOT = "unclear_turns"


def answers_from(tracker: Tracker) -> Dict[str, Any]:
    """The criterion slots currently set on the tracker."""
    return {c.id: tracker.get_slot(c.id) for c in CRITERIA if tracker.get_slot(c.id) is not None}


def answers_before_last_message(tracker: Tracker) -> Dict[str, Any]:
    """The criterion slots as they were before the latest user message."""
    values: Dict[str, Any] = {}
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    for event in tracker.events[:last_user]:
        if event.get("event") == "restart":
            values = {}
        elif event.get("event") == "slot" and event.get("name") in BY_ID:
            values[event["name"]] = event.get("value")
    return {key: value for key, value in values.items() if value is not None}


class ValidateIntakeForm(FormValidationAction):
    """Reads each answer in the context of the question asked; re-asks once, then moves on."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> List[str]:
        """Only the criteria worth asking given what is known (e.g. facility only if residential fits)."""
        return asked_criteria(answers_from(tracker))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        """Translate the turn to bot.form.read_turn and its result back to slot events."""
        set_this_turn = tracker.slots_to_validate()
        before = answers_before_last_message(tracker)
        turn = read_turn(
            asked=tracker.get_slot("requested_slot"),
            text=tracker.latest_message.get("text") or "",
            intent=(tracker.latest_message.get("intent") or {}).get("name"),
            answers=before,
            set_this_turn=set_this_turn,
            unclear_turns=int(tracker.get_slot(UNCLEAR_SLOT) or 0),
        )
        if turn.rejected:
            return []
        for message in turn.messages:
            dispatcher.utter_message(text=message)
        events = [SlotSet(key, value) for key, value in turn.updates.items()]
        events += [SlotSet(key, before.get(key)) for key in set_this_turn if key not in turn.updates]
        events.append(SlotSet(UNCLEAR_SLOT, turn.unclear_turns))
        if turn.finish:
            return events + [SlotSet("requested_slot", None)]
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])


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
        reasking = int(tracker.get_slot(UNCLEAR_SLOT) or 0) > 0
        buttons = [
            {"title": title, "payload": "/inform" + json.dumps({wanted.id: value})}
            for title, value in wanted.buttons
        ]
        dispatcher.utter_message(text=wanted.reask if reasking else wanted.question, buttons=buttons)
        return []


for _criterion in CRITERIA:
    if _criterion.asked:
        _name = "Ask" + "".join(part.title() for part in _criterion.id.split("_"))
        globals()[_name] = type(_name, (AskCriterion,), {"criterion_id": _criterion.id, "__module__": __name__})
