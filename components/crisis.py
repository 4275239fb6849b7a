"""Rasa NLU component: the crisis rules (bot.safety) on top of the NLU intent.

A certain rule match makes the message's intent `crisis` whatever DIET said, and the category travels
as the `crisis_category` entity (it fills the slot the crisis response names). An uncertain signal (an
ambiguous phrase, DIET's crisis class alone, or a detector that failed) keeps DIET's best other intent,
so the facts of the message are kept, and adds the `safety_check` entity (the words that raised it):
the safety policy then asks a direct safety question. DIET's crisis class alone is dropped below
CLASSIFIER_CHECK_CONFIDENCE, on a message shorter than CLASSIFIER_MIN_WORDS, and on an everyday idiom
the rules recognise ("dying to know").
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import (
    CLASSIFIER_CHECK_CONFIDENCE,
    CLASSIFIER_MIN_WORDS,
    UNSPECIFIED,
    CrisisSignal,
    assess_crisis,
    load_safety_pipeline,
)
from components.base import CRISIS_INTENT, FALLBACK_INTENT, RuleComponent

CATEGORY_ENTITY = "crisis_category"
CHECK_ENTITY = "safety_check"
QUOTE_WORDS = 8  # the safety question quotes at most this many of the person's words


def next_intent(message: Message) -> Dict[str, Any]:
    """DIET's best intent other than crisis (nlu_fallback when there is none)."""
    ranked = [i for i in message.get("intent_ranking") or [] if i.get("name") != CRISIS_INTENT]
    return ranked[0] if ranked else {"name": FALLBACK_INTENT, "confidence": 1.0}


def quote(text: str) -> str:
    """The words a safety question quotes back: the evidence, or the message's first words."""
    words = text.split()
    return " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")


def entity(name: str, value: str, start: int, end: int) -> Dict[str, Any]:
    """An entity as this component adds it."""
    return {"entity": name, "value": value, "start": start, "end": end, "confidence_entity": 1.0,
            "extractor": CrisisDetector.__name__}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisDetector(RuleComponent):
    """Overrides the intent with `crisis` on a certain signal; marks an uncertain one for a safety check."""

    def __init__(self) -> None:
        self._nlp = None

    def process(self, messages: List[Message]) -> List[Message]:
        """Mark crisis messages, and messages that call for a safety question."""
        if self._nlp is None:
            self._nlp = load_safety_pipeline()
        for message in messages:
            text = message.get(TEXT) or ""
            assessment = assess_crisis(text, nlp=self._nlp)
            signal = assessment.signal
            intent = dict(message.get(INTENT) or {})
            classifier_crisis = intent.get("name") == CRISIS_INTENT
            confident = float(intent.get("confidence") or 0.0) >= CLASSIFIER_CHECK_CONFIDENCE
            worth_asking = confident and not assessment.idiom and len(text.split()) >= CLASSIFIER_MIN_WORDS
            if signal is None and not (classifier_crisis and worth_asking):
                if classifier_crisis:
                    message.set(INTENT, next_intent(message), add_to_output=True)
                continue
            signal = signal or CrisisSignal(UNSPECIFIED, text, 0, len(text), certain=False)
            added = [entity(CATEGORY_ENTITY, signal.category, signal.start, signal.end)]
            if signal.certain:
                message.set(INTENT, {**intent, "name": CRISIS_INTENT, "confidence": 1.0}, add_to_output=True)
            else:
                if classifier_crisis:
                    message.set(INTENT, next_intent(message), add_to_output=True)
                added.append(entity(CHECK_ENTITY, quote(signal.text or text), signal.start, signal.end))
            message.set(ENTITIES, message.get(ENTITIES, []) + added, add_to_output=True)
        return messages
