"""Crisis messages are answered at once in every dialogue state; the intake waits until safe."""

import sqlite3

import pytest
import yaml

from bot import ROOT
from tests.e2e.driver import talk
from tests.e2e.test_conversations import CALM

CRISIS = yaml.safe_load((ROOT / "tests" / "data" / "crisis_messages.yml").read_text())
NEAR_MISSES = yaml.safe_load((ROOT / "tests" / "data" / "near_misses.yml").read_text())


def crisis_reply(replies, checks: bool = False) -> dict | None:
    """The full crisis response among the replies (or, with `checks`, also the safety question)."""
    found = [m for m in replies if (m.get("custom") or {}).get("type") == "crisis"
             and (checks or not (m.get("custom") or {}).get("check"))]
    return found[0] if found else None


def assert_crisis_response(replies, text):
    """The crisis response, or the direct safety question, comes first, with the resources."""
    reply = crisis_reply(replies, checks=True)
    assert reply is not None, f"missed crisis: {text!r} -> {replies}"
    assert replies[0] is reply, "the crisis response must come first"
    numbers = ("988", "911") if reply["custom"].get("check") else ("988", "911", "1-800-662-4357")
    assert all(number in reply["text"] for number in numbers), reply


def put_in_state(assistant, sender, state):
    """Bring a fresh conversation to a dialogue state."""
    if state == "greeting":
        assistant.say(sender, "hello")
    elif state == "mid_form":
        assistant.say(sender, "help me find a program")
        assistant.say(sender, "alcohol")
    elif state == "faq":
        assistant.say(sender, "how many hours a week is IOP?")
    elif state == "after_recommendation":
        talk(assistant, sender, ["I'd like help choosing a program"], CALM)


@pytest.mark.parametrize("state", ["greeting", "mid_form", "faq", "after_recommendation"])
def test_every_crisis_message_is_caught_in_every_state(assistant, sender, state):
    put_in_state(assistant, sender, state)
    for item in CRISIS:
        replies = assistant.say(sender, item["text"])
        assert_crisis_response(replies, item["text"])
        if replies[0]["custom"].get("check"):
            assert "thank you for telling me" in assistant.say(sender, "no")[0]["text"].lower()
            continue
        assert "safe" in assistant.say(sender, "I'm safe now, thank you")[0]["text"].lower()


def test_near_misses_rarely_trigger_the_crisis_response(assistant, sender):
    triggered = [item for item in NEAR_MISSES if crisis_reply(assistant.say(assistant.new_sender(), item))]
    rate = len(triggered) / len(NEAR_MISSES)
    print(f"near-miss trigger rate end to end: {rate:.1%} ({len(triggered)}/{len(NEAR_MISSES)})")
    assert rate <= 0.05, triggered


def test_the_intake_waits_until_the_person_is_safe_then_resumes(assistant, sender):
    assistant.say(sender, "help me find a program")
    assistant.say(sender, "alcohol")
    assert_crisis_response(assistant.say(sender, "honestly I don't want to wake up tomorrow"), "")
    follow_up = assistant.say(sender, "it's pretty severe")
    assert crisis_reply(follow_up) and "make sure you are safe" in follow_up[0]["text"]
    assert not any("withdrawal" in m.get("text", "") for m in follow_up), "the intake must not go on"
    replies = assistant.say(sender, "I'm safe, I was just venting")
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"]["name"] == "intake_form" and tracker["slots"]["requested_slot"]
    assert "glad you're safe" in replies[0]["text"] and len(replies) >= 2, replies  # then the question again


def test_are_you_safe_has_yes_and_no_buttons(assistant, sender):
    assistant.say(sender, "help me find a program")
    assistant.say(sender, "alcohol")
    crisis = assistant.say(sender, "I took all my pills an hour ago")
    assert [b["payload"] for b in crisis[0]["buttons"]] == ["/safe_now", "/deny"]
    not_safe = assistant.say(sender, "/deny")
    assert crisis_reply(not_safe) and "make sure you are safe" in not_safe[0]["text"]
    safe = assistant.say(sender, "/safe_now")
    assert "glad you're safe" in safe[0]["text"] and len(safe) >= 2, safe
    assert assistant.tracker(sender)["active_loop"]["name"] == "intake_form"


def test_each_message_the_assistant_cannot_read_gets_the_question_with_interpreters_never_the_crisis_mode(
        assistant, sender):
    first = assistant.say(sender, "Hola, ¿cuánto cuesta el programa para mi hermano?")
    check = crisis_reply(first, checks=True)
    assert check and "988" in check["text"] and "interpreters" in check["text"] and "Spanish" in check["text"]
    again = assistant.say(sender, "No entiendo, ¿cuánto cuesta el programa?")  # unread: it may be a crisis
    assert ((crisis_reply(again, checks=True) or {}).get("custom") or {}).get("check"), again  # asked again
    assert not assistant.slots(sender).get("in_crisis")


def test_crisis_and_handoff_are_recorded_without_text(assistant, sender):
    assistant.say(sender, "I took all my pills an hour ago")
    assistant.say(sender, "can I talk to a real person?")
    db = sqlite3.connect(assistant.var_dir / "intake.db")
    rows = db.execute("select kind, category from events where conversation_id = ?", [sender]).fetchall()
    assert ("crisis", "overdose") in rows and ("handoff", "requested") in rows
    dump = "\n".join(db.iterdump())
    assert "pills" not in dump
