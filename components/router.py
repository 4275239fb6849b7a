"""Rasa NLU component: reads each message with the project's rules and applies the one routing decision.

It runs after DIET, the ResponseSelector and the FallbackClassifier. It asks the crisis rules
(`bot.crisis.assess`), the intake rules (`bot.conversation.extract`) and, through
`bot.conversation.routing.route`, the knowledge file,
then sets what Rasa needs: the intent, one entity per intake fact (none on a crisis), the
`crisis_category` and `safety_check` entities, and the FAQ answer in the response selector. Everything
stays in the Rasa server, so a crisis reply or an FAQ answer does not depend on the action server.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clinical.knowledge import NOT_COVERED
from bot.conversation.extract import Fact, extract_facts
from bot.conversation.nlp import load_pipeline
from bot.conversation.routing import CATEGORY_ENTITY, CHECK_ENTITY, FAQ, SAFETY_PROPERTY, Reading, Route, route
from bot.crisis.assess import assess_crisis, load_safety_pipeline
from bot.crisis.net import crisis_net
from bot.crisis.terms import warm_up as warm_up_terms
from components.base import RuleComponent

FACTS_EXTRACTOR = "IntakeFactExtractor"  # the extractor named on fact entities (the console shows it)


def selector_reading(message: Message) -> Dict[str, Any]:
    """The ResponseSelector's FAQ topic, its confidence and its best other topic."""
    selected = ((message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(FAQ) or {})
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    topics = [(r.get("intent_response_key") or "").split("/", 1)[-1] for r in selected.get("ranking") or []]
    return {
        "selector_topic": key.split("/", 1)[1] if "/" in key else None,
        "selector_confidence": float((selected.get("response") or {}).get("confidence") or 0.0),
        "selector_runner_up": next((t for t in topics if t and t != NOT_COVERED), None),
    }


def entity(name: str, value: Any, start: int, end: int, extractor: str) -> Dict[str, Any]:
    """An entity as this component adds it."""
    return {"entity": name, "value": value, "start": start, "end": end, "confidence_entity": 1.0,
            "extractor": extractor}


def fact_entities(facts: List[Fact]) -> List[Dict[str, Any]]:
    """One entity per intake fact, named after its criterion."""
    return [entity(f.criterion, f.value, f.start, f.end, FACTS_EXTRACTOR) for f in facts]


def crisis_entities(decision: Route, text: str) -> List[Dict[str, Any]]:
    """The crisis category, and for an uncertain signal the words the safety question quotes."""
    signal = decision.signal
    if signal is None:
        return []
    found = [entity(CATEGORY_ENTITY, signal.category, signal.start, signal.end, MessageRouter.__name__)]
    if decision.safety_question:
        found.append(entity(CHECK_ENTITY, decision.quote(text), signal.start, signal.end, MessageRouter.__name__))
    return found


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False)
class MessageRouter(RuleComponent, EntityExtractorMixin):
    """Applies `bot.conversation.routing.route` to every message."""

    def __init__(self) -> None:
        self._nlp: Any | None = None
        self._safety_nlp: Any | None = None

    def process(self, messages: List[Message]) -> List[Message]:
        """Set each message's intent, entities and FAQ answer from the routing decision."""
        if self._nlp is None:
            self._nlp, self._safety_nlp = load_pipeline(), load_safety_pipeline()
            crisis_net()  # loaded now rather than in the middle of a crisis message
            warm_up_terms()
        for message in messages:
            self.apply(message)
        return messages

    def apply(self, message: Message) -> None:
        """Read one message, decide, and write the decision into it."""
        text = message.get(TEXT) or ""
        intent = dict(message.get(INTENT) or {})
        facts = extract_facts(text, nlp=self._nlp)
        reading = Reading(
            text=text, intent=intent.get("name") or "", confidence=float(intent.get("confidence") or 0.0),
            ranking=tuple((i.get("name"), float(i.get("confidence") or 0.0))
                          for i in message.get("intent_ranking") or []),
            facts=frozenset(f.criterion for f in facts), crisis=assess_crisis(text, nlp=self._safety_nlp),
            **selector_reading(message))
        decision = route(reading)
        if (decision.intent, decision.confidence) != (reading.intent, reading.confidence):
            message.set(INTENT, {**intent, "name": decision.intent, "confidence": decision.confidence},
                        add_to_output=True)
        added = (fact_entities(facts) if decision.keep_facts else []) + crisis_entities(decision, text)
        if added:
            message.set(ENTITIES, message.get(ENTITIES, []) + added, add_to_output=True)
        if decision.classifier_only:
            message.set(SAFETY_PROPERTY, {"classifier_only": True}, add_to_output=True)
        if decision.found_by is not None:
            message.set("knowledge", {"topic": decision.faq_topic, "found_by": decision.found_by},
                        add_to_output=True)
        if decision.faq_topic:
            self.point_selector(message, decision)

    @staticmethod
    def point_selector(message: Message, decision: Route) -> None:
        """Make the response selector say the chosen answer (confidence 1.0 when the search found it)."""
        selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        selected = (selectors.get(FAQ) or {}).get("response") or {}
        selectors.setdefault(FAQ, {"ranking": []})["response"] = {
            **selected, "intent_response_key": f"{FAQ}/{decision.faq_topic}",
            "utter_action": f"utter_{FAQ}/{decision.faq_topic}",
            "confidence": selected.get("confidence") if decision.found_by == "selector" else 1.0,
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
