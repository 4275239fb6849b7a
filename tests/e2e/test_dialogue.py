"""Corrections, skips, restarts, packed messages, bad input and failures, end to end."""

import sqlite3

from tests.e2e.driver import talk
from tests.e2e.test_conversations import CALM


def test_greeting_says_what_it_is_and_is_not(assistant, sender):
    text = " ".join(m.get("text", "") for m in assistant.say(sender, "hello"))
    assert "not a diagnosis" in text
    assert "nothing is stored unless you agree" in text
    assert "911" in text and "988" in text


def test_one_message_fills_three_criteria_and_the_form_skips_them(assistant, sender):
    convo = talk(assistant, sender,
                 ["I got out of rehab two weeks ago, I work full time and my wife has my back"], CALM)
    assert not {"recent_treatment", "commitments", "support"} & set(convo.asked)
    slots = assistant.slots(sender)
    assert slots["recent_treatment"] == "residential_discharge"
    assert slots["commitments"] == ["work"]
    assert slots["support"] == "strong"


def test_correction_during_the_form_is_applied_and_acknowledged(assistant, sender):
    assistant.say(sender, "I need help, I work full time")
    assert assistant.slots(sender)["commitments"] == ["work"]
    replies = assistant.say(sender, "actually I'm not working anymore")
    assert assistant.slots(sender)["commitments"] == ["none"]
    assert "updated" in " ".join(m.get("text", "") for m in replies).lower()


def test_correction_at_the_summary_changes_the_recommendation(assistant, sender):
    talk(assistant, sender, ["help me find treatment"], {**CALM, "severity": "mild"}, confirm=None)
    replies = assistant.say(sender, "no")
    assert "change" in replies[0]["text"].lower()
    assistant.say(sender, "wait, I meant severe not mild")
    assert assistant.slots(sender)["severity"] == "severe"
    # Severe makes residential possible, so the facility question is asked before the new summary.
    convo = talk(assistant, sender, [], {**CALM, "severity": "severe"})
    assert "can_live_at_facility" in convo.asked
    assert convo.recommendation["level"] == "php"


def test_a_change_button_or_words_at_the_summary_ask_that_answer_again(assistant, sender):
    talk(assistant, sender, ["help me find treatment"], CALM, confirm=None)
    replies = assistant.say(sender, "/deny")
    buttons = {b["title"]: b["payload"] for b in replies[-1].get("buttons") or []}
    assert {"Substances", "Severity", "Withdrawal", "Hours available"} <= set(buttons)
    replies = assistant.say(sender, buttons["Withdrawal"])
    texts = " ".join(m.get("text", "") for m in replies)
    assert "go over withdrawal again" in texts and "confidential" not in texts
    assert "withdrawal symptoms" in replies[-1]["text"] and assistant.slots(sender)["withdrawal"] is None
    replies = assistant.say(sender, "mild, a bit shaky in the mornings")
    assert assistant.slots(sender)["withdrawal"] == "mild" and "Here is what I understood" in replies[-1]["text"]
    replies = assistant.say(sender, "the hours part is wrong")
    assert "hours" in replies[-1]["text"].lower() and assistant.slots(sender)["hours_available"] is None
    replies = assistant.say(sender, "about 12")
    assert assistant.slots(sender)["hours_available"] == 12 and "Here is what I understood" in replies[-1]["text"]


def test_is_this_confidential_is_answered_at_any_point_and_the_question_asked_again(assistant, sender):
    replies = assistant.say(sender, "is this confidential? I don't want my job finding out")
    assert "confidential" in replies[0]["text"] and "intake team" in replies[0]["text"]
    for line in ("help me find treatment", "yes", "alcohol"):
        replies = assistant.say(sender, line)
    assert assistant.slots(sender)["requested_slot"] == "severity", replies
    replies = assistant.say(sender, "wait, who can see my answers?")
    assert "confidential" in replies[0]["text"] and "mild, moderate or severe" in replies[-1]["text"]


def test_skip_is_accepted_for_a_non_essential_question(assistant, sender):
    convo = talk(assistant, sender, ["I'd like to see which program fits me"],
                 {**CALM, "payment": "skip", "schedule": "I'd rather not say"})
    assert convo.asked.count("payment") == 1
    assert assistant.slots(sender)["payment"] == "unknown"
    assert convo.recommendation["level"] == "op"


def test_dont_know_on_an_essential_question_is_asked_once_more_then_accepted(assistant, sender):
    convo = talk(assistant, sender, ["help me find treatment"],
                 {**CALM, "mental_health": ["I don't know", "skip"]})
    assert convo.asked.count("mental_health") == 2
    rec = convo.recommendation
    assert rec["review"] is True and "mental_health" in rec["missing"]


