"""The cluster profile through nginx: one conversation's messages alternate between the Rasa replicas and stay one
conversation; two messages of a conversation sent at once are handled one after the other; socket.io works."""

import asyncio
import threading
import time

import pytest

from components.channels import APOLOGY
from tests.e2e.driver import talk
from tests.e2e.test_conversations import CALM
from tests.security.test_secrets_and_socketio import emit, engine_io_connect, next_event


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack


def texts(replies: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in replies)


def stored_rows(stack, sender: str) -> int:
    import psycopg2

    with psycopg2.connect(stack.cluster.postgres.url()) as connection, connection.cursor() as cursor:
        cursor.execute("select count(*) from events where sender_id = %s", [sender])
        return cursor.fetchone()[0]


def test_one_conversation_alternates_between_replicas_and_the_intake_goes_on(stack):
    sender = stack.new_sender()
    stack.served_by.clear()
    convo = talk(stack, sender, ["help me find treatment"], {**CALM, "consent": "yes"})
    assert convo.recommendation["level"] == "op"
    served = [stack.replica_of(upstream) for upstream in stack.served_by]
    assert len(served) > 10 and set(served) == {0, 1}
    assert all(one != next_one for one, next_one in zip(served, served[1:], strict=False)), served  # round robin
    # With consent, the conversation is in PostgreSQL, and both replicas read the same one.
    first, second = stack.tracker(sender, 0), stack.tracker(sender, 1)
    assert first["events"] == second["events"] and first["slots"]["substances"] == ["alcohol"]
    assert stored_rows(stack, sender) == len(first["events"])


def test_a_conversation_without_consent_is_served_by_both_replicas_and_not_stored(stack):
    sender = stack.new_sender()
    convo = talk(stack, sender, ["help me find treatment"], {**CALM, "consent": "no, don't store anything"})
    assert convo.recommendation["level"] == "op"
    assert stack.tracker(sender, 0)["slots"]["consent"] == stack.tracker(sender, 1)["slots"]["consent"] == "declined"
    assert stored_rows(stack, sender) == 0


def test_two_messages_of_one_conversation_sent_at_once_are_handled_one_after_the_other(stack):
    sender = stack.new_sender()
    stack.say(sender, "hello")
    said = ["help me find treatment", "how long does IOP last?"]
    replies, upstreams = {}, {}

    def send(text: str) -> None:
        replies[text], upstreams[text] = stack.post("/webhooks/rest/webhook", {"sender": sender, "message": text})

    threads = [threading.Thread(target=send, args=(text,)) for text in said]
    for thread in threads:
        thread.start()
        time.sleep(0.05)  # the first is being handled when the second arrives
    for thread in threads:
        thread.join(timeout=120)
    assert len({upstreams[text] for text in said}) == 2  # on two replicas: only the shared lock orders them
    for text in said:
        assert texts(replies[text]) and APOLOGY not in texts(replies[text])
    events = stack.tracker(sender)["events"]
    users = [n for n, event in enumerate(events) if event["event"] == "user" and event.get("text") in said]
    assert [events[n]["text"] for n in users] == said
    assert any(event["event"] == "bot" for event in events[users[0]:users[1]])  # the first turn's reply came first
    assert "90 days" in texts(replies[said[1]])


async def socket_io_conversation(port: int) -> tuple[str, list]:
    socket, _ = await engine_io_connect(port)
    await emit(socket, "session_request", {})
    name, session_id = await next_event(socket)
    assert name == "session_confirm"
    answers = []
    for text in ("hello", "how long does IOP last?"):
        await emit(socket, "user_uttered", {"message": text, "session_id": session_id})
        answers.append(await next_event(socket))
    await socket.close()
    return session_id, answers


def test_socket_io_over_a_websocket_through_nginx(stack):
    session_id, answers = asyncio.run(socket_io_conversation(stack.ports.rasa))
    assert [name for name, _ in answers] == ["bot_uttered", "bot_uttered"]
    assert "90 days" in answers[1][1]["text"]
    assert stack.tracker(session_id)["latest_message"]["text"] == "how long does IOP last?"


def test_socket_io_long_polling_stays_on_one_replica(stack):
    import socketio

    async def conversation() -> list:
        client, received = socketio.AsyncClient(), asyncio.Queue()
        client.on("session_confirm", lambda sid: received.put_nowait(sid))
        client.on("bot_uttered", lambda data: received.put_nowait(data))
        await client.connect(stack.url, transports=["polling"])
        await client.emit("session_request", {})
        session_id = await asyncio.wait_for(received.get(), 30)
        answers = []
        for text in ("hello", "how long does IOP last?"):
            await client.emit("user_uttered", {"message": text, "session_id": session_id})
            answers.append(await asyncio.wait_for(received.get(), 60))
            await asyncio.sleep(0.5)  # further replies of the same turn, if any
            while not received.empty():
                received.get_nowait()
        await client.disconnect()
        return answers

    answers = asyncio.run(conversation())
    assert "90 days" in answers[1]["text"]
