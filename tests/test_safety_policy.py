"""The safety policy's decisions: crisis first, form paused, follow-up until the person is safe."""

from components.safety_policy import next_safety_action


def test_crisis_message_is_answered_first_even_with_a_form_active():
    assert next_safety_action("action_listen", "crisis", False, True) == "utter_crisis"


def test_the_form_is_paused_after_the_crisis_response():
    assert next_safety_action("utter_crisis", None, True, True) == "action_deactivate_loop"
    assert next_safety_action("action_deactivate_loop", None, True, False) == "action_listen"
    assert next_safety_action("utter_crisis", None, True, False) == "action_listen"


def test_until_safe_other_messages_get_the_follow_up():
    assert next_safety_action("action_listen", "inform", True, False) == "utter_crisis_followup"
    assert next_safety_action("action_listen", "faq", True, False) == "utter_crisis_followup"


def test_safe_now_and_asking_for_a_person_are_let_through():
    assert next_safety_action("action_listen", "safe_now", True, False) is None
    assert next_safety_action("action_listen", "ask_human", True, False) is None


def test_no_opinion_outside_a_crisis():
    assert next_safety_action("action_listen", "inform", False, True) is None
    assert next_safety_action("utter_greet", None, False, False) is None
