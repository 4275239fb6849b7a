"""The form's validation action with a tracker built in code and a CollectingDispatcher (no servers)."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake_form import ValidateIntakeForm, questions_asked
from bot.clinical.criteria import BY_ID, UNKNOWN

DOMAIN = {"slots": {c: {} for c in BY_ID} | {"consent": {}, "requested_slot": {}, "unclear_turns": {}},
          "forms": {"intake_form": {"required_slots": list(BY_ID)}}}


def tracker(events: list, text: str, intent: str, slots: dict, latest_action: str = "action_listen") -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    all_slots = {"consent": "given", "requested_slot": "home"} | slots
    filled = [{"event": "slot", "name": key, "value": value} for key, value in slots.items()]
    return Tracker("t", all_slots, message, events + [{"event": "user", "text": text, "parse_data": message}] + filled,
                   False, None, {"name": "intake_form"}, latest_action)


def asked(criterion: str, again: bool = False) -> dict:
    return {"event": "bot", "text": BY_ID[criterion].reask if again else BY_ID[criterion].question}


def run(t: Tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return asyncio.run(ValidateIntakeForm().run(dispatcher, t, DOMAIN)), dispatcher


def test_questions_are_counted_from_the_bot_s_messages():
    t = tracker([asked("substances"), asked("home"), {"event": "bot", "text": "an FAQ answer"}, asked("home", True)],
                "hm", "inform", {})
    assert questions_asked(t) == ["substances", "home", "home"]


def test_a_third_miss_is_never_asked_in_a_row_an_essential_question_is_set_aside():
    t = tracker([asked("home"), asked("home", True)], "my wife is supportive", "inform", {"support": "strong"})
    events, dispatcher = run(t)
    assert SlotSet("support", "strong") in events and not any(e.get("name") == "home" for e in events)
    assert any("come back" in m["text"] for m in dispatcher.messages)
    assert events[-1]["name"] == "requested_slot" and events[-1]["value"] != "home"


def test_a_third_miss_on_a_question_that_is_not_essential_leaves_it_for_the_intake_team():
    t = tracker([asked("payment"), asked("payment", True)], "zxqv blorp", "nlu_fallback", {})
    t.slots["requested_slot"] = "payment"
    events, dispatcher = run(t)
    assert SlotSet("payment", UNKNOWN) in events and any("move on" in m["text"] for m in dispatcher.messages)


def test_a_first_miss_is_asked_again_and_keeps_the_other_facts():
    t = tracker([asked("home")], "my wife is supportive", "inform", {"support": "strong"})
    events, _ = run(t)
    assert SlotSet("support", "strong") in events and not any(e.get("name") == "home" for e in events)


def test_after_an_faq_answer_a_question_asked_twice_is_set_aside_and_asked_again_last():
    events_before = [asked("home"), asked("home", True)]
    t = tracker(events_before, "how long is IOP?", "faq", {})
    t.events.append({"event": "action", "name": "utter_faq"})
    events, dispatcher = run(t)
    assert not any(e.get("name") == "home" for e in events)
    assert any("come back" in m["text"] for m in dispatcher.messages)
    assert events[-1]["name"] == "requested_slot" and events[-1]["value"] not in ("home", None)


def test_a_set_aside_question_comes_back_once_the_others_are_answered():
    answered = {c: (list(BY_ID[c].values[:1]) if BY_ID[c].multiple else (BY_ID[c].values or (10,))[0])
                for c in BY_ID if c not in ("home", "payment")}
    before = [asked("home"), asked("home", True)]
    before += [{"event": "slot", "name": k, "value": v} for k, v in answered.items()]
    t = tracker(before + [asked("payment")], "insurance", "inform", {"payment": "insurance"})
    t.slots.update(answered)
    t.slots["requested_slot"] = "payment"
    events, _ = run(t)
    assert events[-1] == SlotSet("requested_slot", "home")


def test_a_question_asked_twice_is_not_asked_again_when_the_intake_comes_back_to_it():
    t = tracker([asked("severity"), asked("severity", True), {"event": "bot", "text": "Take care of yourself."}],
                "help me find a program", "start_intake", {"substances": ["cannabis"]})
    t.slots["requested_slot"] = None
    events, dispatcher = run(t)
    assert not any(e.get("name") == "severity" for e in events)  # set aside: asked again last
    assert events[-1] == SlotSet("requested_slot", "withdrawal")


def summary_tracker(text: str, entities: list | None = None) -> Tracker:
    """A correction after the summary: Rasa starts the form again and re-sets every filled slot (prefilled)."""
    answers = {"consent": "given", "substances": ["alcohol"], "severity": "moderate", "withdrawal": "none"}
    before = [{"event": "slot", "name": key, "value": value} for key, value in answers.items()]
    message = {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": entities or []}
    again = [{"event": "slot", "name": key, "value": value} for key, value in answers.items()]
    return Tracker("t", {**answers, "requested_slot": None}, message,
                   before + [{"event": "user", "text": text, "parse_data": message}] + again,
                   False, None, {"name": "intake_form"}, "intake_form")


def test_a_correction_after_the_summary_asks_the_named_answer_again_without_the_consent_note():
    events, dispatcher = run(summary_tracker("wait, the withdrawal part is wrong"))
    texts = [m["text"] for m in dispatcher.messages]
    assert SlotSet("withdrawal", None) in events and events[-1] == SlotSet("requested_slot", "withdrawal")
    assert texts == ["Sure, let's go over withdrawal again."]  # not "I'll keep your answers confidential" again


def test_a_change_button_at_the_summary_asks_that_answer_again():
    text = '/inform{"change_answer": "severity"}'
    events, dispatcher = run(summary_tracker(text, [{"entity": "change_answer", "value": "severity"}]))
    assert SlotSet("severity", None) in events and events[-1] == SlotSet("requested_slot", "severity")


def test_a_question_that_repeats_a_known_answer_counts_as_a_miss_not_a_silent_re_ask():
    # "Hangovers? Is that what you mean? Just hangovers." names alcohol again: Rasa keeps the form, no rule replies
    t = tracker([asked("withdrawal"), asked("withdrawal", True)], "Hangovers? Is that what you mean?", "faq",
                {"substances": ["alcohol"]})
    t.events.insert(0, {"event": "slot", "name": "substances", "value": ["alcohol"]})
    t.slots["requested_slot"] = "withdrawal"
    events, dispatcher = run(t)
    assert events and events[-1].get("name") == "requested_slot" and events[-1].get("value") != "withdrawal"


def test_dangerous_withdrawal_told_with_a_safety_question_still_gets_the_detox_advice_and_ends_the_questions():
    """The answer that told it raised the safety question, which paused the intake before the form read it; after
    "no" the form gives the advice it owes (the eleventh persona round: the questions went on without it)."""
    told = [asked("withdrawal"), {"event": "user", "text": "Seizures, hallucinations, the works."},
            {"event": "slot", "name": "withdrawal", "value": "dangerous"},
            {"event": "bot", "text": "When you say ..., is someone in danger right now?"}]
    t = tracker(told, "no", "deny", {})
    t.slots["requested_slot"] = "recent_treatment"
    events, dispatcher = run(t)
    assert any("medically supervised detox" in m["text"] for m in dispatcher.messages)
    assert events[-1] == SlotSet("requested_slot", None)
    advised = told + [{"event": "bot", "text": dispatcher.messages[0]["text"]}]
    _, again = run(tracker(advised, "no", "deny", {"relapse": "none"}))
    assert not any("medically supervised detox" in m["text"] for m in again.messages)
