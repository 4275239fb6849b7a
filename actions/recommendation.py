"""Summary, recommendation and explanation actions: translate the tracker to bot and back."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake_form import answers_from
from bot.clinical.criteria import CRITERIA
from bot.clinical.intake import make_intake
from bot.clinical.messages import NOT_YET_EXPLAINED, explain, summarize
from bot.clinical.placement import recommend_level
from bot.conversation.payloads import change_payload
from bot.conversation.privacy import CONSENT_SLOT, CONSENT_VERSION, NOT_STORED, may_store
from bot.records.storage import default_db, save_intake

CONFIRM_BUTTONS = [
    {"title": "Yes, that's right", "payload": "/affirm"},
    {"title": "I need to change something", "payload": "/deny"},
]


def intake_key(tracker: Tracker) -> tuple[str, str]:
    """A stable id for this intake: the conversation id plus when it (re)started."""
    started = 0.0
    for event in tracker.events:
        if event.get("event") in ("restart", "session_started"):
            started = event.get("timestamp") or started
    return f"{tracker.sender_id}:{int(started)}", tracker.sender_id


def consent_time(tracker: Tracker) -> str | None:
    """When the person last gave their consent (ISO 8601, UTC)."""
    times = [e.get("timestamp") for e in tracker.events
             if e.get("event") == "slot" and e.get("name") == CONSENT_SLOT and e.get("value")]
    return datetime.fromtimestamp(times[-1], timezone.utc).isoformat(timespec="seconds") if times else None


class ActionSummarize(Action):
    """Shows what was understood and asks the person to confirm or correct it."""

    def name(self) -> str:
        return "action_summarize"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        intake = make_intake(answers_from(tracker))
        dispatcher.utter_message(
            text=summarize(intake) + "\n\nIs that right? You can also correct anything in your own words.",
            buttons=CONFIRM_BUTTONS,
        )
        return []


class ActionAskCorrection(Action):
    """Asks what to change, with a button for each answer in the summary (words work too)."""

    def name(self) -> str:
        return "action_ask_correction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        answers = answers_from(tracker)
        buttons = [{"title": c.label, "payload": change_payload(c.id)} for c in CRITERIA if c.asked and c.id in answers]
        dispatcher.utter_message(response="utter_ask_correction", buttons=buttons)
        return []


class ActionRecommend(Action):
    """Places the intake, stores it, then sends the explained recommendation."""

    def name(self) -> str:
        return "action_recommend"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        intake = make_intake(answers_from(tracker))
        recommendation = recommend_level(intake)
        text = explain(recommendation)
        if may_store(tracker.get_slot(CONSENT_SLOT)):
            intake_id, conversation_id = intake_key(tracker)
            save_intake(default_db(), intake_id, conversation_id, intake, recommendation,
                        consent_version=CONSENT_VERSION, consented_at=consent_time(tracker))
        else:
            text += "\n\n" + NOT_STORED
        dispatcher.utter_message(text=text, json_message=recommendation.to_payload())
        return [SlotSet("recommended_level", recommendation.level)]


class ActionExplainRecommendation(Action):
    """Repeats why the current answers lead to the recommended level."""

    def name(self) -> str:
        return "action_explain_recommendation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        if not tracker.get_slot("recommended_level"):
            dispatcher.utter_message(text=NOT_YET_EXPLAINED)
            return []
        recommendation = recommend_level(make_intake(answers_from(tracker)))
        dispatcher.utter_message(text=explain(recommendation), json_message=recommendation.to_payload())
        return []
