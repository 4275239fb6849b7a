"""Rasa NLU component: the high-recall crisis rules (bot.safety) on top of the NLU intent.

If the rule layer finds a crisis, the message's intent becomes `crisis` whatever DIET said, and
the category travels as the `crisis_category` entity (it fills the slot the crisis response
names). A crisis intent from DIET alone is kept, with the category "unspecified", unless the
rules recognised the wording and ruled it out (an idiom, a negated or past crisis): then the next
intent DIET ranked is used.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import assess_crisis, load_safety_pipeline
from components.base import CRISIS_INTENT, FALLBACK_INTENT, RuleComponent

CATEGORY_ENTITY = "crisis_category"


def next_intent(message: Message) -> Dict[str, Any]:
    """DIET's best intent other than crisis (nlu_fallback when there is none)."""
    ranked = [i for i in message.get("intent_ranking") or [] if i.get("name") != CRISIS_INTENT]
    return ranked[0] if ranked else {"name": FALLBACK_INTENT, "confidence": 1.0}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisDetector(RuleComponent):
    """Overrides the intent with `crisis` when the safety rules match."""

    def __init__(self) -> None:
        self._nlp = None

    def process(self, messages: List[Message]) -> List[Message]:
        """Mark crisis messages and their category."""
        if self._nlp is None:
            self._nlp = load_safety_pipeline()
        for message in messages:
            text = message.get(TEXT) or ""
            signal, ruled_out = assess_crisis(text, nlp=self._nlp)
            intent = dict(message.get(INTENT) or {})
            if signal is None and intent.get("name") != CRISIS_INTENT:
                continue
            if signal is None and ruled_out:
                message.set(INTENT, next_intent(message), add_to_output=True)
                continue
            if signal:
                message.set(INTENT, {**intent, "name": CRISIS_INTENT, "confidence": 1.0}, add_to_output=True)
            category, start, end = (signal.category, signal.start, signal.end) if signal else (
                "unspecified", 0, len(text))
            entity = {"entity": CATEGORY_ENTITY, "value": category, "start": start, "end": end,
                      "confidence_entity": 1.0, "extractor": type(self).__name__}
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
