"""Consent, its versioned wording, and erasing a conversation."""

import yaml

from bot.app.model import ROOT
from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.conversation.privacy import (
    CONSENT_QUESTION,
    CONSENT_WORDING_SHA256,
    DECLINED,
    GIVEN,
    GREETING_RESPONSE,
    read_consent,
    stored_conversation_id,
    wording_digest,
)
from bot.records.storage import delete_conversation, get_intake, list_events, open_db, record_event, save_intake


def greeting() -> str:
    return yaml.safe_load((ROOT / "domain.yml").read_text())["responses"][GREETING_RESPONSE][0]["text"]


def test_the_consent_wording_matches_its_version():
    assert wording_digest(greeting()) == CONSENT_WORDING_SHA256, (
        "The consent wording changed: bump CONSENT_VERSION and update CONSENT_WORDING_SHA256 in privacy.py")


def test_the_greeting_is_short_and_says_nothing_is_stored_without_consent_and_it_is_no_emergency_service():
    text = " ".join(greeting().split())
    assert len(text.split()) <= 80
    assert "nothing is stored unless you agree" in text
    assert "not an emergency service" in text and "911" in text and "988" in text


def test_the_consent_question_says_exactly_what_is_kept_and_how_to_erase_it():
    assert "without your name or contact details" in CONSENT_QUESTION
    assert "call back asks for those separately, with its own consent" in CONSENT_QUESTION
    assert "delete my information" in CONSENT_QUESTION


def test_yes_or_no_to_the_consent_question():
    assert read_consent(GIVEN, asked=True).consent == GIVEN
    assert read_consent(DECLINED, asked=True).consent == DECLINED
    assert read_consent(GIVEN, asked=True).message is None


def test_an_unclear_reply_is_asked_once_more_then_taken_as_no():
    first = read_consent(None, asked=True, unclear_turns=0)
    assert first.consent is None and first.unclear_turns == 1
    second = read_consent(None, asked=True, unclear_turns=1)
    assert second.consent == DECLINED and "nothing will be stored" in second.message


def test_a_change_of_mind_later_is_acknowledged():
    changed = read_consent(DECLINED, asked=False)
    assert changed.consent == DECLINED and "won't store anything" in changed.message
    assert read_consent(None, asked=False).consent is None


def test_safety_events_lose_the_conversation_id_once_the_person_declined():
    assert stored_conversation_id("c1", GIVEN) == "c1"
    assert stored_conversation_id("c1", None) == "c1"
    assert stored_conversation_id("c1", DECLINED) == ""


def test_deleting_a_conversation_removes_its_intakes_and_anonymises_its_events(tmp_path):
    db = open_db(tmp_path / "intake.db")
    intake = make_intake({"substances": ["alcohol"], "severity": "moderate"})
    save_intake(db, "c1:0", "c1", intake, recommend_level(intake), consent_version="v")
    save_intake(db, "c1:9", "c1", intake, recommend_level(intake), consent_version="v")
    save_intake(db, "c2:0", "c2", intake, recommend_level(intake), consent_version="v")
    db["dispositions"].insert({"intake_id": "c1:0", "note": "call back"})
    record_event(db, "crisis", "c1", "suicide")

    deleted = delete_conversation(db, "c1")

    assert deleted == {"intakes": 2, "dispositions": 1, "events": 1}
    assert get_intake(db, "c1:0") is None and get_intake(db, "c1:9") is None
    assert get_intake(db, "c2:0") is not None
    assert db["dispositions"].count == 0
    assert [(e["conversation_id"], e["category"]) for e in list_events(db)] == [("", "suicide")]


def test_the_consent_version_is_stored_with_the_intake(tmp_path):
    db = open_db(tmp_path / "intake.db")
    intake = make_intake({"substances": ["alcohol"]})
    save_intake(db, "c1:0", "c1", intake, recommend_level(intake), consent_version="2026-11-23.1",
                consented_at="2026-11-23T10:00:00+00:00")
    row = get_intake(db, "c1:0")
    assert row["consent_version"] == "2026-11-23.1" and row["consented_at"] == "2026-11-23T10:00:00+00:00"
