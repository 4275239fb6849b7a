"""Rasa policy: a crisis message is answered first, before anything else, even an active form.

RulePolicy lets an active form run before any rule; this policy outranks it (priority 7 > 6)
only after a crisis message, and until the person says they are safe keeps answering with the
crisis follow-up instead of continuing the intake. It needs nothing from the action server.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from components.base import CRISIS_INTENT

CRISIS_RESPONSE = "utter_crisis"
FOLLOW_UP = "utter_crisis_followup"
PAUSE_FORM = "action_deactivate_loop"
IN_CRISIS_SLOT = "in_crisis"
ALLOWED_IN_CRISIS = frozenset({"safe_now", "ask_human", "goodbye", CRISIS_INTENT})


def next_safety_action(
    latest_action: str | None, intent: str | None, in_crisis: bool, form_active: bool
) -> str | None:
    """The action safety requires now, or None to let the other policies decide."""
    if latest_action == ACTION_LISTEN_NAME:
        if intent == CRISIS_INTENT:
            return CRISIS_RESPONSE
        if in_crisis and intent not in ALLOWED_IN_CRISIS:
            return FOLLOW_UP
        return None
    if latest_action in (CRISIS_RESPONSE, FOLLOW_UP):
        return PAUSE_FORM if form_active else ACTION_LISTEN_NAME
    if latest_action == PAUSE_FORM and in_crisis:
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True)
class SafetyPolicy(Policy):
    """Predicts the crisis response (and pauses the intake) whenever safety requires it."""

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
        action = next_safety_action(
            tracker.latest_action_name,
            tracker.latest_message.intent.get("name") if tracker.latest_message else None,
            bool(tracker.get_slot(IN_CRISIS_SLOT)),
            tracker.active_loop_name is not None,
        )
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # The form's own prediction is a "no user" prediction, which outranks all others: match it.
        return self._prediction(probabilities, is_no_user_prediction=True)
