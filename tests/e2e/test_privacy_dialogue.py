"""Consent, declining, "delete my information" and withdrawing consent, end to end."""

import sqlite3

from bot.conversation.privacy import CONSENT_VERSION, NOT_STORED
from tests.e2e.driver import talk
from tests.e2e.test_conversations import CALM


def texts(replies: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in replies)


def intake_rows(assistant, sender: str) -> list[tuple]:
    db = sqlite3.connect(assistant.var_dir / "intake.db")
    try:
        return db.execute("select level, consent_version from intakes where conversation_id = ?", [sender]).fetchall()
    except sqlite3.OperationalError:  # no intake stored yet in this run
        return []


def tracker_rows(assistant, sender: str) -> int:
    db = sqlite3.connect(assistant.var_dir / "tracker.db")
    return db.execute("select count(*) from events where sender_id = ?", [sender]).fetchone()[0]


def test_the_intake_asks_for_consent_first_and_stores_its_version(assistant, sender):
    replies = assistant.say(sender, "I'd like to start the questions")
    assert "may I store your answers" in texts(replies)
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/consent_given", "/consent_declined"]
    convo = talk(assistant, sender, [], {**CALM, "consent": "/consent_given"})
    assert convo.recommendation["level"] == "op"
    assert intake_rows(assistant, sender) == [("op", CONSENT_VERSION)]
    assert tracker_rows(assistant, sender) > 0


def test_a_person_who_declines_gets_a_recommendation_and_nothing_is_stored(assistant, sender):
    convo = talk(assistant, sender, ["help me find treatment"], {**CALM, "consent": "no, don't store anything"})
    assert convo.recommendation["level"] == "op"
    assert NOT_STORED in convo.texts()
    answer = texts(assistant.say(sender, "how long is IOP?"))
    assert "90 days" in answer
    assert intake_rows(assistant, sender) == []
    assert tracker_rows(assistant, sender) == 0
    assert assistant.slots(sender)["consent"] == "declined"  # the chat itself goes on, in memory


def test_a_crisis_after_declining_is_recorded_without_the_conversation_id(assistant, sender):
    assistant.say(sender, "/consent_declined")
    assistant.say(sender, "I took all my pills an hour ago")
    db = sqlite3.connect(assistant.var_dir / "intake.db")
    assert db.execute("select count(*) from events where conversation_id = ?", [sender]).fetchone()[0] == 0
    assert tracker_rows(assistant, sender) == 0


def test_delete_my_information_asks_then_erases_the_intake_and_the_conversation(assistant, sender):
    talk(assistant, sender, ["help me find treatment"], CALM)
    assert intake_rows(assistant, sender) and tracker_rows(assistant, sender)
    confirm = assistant.say(sender, "please delete my information")
    assert "delete your information" in texts(confirm)
    assert intake_rows(assistant, sender), "nothing is deleted before the person confirms"
    done = assistant.say(sender, "yes")
    assert "deleted" in texts(done)
    assert intake_rows(assistant, sender) == []
    assert tracker_rows(assistant, sender) == 0
    assert assistant.slots(sender).get("substances") is None  # a fresh conversation


def test_saying_no_to_the_deletion_keeps_everything(assistant, sender):
    talk(assistant, sender, ["help me find treatment"], CALM)
    assistant.say(sender, "delete my data")
    assert "nothing was deleted" in texts(assistant.say(sender, "no")).lower()
    assert intake_rows(assistant, sender) and tracker_rows(assistant, sender)


def test_withdrawing_consent_mid_intake_removes_what_was_stored(assistant, sender):
    assistant.say(sender, "help me find treatment")
    assistant.say(sender, "yes")
    assistant.say(sender, "alcohol")
    assert tracker_rows(assistant, sender) > 0
    replies = assistant.say(sender, "actually, I don't want my answers stored")
    assert "won't store anything" in texts(replies)
    assert tracker_rows(assistant, sender) == 0
    assert assistant.slots(sender)["requested_slot"]  # the questions go on


# A greeting with a name and contact details, then yes to the offer of questions.
INTRODUCTION = ["Hi, I'm Maria Lopez, call me at (555) 867-5309 or maria.lopez@example.com", "yes, let's start"]


def test_logs_carry_no_identifiers_from_a_conversation(assistant, sender):
    talk(assistant, sender, INTRODUCTION, CALM)
    logs = assistant.logs()
    for identifier in ("Maria", "Lopez", "867-5309", "maria.lopez@example.com"):
        assert identifier not in logs


def test_the_counselor_export_carries_no_identifiers_from_a_conversation(assistant, sender):
    from bot.records.console_store import export_csv, list_intakes, prepare, save_disposition
    from bot.records.storage import open_db
    from bot.records.work_queue import reference

    talk(assistant, sender, INTRODUCTION, CALM)
    db = open_db(assistant.var_dir / "intake.db")
    prepare(db)  # the console's tables, as the web app creates them when it starts
    intake_id = next(r["intake_id"] for r in list_intakes(db) if r["conversation_id"] == sender)
    save_disposition(db, intake_id, "follow_up", "Spoke with Maria Lopez, 555-867-5309, maria.lopez@example.com", "qa")
    exported = export_csv(list_intakes(db))
    assert reference(sender) in exported and sender not in exported and intake_id not in exported
    assert "[NAME]" in exported and "[PHONE]" in exported and "[EMAIL]" in exported
    for identifier in ("Maria", "Lopez", "867-5309", "maria.lopez@example.com"):
        assert identifier not in exported
