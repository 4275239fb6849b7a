"""Moving an install to the cluster profile (bot/records/migrate.py, `python -m bot migrate`): the single profile's
SQLite records, replay runs and consented conversations land in a real PostgreSQL (tests/backends.py) as they were,
once, all or nothing; Rasa's own SQL tracker store writes the source conversation and reads the copy back."""

import asyncio

import pytest

from bot.__main__ import main
from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records import work_queue
from bot.records.migrate import MigrationRefused, migrate
from bot.records.postgres_records import PostgresRecords
from bot.records.storage import get_intake, open_db, record_event, save_intake
from bot.replay.runs import add_rows, finish_run, open_runs_db, start_run
from tests.backends import as_superuser, empty, postgres_for_tests

ANSWERS = {"substances": ["alcohol"], "severity": "moderate", "home": "stable", "support": "strong"}


def tracker_store(**where):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return SQLTrackerStore(Domain.empty(), **where)


def conversation_events(store, sender: str) -> list[tuple]:
    tracker = asyncio.run(store.retrieve(sender))
    return [(event.type_name, getattr(event, "text", None)) for event in tracker.events]


@pytest.fixture
def install(tmp_path):
    """A single-profile var/: two intakes, a crisis event in the queue, a replay run, a consented conversation."""
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    paths = {name: tmp_path / f"{name}.db" for name in ("intake", "replay", "tracker")}
    with open_db(paths["intake"]) as db:
        for conversation in ("conv-1", "conv-2"):
            intake = make_intake(ANSWERS)
            save_intake(db, f"{conversation}:0", conversation, intake, recommend_level(intake), consent_version="t-1")
        record_event(db, "crisis", "conv-2", "overdose")
        work_queue.sync(db)
    with open_runs_db(paths["replay"]) as runs:
        run_id = start_run(runs, inputs="calls/", out_dir="out", workers=2, model="m", rule_version="r")
        add_rows(runs, run_id, [{"summary": {"call_id": "c1", "source": "a.txt", "disposition": "iop", "level": "iop",
                                             "agrees": "yes", "track": "", "review": "no", "crisis": "",
                                             "missing": "", "criteria": "{}"}, "detail": "{}"}], [])
        finish_run(runs, run_id, {"calls": 1, "errors": 0, "agreement": 1.0}, 1.0, 1)
    tracker = DialogueStateTracker.from_events("conv-1", [
        ActionExecuted("action_listen"), UserUttered("I drink most nights", {"name": "inform"}),
        ActionExecuted("utter_ask_severity"), ActionExecuted("action_listen")])
    asyncio.run(tracker_store(dialect="sqlite", db=str(paths["tracker"])).save(tracker))
    return paths


@pytest.fixture
def postgres(request):
    """The test PostgreSQL with Rasa's conversations table (as the cluster's servers create it) and no records."""
    service = postgres_for_tests(request.config)
    empty(service)
    as_superuser(service, "drop table if exists public.events", "drop sequence if exists public.events_seq")
    store = tracker_store(dialect="postgresql", host="127.0.0.1", port=service.port, db=service.database,
                          username=service.user, password=service.password)
    yield service, store
    store.engine.dispose()
    empty(service)
    as_superuser(service, "drop table if exists public.events", "drop sequence if exists public.events_seq")


def copy(service, paths) -> dict:
    with PostgresRecords(service.url()) as target:
        return migrate(target, paths["intake"], paths["replay"], paths["tracker"])


def test_records_runs_and_conversations_arrive_as_they_were(install, postgres):
    service, store = postgres
    copied = copy(service, install)
    assert copied["intakes"] == 2 and copied["events"] == 1 and copied["queue_items"] == 3
    assert (copied["runs"], copied["calls"], copied["conversations"], copied["conversation events"]) == (1, 1, 1, 4)
    with open_db(install["intake"]) as before, open_db(service.url()) as after:
        assert get_intake(after, "conv-1:0") == get_intake(before, "conv-1:0")
        assert after.rows("queue_items", order_by="id") == before.rows("queue_items", order_by="id")
        record_event(after, "handoff", "conv-3", "talk_to_person")  # the numbering carries on after the copied ids
        assert [row["id"] for row in after.rows("events", order_by="id")] == [1, 2]
    expected = conversation_events(tracker_store(dialect="sqlite", db=str(install["tracker"])), "conv-1")
    assert conversation_events(store, "conv-1") == expected and ("user", "I drink most nights") in expected


def test_a_second_copy_is_refused_and_changes_nothing(install, postgres):
    service, _ = postgres
    copy(service, install)
    with pytest.raises(MigrationRefused, match="intakes"):
        copy(service, install)
    with open_db(service.url()) as after:
        assert after.count("intakes") == 2 and after.count("runs") == 1


def test_without_the_conversations_table_nothing_is_copied(install, postgres):
    service, _ = postgres
    as_superuser(service, "drop table public.events")
    with pytest.raises(MigrationRefused, match="make run PROFILE=cluster"):
        copy(service, install)
    with open_db(service.url()) as after:
        assert after.count("intakes") == 0 and after.count("queue_items") == 0


def test_the_command_prints_counts_and_no_content(install, postgres, monkeypatch, capsys):
    from bot.app.retention import Databases

    service, _ = postgres
    monkeypatch.setattr(Databases, "default", classmethod(
        lambda cls: cls(install["tracker"], install["intake"], install["replay"], None, None)))
    assert main(["migrate", "--to", service.url()]) == 0
    printed = capsys.readouterr().out
    assert "intakes: 2" in printed and "conversations: 1" in printed
    assert "drink" not in printed and service.password not in printed
    assert main(["migrate", "--to", service.url()]) == 1
    assert "Nothing copied: the target already has rows in" in capsys.readouterr().out
