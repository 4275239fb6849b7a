"""The consent-aware tracker store: what reaches SQLite, what stays in memory, what is erased."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.tracker_store import ConsentTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  consent:
    type: categorical
    values: [given, declined]
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_data_deleted: [{text: deleted}]
""")


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_DB", str(tmp_path / "intake.db"))
    from bot.records import storage
    storage.default_db.cache_clear()
    yield ConsentTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    storage.default_db.cache_clear()


def sql_rows(store, sender):
    """The conversation's rows in the tracker database (SQLite here, PostgreSQL in tests/cluster)."""
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


def tracker_with(sender, *events):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    return tracker


def test_nothing_reaches_sqlite_before_consent_but_the_chat_goes_on(store):
    asyncio.run(store.save(tracker_with("a", UserUttered("hello"), BotUttered("hi"))))
    assert sql_rows(store, "a") == 0
    assert asyncio.run(store.retrieve("a")).latest_message.text == "hello"


def test_with_consent_the_conversation_is_written_and_served_from_memory(store):
    tracker = tracker_with("b", UserUttered("yes"), SlotSet("consent", "given"))
    asyncio.run(store.save(tracker))
    assert sql_rows(store, "b") == 2
    assert "b" in store.cached.store and "b" not in store.unstored.store
    store.cached.store.clear()  # e.g. after a restart: read back from SQLite
    assert asyncio.run(store.retrieve("b")).get_slot("consent") == "given"


def test_a_stored_conversation_is_served_as_saved_and_one_changed_since_is_read_from_sqlite(store):
    tracker = tracker_with("b2", UserUttered("yes"), SlotSet("consent", "given"))
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("b2")) is tracker  # no JSON round trip, no replay
    tracker.update(UserUttered("a turn that failed before its save"))
    served = asyncio.run(store.retrieve("b2"))
    assert served is not tracker and served.latest_message.text == "yes"  # what SQLite holds


def test_the_sqlite_tracker_store_writes_ahead_on_one_kept_connection(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL: synced at checkpoints


def test_withdrawing_consent_deletes_the_rows(store):
    tracker = tracker_with("c", UserUttered("yes"), SlotSet("consent", "given"))
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("don't store it"))
    tracker.update(SlotSet("consent", "declined"))
    asyncio.run(store.save(tracker))
    assert sql_rows(store, "c") == 0
    assert asyncio.run(store.retrieve("c")).get_slot("consent") == "declined"


def test_a_confirmed_deletion_erases_memory_and_sqlite(store):
    tracker = tracker_with("d", UserUttered("yes"), SlotSet("consent", "given"))
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("yes delete it"))
    tracker.update(ActionExecuted("utter_data_deleted"))
    asyncio.run(store.save(tracker))
    assert sql_rows(store, "d") == 0
    assert asyncio.run(store.retrieve("d")) is None


def test_crisis_responses_are_recorded_once_without_text(store):
    from bot.records.storage import default_db, list_events

    tracker = tracker_with("e", UserUttered("I took all my pills"),
                           BotUttered("call 988", {"custom": {"type": "crisis", "category": "overdose"}}))
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # saved twice in one turn: still one record
    events = list_events(default_db(), kind="crisis")
    assert [(e["conversation_id"], e["category"]) for e in events] == [("e", "overdose")]


def test_a_safety_question_is_not_a_crisis_event_but_a_yes_to_it_is(store):
    from bot.records.storage import default_db, list_events

    check = {"custom": {"type": "crisis", "check": True, "category": "suicide"}}
    tracker = tracker_with("q", UserUttered("I can't do this anymore"), BotUttered("are you thinking...", check))
    asyncio.run(store.save(tracker))
    assert list_events(default_db(), kind="crisis") == []
    tracker.update(UserUttered("yes"))
    tracker.update(BotUttered("call 988", {"custom": {"type": "crisis", "category": "suicide"}}))
    asyncio.run(store.save(tracker))
    assert [e["category"] for e in list_events(default_db(), kind="crisis")] == ["suicide"]


def test_memory_is_bounded(store):
    store.max_unstored = 3
    for number in range(5):
        asyncio.run(store.save(tracker_with(f"m{number}", UserUttered("hi"))))
    assert list(store.unstored.store) == ["m2", "m3", "m4"]


def test_a_failing_store_raises_through_rasa_s_wrapper_instead_of_starting_an_empty_conversation(store, monkeypatch):
    from rasa.core.agent import Agent

    wrapped = Agent._create_tracker_store(store, DOMAIN)

    def broken(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(store, "session_scope", broken)
    with pytest.raises(OSError):
        asyncio.run(wrapped.retrieve("f"))
    with pytest.raises(OSError):
        asyncio.run(wrapped.save(tracker_with("f", UserUttered("yes"), SlotSet("consent", "given"))))


def test_a_deleted_conversation_leaves_no_bytes_in_the_database_files(store, tmp_path):
    """"Delete my information" overwrites what it deletes (SQLite's secure_delete), in both databases."""
    from bot.clinical.intake import make_intake
    from bot.clinical.placement import recommend_level
    from bot.records.storage import default_db, save_intake

    words = "my-unmistakable-answer-words"
    tracker = tracker_with("f", UserUttered("yes"), SlotSet("consent", "given"), UserUttered(words))
    asyncio.run(store.save(tracker))
    intake = make_intake({"substances": ["alcohol"], "severity": "mild"})
    save_intake(default_db(), words, "f", intake, recommend_level(intake), "v1")
    store.erase("f")
    for path in tmp_path.glob("*.db*"):
        assert words.encode() not in path.read_bytes(), path.name


def test_the_live_conversation_saved_again_writes_only_its_new_events(store):
    tracker = tracker_with("live", UserUttered("yes"), SlotSet("consent", "given"))
    asyncio.run(store.save(tracker))
    served = asyncio.run(store.retrieve("live"))
    assert served is tracker
    for event in (ActionExecuted("action_listen"), UserUttered("I drink every day"), BotUttered("How much?")):
        served.update(event)
    asyncio.run(store.save(served))
    asyncio.run(store.save(served))  # nothing new: nothing written
    assert sql_rows(store, "live") == len(served.events) == 5
    store.cached.store.clear()
    assert [e.as_dict()["event"] for e in asyncio.run(store.retrieve("live")).events] == [
        e.as_dict()["event"] for e in served.events]