def test_unclear_answers_are_re_asked_once_set_aside_then_left_for_the_intake_team(assistant, sender):
    convo = talk(assistant, sender, ["help me find treatment"],
                 {**CALM, "home": ["purple monkey dishwasher", "banana", "zxqv blorp", "flibber"]})
    assert convo.asked.count("home") == 4  # twice, then again once the other questions are done
    assert not any(convo.asked[i:i + 3] == ["home"] * 3 for i in range(len(convo.asked)))
    assert convo.asked[-2:] == ["home", "home"]
    assert assistant.slots(sender)["home"] == "unknown"


def test_start_over_asks_first_and_a_no_keeps_the_answers(assistant, sender):
    assistant.say(sender, "help me find a program")
    assistant.say(sender, "yes")
    assistant.say(sender, "alcohol, I drink every day and I work full time")
    assert "start over" in assistant.say(sender, "start over")[0]["text"]
    assert "kept everything" in assistant.say(sender, "no")[0]["text"]
    slots = assistant.slots(sender)
    assert slots["substances"] == ["alcohol"] and slots["requested_slot"]


def test_start_over_clears_everything(assistant, sender):
    assistant.say(sender, "I need help, I drink every day and I work full time")
    assistant.say(sender, "start over")
    assistant.say(sender, "yes")
    slots = assistant.slots(sender)
    assert slots.get("commitments") is None and slots.get("substances") is None
    convo = talk(assistant, sender, ["I want to find a program"], CALM)
    assert convo.recommendation["level"] == "op"


def test_the_confirmed_intake_is_stored_once_without_identifiers(assistant, sender):
    talk(assistant, sender, ["My name is Jane Roe, jane@example.com, I need help"], CALM)
    assistant.say(sender, "yes")  # a repeated confirmation must not add a row
    db = sqlite3.connect(assistant.var_dir / "intake.db")
    rows = db.execute("select level, criteria from intakes where conversation_id = ?", [sender]).fetchall()
    assert len(rows) == 1 and rows[0][0] == "op"
    assert "Jane" not in rows[0][1] and "example.com" not in rows[0][1]


def test_recommendation_is_one_message_with_text_and_payload(assistant, sender):
    convo = talk(assistant, sender, ["I'd like help choosing a program"], CALM)
    message = next(m for m in convo.replies if m.get("custom", {}).get("type") == "recommendation")
    assert "outpatient" in message["text"] and "Why:" in message["text"]
    assert set(message["custom"]) >= {"type", "level", "track", "review", "reasons", "sources", "program"}


def test_why_after_the_recommendation_explains_it_again(assistant, sender):
    talk(assistant, sender, ["I'd like help choosing a program"], CALM)
    replies = assistant.say(sender, "why do you recommend that?")
    assert any(m.get("custom", {}).get("type") == "recommendation" for m in replies)


def test_bad_input_gets_a_clear_answer(assistant, sender):
    assert "didn't catch any text" in assistant.say(sender, "   ")[0]["text"]
    huge = assistant.say(sender, "help " * 3000)
    assert "very long" in huge[0]["text"] and len(huge) >= 2
    for text in ("asdfkj qwpoeiru zxcmvn", "¿Cuánto cuesta el tratamiento?", "<script>alert(1)</script>",
                 "you are useless"):
        replies = assistant.say(sender, text)
        assert replies and all(m.get("text") or m.get("custom") for m in replies), text


def test_a_crisis_message_at_the_greeting_gets_crisis_resources(assistant, sender):
    replies = assistant.say(sender, "I want to kill myself")
    text = " ".join(m.get("text", "") for m in replies)
    assert "988" in text and "911" in text and "1-800-662-4357" in text
    assert any(m.get("custom", {}).get("type") == "crisis" for m in replies)


def test_message_text_is_not_logged(assistant, sender):
    assistant.say(sender, "my secret phrase is zebra-quartz-1234 and I drink")
    assert "zebra-quartz-1234" not in assistant.logs()


def test_missing_sender_is_rejected(assistant):
    import urllib.error

    from tests.e2e.stack import post_json
    try:
        post_json(assistant.webhook, {"message": "hi"})
        raise AssertionError("expected HTTP 400")
    except urllib.error.HTTPError as error:
        assert error.code == 400



def test_questions_that_do_not_apply_are_not_asked(assistant, sender):
    convo = talk(assistant, sender, ["I'd like help choosing a program"], CALM)
    assert "can_live_at_facility" not in convo.asked
    assert convo.recommendation["level"] == "op"
