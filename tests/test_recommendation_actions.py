"""The recommendation action with a tracker built in code and a CollectingDispatcher: it stores the intake only
with consent, and sends the explained recommendation with its payload (no servers)."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.recommendation import ActionAskCorrection, ActionRecommend
from bot.conversation.privacy import NOT_STORED
from bot.records import storage

ANSWERS = {"substances": ["alcohol"], "severity": "moderate", "withdrawal": "none", "recent_treatment": "none",
           "relapse": "at_risk", "mental_health": "no", "home": "stable", "support": "strong",
           "commitments": ["work"], "hours_available": 10, "schedule": "evenings", "court_ordered": "no",
           "payment": "insurance", "attend_commitment": "yes"}


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_DB", str(tmp_path / "intake.db"))
    storage.default_db.cache_clear()
    yield tmp_path / "intake.db"
    storage.default_db.cache_clear()


def recommend(consent: str | None) -> CollectingDispatcher:
    slots = {**ANSWERS, "consent": consent}
    events = [{"event": "slot", "name": "consent", "value": consent, "timestamp": 1_700_000_000}]
    tracker = Tracker("conversation-1", slots, {"text": "yes", "intent": {"name": "affirm"}, "entities": []},
                      events, False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionRecommend().run(dispatcher, tracker, {}))
    return dispatcher


def stored_rows(path) -> list:
    return list(storage.open_db(path)["intakes"].rows) if path.exists() else []


def test_with_consent_the_intake_is_stored_before_the_recommendation_is_sent(database):
    message = recommend("given").messages[0]
    assert message["custom"]["level"] == "iop" and message["custom"]["level_title"].startswith("Intensive")
    rows = stored_rows(database)
    assert len(rows) == 1 and rows[0]["level"] == "iop" and rows[0]["conversation_id"] == "conversation-1"
    assert NOT_STORED not in message["text"]


@pytest.mark.parametrize("consent", ["declined", None])
def test_without_consent_nothing_is_stored_and_the_person_is_told(database, consent):
    message = recommend(consent).messages[0]
    assert stored_rows(database) == [] and NOT_STORED in message["text"]
    assert message["custom"]["level"] == "iop"


def test_what_to_change_is_asked_with_a_button_for_each_answer_of_the_summary():
    tracker = Tracker("c", {**ANSWERS, "consent": "given"}, {"text": "no", "intent": {"name": "deny"}, "entities": []},
                      [], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskCorrection().run(dispatcher, tracker, {}))
    message = dispatcher.messages[0]
    assert message["response"] == "utter_ask_correction"
    assert [b["title"] for b in message["buttons"]][:3] == ["Substances", "Severity", "Withdrawal"]
    assert len(message["buttons"]) == len(ANSWERS)
    assert message["buttons"][2]["payload"] == '/inform{"change_answer": "withdrawal"}'
