"""The cluster profile when a part fails: Redis restarted, PostgreSQL's connections killed or the server stopped, a
Rasa replica killed with `kill -9`. The person gets the channel's apology (with the crisis numbers) while a store
is down, never silence or an error page, and the next message works; nothing they answered is lost, except what
Redis alone held (conversations without consent: by design it keeps nothing on disk)."""

import os
import signal
import time

import pytest

from components.channels import APOLOGY
from tests.cluster.stack import start_cluster
from tests.e2e.driver import talk
from tests.e2e.test_conversations import CALM


@pytest.fixture(scope="module")
def stack():
    yield from start_cluster()


def texts(replies: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in replies)


def answered(replies: list[dict]) -> bool:
    """A normal reply: something said, and not the apology."""
    return bool(texts(replies)) and APOLOGY not in texts(replies)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} not within {timeout:.0f} s"
        time.sleep(0.2)


def intake_started(stack, consent: str = "yes") -> str:
    """A conversation in the intake, with its consent answer and the substance given."""
    sender = stack.new_sender()
    for text in ("help me find treatment", consent, "alcohol"):
        assert answered(stack.say(sender, text))
    return sender


def test_a_redis_restart_gives_the_apology_and_the_next_message_works(stack):
    sender = intake_started(stack)
    redis = stack.supervisor.process("redis")
    with stack.supervisor.paused():
        redis.send_signal(signal.SIGKILL)
        redis.wait()
        assert APOLOGY in texts(stack.say(sender, "mild"))
    wait_for(lambda: stack.supervisor.process("redis") is not redis and stack.cluster.redis.ready(), 30,
             "Redis's restart")
    assert answered(stack.say(sender, "mild"))  # on one replica ...
    assert answered(stack.say(sender, "no withdrawal symptoms"))  # ... and the other
    slots = stack.tracker(sender)["slots"]
    assert slots["substances"] == ["alcohol"] and slots["withdrawal"]  # consented: kept in PostgreSQL


def test_killing_postgres_connections_costs_the_person_nothing(stack):
    import psycopg2

    sender = intake_started(stack)
    with psycopg2.connect(stack.cluster.postgres.url("postgres", "postgres")) as admin, admin.cursor() as cursor:
        cursor.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                       "where usename = 'intake' and pid <> pg_backend_pid()")
        assert cursor.fetchall(), "the replicas held no connection to kill"
    assert answered(stack.say(sender, "mild"))
    assert answered(stack.say(sender, "no withdrawal symptoms"))
    assert stack.tracker(sender)["slots"]["substances"] == ["alcohol"]


def test_intakes_completed_before_and_after_postgres_closed_every_connection_are_both_stored(stack):
    """The action servers keep one connection to the records each; closed by PostgreSQL, it is replaced."""
    import psycopg2

    from bot.records import database

    senders = [stack.new_sender(), stack.new_sender()]
    assert talk(stack, senders[0], ["help me find treatment"], {**CALM, "consent": "yes"}).recommendation
    with psycopg2.connect(stack.cluster.postgres.url("postgres", "postgres")) as admin, admin.cursor() as cursor:
        cursor.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                       "where usename = 'intake' and application_name = 'intake-records'")
        assert cursor.fetchall(), "no server held a connection to the records"
    assert talk(stack, senders[1], ["help me find treatment"], {**CALM, "consent": "yes"}).recommendation
    with database.connect(stack.supervisor.env[database.URL_ENV]) as records:
        stored = records.rows("intakes", f"conversation_id in ({', '.join('?' for _ in senders)})", senders)
    assert sorted(row["conversation_id"] for row in stored) == sorted(senders)


def test_postgres_down_gives_the_apology_and_once_it_is_back_the_next_message_works(stack):
    sender = intake_started(stack)
    postgres = stack.supervisor.process("postgres")
    with stack.supervisor.paused():
        postgres.send_signal(signal.SIGINT)  # fast shutdown: clients are disconnected
        postgres.wait()
        assert APOLOGY in texts(stack.say(sender, "mild"))
        assert "988" in texts(stack.say(sender, "mild"))  # on the other replica too
    wait_for(lambda: stack.supervisor.process("postgres") is not postgres and stack.cluster.postgres.ready(), 60,
             "PostgreSQL's restart")
    assert answered(stack.say(sender, "mild"))
    assert answered(stack.say(sender, "no withdrawal symptoms"))
    assert stack.tracker(sender)["slots"]["substances"] == ["alcohol"]


def test_kill_9_of_a_replica_mid_intake_loses_no_answer(stack):
    sender = intake_started(stack, consent="no, don't store anything")  # kept in Redis only
    assert answered(stack.say(sender, "mild"))
    before = stack.tracker(sender)["slots"]
    killed = stack.supervisor.process("rasa-1")
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    time.sleep(0.5)  # between two messages (one being handled as the replica dies gets nginx's 502: docs/cluster.md)
    stack.reader = 1
    stack.served_by.clear()
    convo = talk(stack, sender, [], {**CALM, "consent": "no, don't store anything"})
    assert convo.recommendation["level"] == "op"
    assert {stack.replica_of(upstream) for upstream in stack.served_by[:3]} == {1}  # the survivor took over
    after = stack.tracker(sender)["slots"]
    assert after["substances"] == before["substances"] == ["alcohol"] and after["severity"] == before["severity"]
    assert "severity" not in convo.asked and "substances" not in convo.asked  # not asked again
