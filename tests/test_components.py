"""The routing component on hand-made parse results (no trained model); the decision itself is
table-tested in test_routing.py."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.router import MessageRouter

ROUTER = MessageRouter()


def unsure(text: str, best: str) -> Message:
    """A message the FallbackClassifier gave up on, whose best guess was `best`."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": best, "confidence": 0.39},
               {"name": "faq" if best != "faq" else "inform", "confidence": 0.2}]
    selector = {"faq": {"response": {"intent_response_key": "faq/iop_length", "confidence": 0.4,
                                     "utter_action": "utter_faq/iop_length"}, "ranking": []}}
    return Message(data={"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.45},
                         "intent_ranking": ranking, "response_selector": selector})


def parse(message: Message) -> Message:
    return ROUTER.process([message])[0]


def test_an_unsure_intake_message_with_facts_goes_to_the_intake_not_the_search():
    message = parse(unsure("I finished an IOP last month and I'm doing well, how long does it take to feel normal?",
                           "start_intake"))
    assert message.get("intent")["name"] == "inform"
    assert {e["entity"] for e in message.get("entities")} == {"recent_treatment"}
    assert message.get("knowledge") is None


def test_an_unsure_question_is_still_searched():
    message = parse(unsure("how many weeks does an intensive outpatient program last, is it 90 days", "faq"))
    assert message.get("intent")["name"] == "faq"
    assert message.get("knowledge") == {"topic": "iop_length", "found_by": "search"}


def test_an_unsure_intake_message_without_facts_stays_a_fallback():
    message = parse(unsure("hmm well I guess so maybe", "inform"))
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_story_read_as_an_intake_answer_that_ends_in_a_program_question_is_answered():
    text = "My dad drinks a lot. He won't leave his shop. Would outpatient work for him?"
    selector = {"faq": {"response": {"intent_response_key": "faq/who_op_suits", "confidence": 0.95,
                                     "utter_action": "utter_faq/who_op_suits"}, "ranking": []}}
    message = parse(Message(data={"text": text, "intent": {"name": "inform", "confidence": 0.9},
                                  "intent_ranking": [{"name": "inform", "confidence": 0.9},
                                                     {"name": "faq", "confidence": 0.1}],
                                  "response_selector": selector}))
    assert message.get("intent")["name"] == "faq"
    assert message.get("knowledge") == {"topic": "who_op_suits", "found_by": "selector"}


# ---------------------------------------------------------------- the crisis detector's certainty

def classified(text: str, intent: str, confidence: float = 0.9) -> Message:
    """A message as DIET left it: its intent, and a ranking with inform second."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "inform", "confidence": 1 - confidence}]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []})


def detected(message: Message) -> Message:
    return ROUTER.process([message])[0]


def no_crisis_entities(message: Message) -> bool:
    return not {e["entity"] for e in message.get("entities") or []} & {"crisis_category", "safety_check"}


def entity_values(message: Message, name: str) -> list:
    return [e["value"] for e in message.get("entities") if e["entity"] == name]


def test_a_certain_signal_is_the_crisis_intent():
    message = detected(classified("I took all my pills an hour ago", "inform"))
    assert message.get("intent")["name"] == "crisis"
    assert entity_values(message, "crisis_category") == ["overdose"] and not entity_values(message, "safety_check")


def test_an_ambiguous_phrase_asks_the_safety_question_and_keeps_the_intent():
    message = detected(classified("honestly I can't do this anymore", "inform"))
    assert message.get("intent")["name"] == "inform"
    assert entity_values(message, "safety_check") == ["can't do this anymore"]


@pytest.fixture
def without_net(monkeypatch):
    """DIET's crisis class on its own: the learned net under the rules (tested in test_crisis_net.py) kept out."""
    monkeypatch.setattr("bot.crisis.assess.net_reading", lambda text: None)


def test_the_classifier_alone_asks_the_safety_question_quoting_the_first_words(without_net):
    message = detected(classified("everything is grey and heavy and I feel so hopeless lately", "crisis", 0.95))
    assert message.get("intent")["name"] == "inform"
    assert entity_values(message, "crisis_category") == ["unspecified"]
    assert entity_values(message, "safety_check") == ["everything is grey and heavy and I feel…"]


def test_the_classifier_alone_is_not_enough_below_its_threshold_or_on_an_idiom(without_net):
    for text, confidence in (("my feet are killing me, I'm on them all day", 0.99),
                             ("everything is grey and heavy and I feel so hopeless lately", 0.6),
                             ("purple monkey dishwasher", 0.99)):
        message = detected(classified(text, "crisis", confidence))
        assert message.get("intent")["name"] == "inform" and no_crisis_entities(message)


def test_the_classifier_is_overruled_when_the_rules_rule_the_wording_out():
    message = detected(classified("I'm dying to know how long IOP is", "crisis"))
    assert message.get("intent")["name"] == "inform" and no_crisis_entities(message)


def test_an_ordinary_message_is_left_alone():
    message = detected(classified("I drink about six beers a night", "inform"))
    assert message.get("intent")["name"] == "inform" and no_crisis_entities(message)
