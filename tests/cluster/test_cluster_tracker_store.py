"""The cluster profile's tracker store on real PostgreSQL and Redis: the same consent, deletion and crisis-event
behaviour as the single profile's (the shared tests below run here unchanged, the crisis and handoff events going to
the records in PostgreSQL, as a replica's do), and two replicas that see the same conversations, since neither keeps
a copy."""

import asyncio
import time

import pytest
import redis as redis_client
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

from components.cluster_stores import UNSTORED_PREFIX, UNSTORED_TTL_S, ClusterTrackerStore
from tests.test_tracker_store import (  # noqa: F401  (run again here, against this module's `store`)
    DOMAIN,
    sql_rows,
    test_a_confirmed_deletion_erases_memory_and_sqlite,
    test_a_safety_question_is_not_a_crisis_event_but_a_yes_to_it_is,
    test_crisis_responses_are_recorded_once_without_text,
    test_nothing_reaches_sqlite_before_consent_but_the_chat_goes_on,
    test_withdrawing_consent_deletes_the_rows,
    tracker_with,
)


def replica(postgres, redis, **options) -> ClusterTrackerStore:
    """The store as one Rasa replica builds it from endpoints.cluster.yml."""
    pg, _ = postgres
    rd, _ = redis
    settings = {"redis_host": "127.0.0.1", "redis_port": rd.port, "redis_password": rd.password, **options}
    return ClusterTrackerStore(domain=DOMAIN, dialect="postgresql", host="127.0.0.1", port=pg.port, db=pg.database,
                               username=pg.user, password=pg.password, **settings)


@pytest.fixture
def store(postgres, redis, tmp_path, monkeypatch):
    """A replica's store, its records (crisis and handoff events, intakes) in PostgreSQL, emptied before and after."""
    from bot.records import database, storage
    from tests.backends import empty

    pg, _ = postgres
    empty(pg)
    monkeypatch.setenv("INTAKE_DB", str(tmp_path / "intake.db"))
    monkeypatch.setenv(database.URL_ENV, pg.url())
    storage.default_db.cache_clear()
    yield replica(postgres, redis)
    storage.default_db.cache_clear()
    assert not (tmp_path / "intake.db").exists()  # the records went to PostgreSQL
    empty(pg)


def retrieve(store, sender):
    return asyncio.run(store.retrieve(sender))


def test_a_conversation_moves_between_replicas_without_going_stale(store, postgres, redis):
    other = replica(postgres, redis)
    tracker = tracker_with("r1", UserUttered("hello"))
    asyncio.run(store.save(tracker))
    assert retrieve(other, "r1").latest_message.text == "hello"  # without consent: from Redis

    tracker = retrieve(other, "r1")
    tracker.update(UserUttered("yes, store it"))
    tracker.update(SlotSet("consent", "given"))
    asyncio.run(other.save(tracker))
    assert retrieve(store, "r1").get_slot("consent") == "given"  # with consent: from PostgreSQL

    tracker = retrieve(store, "r1")
    tracker.update(UserUttered("I drink every day"))
    asyncio.run(store.save(tracker))
    assert retrieve(other, "r1").latest_message.text == "I drink every day"  # no copy of the previous turn served
    assert sql_rows(store, "r1") == len(retrieve(other, "r1").events)


def test_without_consent_a_conversation_is_a_redis_key_that_expires_and_nothing_in_postgres(store, redis):
    rd, _ = redis
    asyncio.run(store.save(tracker_with("r2", UserUttered("hi"))))
    assert sql_rows(store, "r2") == 0
    assert 0 < rd.client().ttl(UNSTORED_PREFIX + "r2") <= UNSTORED_TTL_S


def test_an_expired_conversation_is_gone(postgres, redis):
    store = replica(postgres, redis, unstored_ttl=1)
    asyncio.run(store.save(tracker_with("r3", UserUttered("hi"))))
    time.sleep(2.1)
    assert retrieve(store, "r3") is None


def test_consent_given_on_one_replica_leaves_nothing_in_redis(store, redis):
    rd, _ = redis
    asyncio.run(store.save(tracker_with("r4", UserUttered("hi"))))
    asyncio.run(store.save(tracker_with("r4", UserUttered("hi"), SlotSet("consent", "given"))))
    assert not rd.client().exists(UNSTORED_PREFIX + "r4")


def test_a_deletion_on_one_replica_is_seen_by_the_other(store, postgres, redis):
    other = replica(postgres, redis)
    tracker = tracker_with("r5", UserUttered("yes"), SlotSet("consent", "given"))
    asyncio.run(store.save(tracker))
    assert retrieve(other, "r5") is not None
    tracker.update(UserUttered("yes delete it"))
    tracker.update(ActionExecuted("utter_data_deleted"))
    asyncio.run(other.save(tracker))
    assert retrieve(store, "r5") is None and sql_rows(store, "r5") == 0


def test_an_unreachable_redis_raises_through_rasa_s_wrapper(postgres, redis):
    from rasa.core.agent import Agent

    from bot.app.services import free_port

    wrapped = Agent._create_tracker_store(replica(postgres, redis, redis_port=free_port()), DOMAIN)
    with pytest.raises(redis_client.ConnectionError):
        asyncio.run(wrapped.retrieve("r6"))


def test_connections_postgres_closed_are_replaced_without_an_error(store, postgres):
    import psycopg2

    pg, _ = postgres
    asyncio.run(store.save(tracker_with("r7", UserUttered("yes"), SlotSet("consent", "given"))))
    with psycopg2.connect(pg.url("postgres", "postgres")) as admin, admin.cursor() as cursor:
        cursor.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = 'intake'")
        assert cursor.fetchall()
    assert retrieve(store, "r7").get_slot("consent") == "given"


def test_purge_deletes_old_conversations_and_records_from_postgres_too(store, var_dir, tmp_path):
    from bot.app import retention
    from bot.clinical.intake import make_intake
    from bot.clinical.placement import recommend_level
    from bot.records.storage import default_db, save_intake

    for conversation in ("p-old", "p-new"):
        intake = make_intake({"substances": ["alcohol"], "severity": "mild"})
        save_intake(default_db(), f"{conversation}:0", conversation, intake, recommend_level(intake), "v1")
    default_db().execute("update intakes set completed_at = '2000-01-01T00:00:00+00:00' where intake_id = 'p-old:0'")
    old = time.time() - 200 * 24 * 3600
    asyncio.run(store.save(tracker_with("p-old", UserUttered("yes", timestamp=old),
                                        SlotSet("consent", "given", timestamp=old))))
    asyncio.run(store.save(tracker_with("p-new", UserUttered("yes"), SlotSet("consent", "given"))))
    databases = retention.Databases(tmp_path / "tracker.db", tmp_path / "intake.db", tmp_path / "replay.db", var_dir)
    result = retention.purge(180, databases)
    assert sql_rows(store, "p-old") == 0 and sql_rows(store, "p-new") == 2
    postgres_counts = next(counts for where, counts in result.items() if str(where).startswith("PostgreSQL"))
    assert postgres_counts == {"conversations": 1, "events": 2}
    records = next(counts for where, counts in result.items() if str(where).endswith(", records"))
    assert records["intakes"] == 1 and [row["intake_id"] for row in default_db().rows("intakes")] == ["p-new:0"]
    assert "PostgreSQL 127.0.0.1:" in retention.report(180, result)
