"""The cluster profile through nginx: one conversation's messages alternate between the Rasa replicas and stay one
conversation; two messages of a conversation sent at once are handled one after the other; socket.io works; the
chat widget and the counselor console work unchanged through it; an intake lands in PostgreSQL's records, where the
console's queue and export find it."""

import asyncio
import json
import re
import threading
import time

import pytest

from bot.records import database
from bot.records.work_queue import reference
from components.channels import APOLOGY
from tests.cluster.stack import start_cluster
from tests.e2e.driver import talk
from tests.e2e.stack import COUNSELOR_TOKEN, TOKEN
from tests.e2e.test_console import say as console_say
from tests.e2e.test_conversations import CALM
from tests.e2e.webpage import BOT_MESSAGES, Widget
from tests.security.test_secrets_and_socketio import emit, engine_io_connect, next_event

# The widget's answers after the packed opening, as in tests/e2e/test_widget.py.
ANSWERS = ["heroin", "moderate", "no", "no", "no", "stable", "about 10 hours", "evenings", "no", "I have insurance",
           "yes"]


@pytest.fixture(scope="module")
def stack():
    yield from start_cluster()


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


@pytest.fixture(scope="module")
def web_url(stack):
    """bot.web pointed at nginx and at the records in PostgreSQL, as `make run PROFILE=cluster` starts it."""
    from bot.web.server import WebConfig, serve

    server = serve(WebConfig(stack.url, TOKEN, COUNSELOR_TOKEN, stack.supervisor.env[database.URL_ENV]), 0)
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()


def test_the_widget_talks_through_nginx_across_a_reload(browser, web_url, stack):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(web_url + "/demo.html")
        widget = Widget(page)
        widget.open()
        assert "intake assistant" in page.locator(BOT_MESSAGES).first.inner_text()
        widget.click_reply("Yes, let's start")
        widget.say("I got out of rehab two weeks ago, I work full time and my wife has my back")
        session = widget.session_id()
        page.reload()
        widget = Widget(page)
        page.locator(BOT_MESSAGES).first.wait_for()
        assert widget.session_id() == session
        for text in ANSWERS:
            widget.say(text)
        assert "Here is what I understood" in widget.last_bot_text()
        widget.click_reply("Yes, that's right")
        card = page.locator("#intake-widget .msg.card")
        card.wait_for()
        assert card.locator("h3").inner_text() == "Suggested: Intensive outpatient program (IOP)"
        assert stack.tracker(session, 0)["events"] == stack.tracker(session, 1)["events"]
        assert errors == []
    finally:
        context.close()


def test_the_console_logs_in_and_its_test_chat_fills_the_inspector(browser, web_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        page.goto(web_url + "/console")
        page.get_by_label("Your name").fill("Dana Counselor")
        page.get_by_label("Counselor token").fill(COUNSELOR_TOKEN)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/console$"))
        page.locator("body[data-ready=true]").wait_for()
        page.get_by_role("link", name="Test chat").click()
        page.locator("#test-chat:not([hidden])").wait_for()
        page.wait_for_function("() => !!sessionStorage.getItem('console-conversation')")
        console_say(page, "yes let's start")
        console_say(page, "yes, you can store my answers")
        assert "consent to store: given" in page.locator("#inspector-status").inner_text()
        console_say(page, "heroin")
        assert "opioids" in page.locator('#dimensions tr[data-criterion="substances"] td.value').inner_text()
    finally:
        context.close()


def test_an_intake_through_nginx_lands_in_postgresql_and_the_console_s_queue_and_export_find_it(stack, web_url):
    from tests.test_web_server import call, login

    sender = stack.new_sender()
    convo = talk(stack, sender, ["help me find treatment"], {**CALM, "consent": "yes"})
    assert convo.recommendation["level"] == "op"
    with database.connect(stack.supervisor.env[database.URL_ENV]) as records:  # as the action servers wrote it
        assert records.dialect == "postgresql"
        assert [row["level"] for row in records.rows("intakes", "conversation_id = ?", [sender])] == ["op"]
    assert not (stack.var_dir / "intake.db").exists()  # nothing went to SQLite
    cookie = login(web_url, token=COUNSELOR_TOKEN)[1]["Set-Cookie"].split(";")[0]
    queue = json.loads(call(f"{web_url}/console/api/queue?q={reference(sender)}", cookie=cookie)[2])
    assert [(item["kind"], item["level"]) for item in queue["items"]] == [("intake", "op")]
    status, _, export = call(f"{web_url}/console/api/export.csv?level=op", cookie=cookie)
    assert status == 200 and reference(sender) in export.decode() and sender not in export.decode()
