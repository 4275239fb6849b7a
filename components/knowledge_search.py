"""Rasa NLU component: unsure FAQ questions are searched in the knowledge file (bot.knowledge).

Runs after the ResponseSelector and the FallbackClassifier. A message the intent classifier read as
an intake answer but that ends by asking about a program ("my son drinks daily and we can't send
him away. Could he do IOP and keep school?") is a question, when the selector is sure of its topic;
its facts still fill the intake. When the selector is confident (also
for a fallback whose best intent was still `faq`) it keeps the selector's answer. When it is
unsure, or the intent fell back, a BM25 search of data/knowledge/faq.yml picks the answer if one
matches well enough; otherwise the question is marked `nlu_fallback`, which the rules answer with
an honest "I don't have that information". Everything stays in the Rasa server, so FAQ answers do
not depend on the action server.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge import NOT_COVERED, SURE_FAQ, choose_answer, ends_with_program_question
from components.base import FALLBACK_INTENT, FAQ_INTENT, INFORM_INTENT, INTAKE_INTENTS, RuleComponent, best_guess


def runner_up(selector: dict) -> str | None:
    """The selector's best topic other than not_covered, from its ranking."""
    for ranked in selector.get("ranking") or []:
        topic = (ranked.get("intent_response_key") or "").split("/", 1)[-1]
        if topic and topic != NOT_COVERED:
            return topic
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class KnowledgeSearch(RuleComponent):
    """Re-points or withdraws unsure FAQ answers using the knowledge-file search."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Apply the knowledge search to FAQ and fallback messages."""
        for message in messages:
            intent = dict(message.get(INTENT) or {})
            selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
            selected = (selectors.get(FAQ_INTENT) or {}).get("response") or {}
            key = selected.get("intent_response_key") or ""
            if (intent.get("name") == INFORM_INTENT and float(selected.get("confidence") or 0.0) >= SURE_FAQ
                    and key != f"{FAQ_INTENT}/{NOT_COVERED}" and ends_with_program_question(message.get(TEXT) or "")):
                intent["name"] = FAQ_INTENT
            if intent.get("name") not in (FAQ_INTENT, FALLBACK_INTENT):
                continue
            best = best_guess(message.get("intent_ranking"))
            if intent["name"] == FALLBACK_INTENT and best.get("name") in INTAKE_INTENTS:
                continue  # an unsure intake message is left to the intake facts, not searched
            faq_confidence = float(best.get("confidence") or 0.0) if best.get("name") == FAQ_INTENT else 0.0
            faq_like = intent["name"] == FAQ_INTENT or faq_confidence > 0
            topic = key.split("/", 1)[1] if faq_like and "/" in key else None
            entry, found_by = choose_answer(
                topic, float(selected.get("confidence") or 0.0), message.get(TEXT) or "", faq_confidence,
                runner_up(selectors.get(FAQ_INTENT) or {}))
            message.set("knowledge", {"topic": entry.topic if entry else None, "found_by": found_by},
                        add_to_output=True)
            if entry is None:
                message.set(INTENT, {**intent, "name": FALLBACK_INTENT}, add_to_output=True)
                continue
            selectors.setdefault(FAQ_INTENT, {"ranking": []})["response"] = {
                **selected, "intent_response_key": f"{FAQ_INTENT}/{entry.topic}",
                "utter_action": entry.response,
                "confidence": selected.get("confidence") if found_by == "selector" else 1.0,
            }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
            message.set(INTENT, {**intent, "name": FAQ_INTENT}, add_to_output=True)
        return messages
