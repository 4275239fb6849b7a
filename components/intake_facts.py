"""Rasa NLU component: the spaCy intake rules (bot.extract) as entities named after criteria."""

from __future__ import annotations

from typing import Any, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.extract import extract_facts
from bot.knowledge import SURE_FAQ, looks_like_question
from bot.nlp import load_pipeline
from components.base import (
    CRISIS_INTENT,
    FALLBACK_INTENT,
    FAQ_INTENT,
    INFORM_INTENT,
    INTAKE_INTENTS,
    RuleComponent,
    best_guess,
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class IntakeFactExtractor(RuleComponent, EntityExtractorMixin):
    """Adds one entity per intake fact found by the rule-based spaCy pipeline."""

    def __init__(self) -> None:
        self._nlp: Any | None = None

    def process(self, messages: List[Message]) -> List[Message]:
        """Append the facts of each message as entities (none for a crisis message: safety first)."""
        if self._nlp is None:
            self._nlp = load_pipeline()
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == CRISIS_INTENT:  # a crisis must stop the form: fill no intake slots
                continue
            text = message.get(TEXT) or ""
            facts = extract_facts(text, nlp=self._nlp)
            stated = {fact.criterion for fact in facts}
            unsure = float(intent.get("confidence") or 0.0) < SURE_FAQ
            if (intent.get("name") == FAQ_INTENT and stated and (len(stated) >= 2 or unsure)
                    and not looks_like_question(text)):
                # "completed intensive outpatient 2 weeks ago" states facts; it asks nothing. So does
                # "I keep relapsing after outpatient", one fact the classifier was unsure was a question.
                message.set(INTENT, {**intent, "name": INFORM_INTENT}, add_to_output=True)
            elif (intent.get("name") == FALLBACK_INTENT and stated
                  and best_guess(message.get("intent_ranking")).get("name") in INTAKE_INTENTS):
                # "I finished an IOP last month, what's next for me?": unsure, but most likely an intake
                # message, and it states facts, so they go into the intake rather than to "I don't know".
                message.set(INTENT, {**intent, "name": INFORM_INTENT}, add_to_output=True)
            entities = [
                {
                    "entity": fact.criterion,
                    "value": fact.value,
                    "start": fact.start,
                    "end": fact.end,
                    "confidence_entity": 1.0,
                    "extractor": "IntakeFactExtractor",
                }
                for fact in facts
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
