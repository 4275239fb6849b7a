"""What a level of care looks like for this person (the FAQ itself is answered by rules)."""

from __future__ import annotations

from typing import Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.clinical.messages import describe_program
from bot.clinical.programs import level_named_in


class ActionDescribeProgram(Action):
    """What the recommended (or named) level would look like week to week."""

    def name(self) -> str:
        return "action_describe_program"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        level = level_named_in(tracker.latest_message.get("text") or "") or tracker.get_slot("recommended_level")
        text, payload = describe_program(level, tracker.get_slot("recommended_level"))
        dispatcher.utter_message(text=text, json_message=payload)
        return []
