"""Hostile tests against the running stack: the Rasa token on the command line (finding 8) and the socket.io
message size (finding 5). The e2e fixtures (tests/e2e/stack.py) start the stack the way `make run` does."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import websockets

from components.channels import MAX_BODY_BYTES
from tests.e2e.stack import TOKEN


def descendants(pid: int) -> list[int]:
    """The process and every process it started (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            todo.extend(int(child) for child in children)
    return found


def test_the_rasa_token_is_on_no_command_line_ps_can_show(assistant):
    """Finding 8: `rasa run --auth-token ...` showed the token to every user of the machine."""
    rasa = assistant.processes[1]
    for pid in descendants(rasa.pid) + [assistant.processes[0].pid]:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()  # what `ps -ef` prints, readable by any user
        assert TOKEN.encode() not in cmdline and b"--auth-token" not in cmdline, cmdline.replace(b"\0", b" ")
    assert b"bot.app.rasa_server" in Path(f"/proc/{rasa.pid}/cmdline").read_bytes()


def test_the_rasa_api_still_wants_the_token(assistant, sender):
    assistant.say(sender, "hi")
    url = f"http://localhost:{assistant.ports.rasa}/conversations/{sender}/tracker"
    try:
        urllib.request.urlopen(url, timeout=30)
        raise AssertionError("the tracker was served without the token")
    except urllib.error.HTTPError as error:
        assert error.code == 401
    assert assistant.tracker(sender)["sender_id"] == sender


async def engine_io_connect(port: int):
    """A raw socket.io connection over a websocket (Engine.IO 4), in the namespace "/"; returns it and the
    server's handshake."""
    socket = await websockets.connect(f"ws://localhost:{port}/socket.io/?EIO=4&transport=websocket", max_size=None)
    opened = await socket.recv()
    assert opened.startswith("0")
    await socket.send("40")
    assert (await socket.recv()).startswith("40")
    return socket, json.loads(opened[1:])


async def next_event(socket, timeout: float = 60) -> tuple[str, object]:
    """The next socket.io event (answering the server's pings)."""
    while True:
        packet = await asyncio.wait_for(socket.recv(), timeout)
        if packet == "2":
            await socket.send("3")
        elif packet.startswith("42"):
            name, *data = json.loads(packet[2:])
            return name, (data[0] if data else None)


async def emit(socket, name: str, data: object) -> None:
    await socket.send("42" + json.dumps([name, data]))


async def oversized_then_normal(port: int) -> tuple[dict, str, list]:
    socket, handshake = await engine_io_connect(port)
    await emit(socket, "session_request", {})
    assert (await next_event(socket))[0] == "session_confirm"
    await emit(socket, "user_uttered", {"message": "I need help " + "a" * (MAX_BODY_BYTES + 1000)})
    try:
        event = await next_event(socket, timeout=30)
        outcome = f"answered: {event[0]}"
    except websockets.ConnectionClosed:
        outcome = "closed"
    except asyncio.TimeoutError:
        outcome = "left open"
    await socket.close()

    socket, _ = await engine_io_connect(port)  # the server goes on serving
    await emit(socket, "session_request", {})
    name, session_id = await next_event(socket)
    await emit(socket, "user_uttered", {"message": "hi", "session_id": session_id})
    replies = [await next_event(socket)]
    await socket.close()
    return handshake, outcome, replies


def test_an_oversized_socket_io_message_is_refused_and_the_server_keeps_serving(assistant, sender):
    """Finding 5: python-engineio's 1 MB default applied to socket.io (the REST channel's limit is 64 KB)."""
    handshake, outcome, replies = asyncio.run(oversized_then_normal(assistant.ports.rasa))
    assert handshake["maxPayload"] == MAX_BODY_BYTES
    assert outcome == "closed"
    assert replies[0][0] == "bot_uttered" and replies[0][1].get("text")
    assert assistant.say(sender, "hi")  # and REST too


def test_an_oversized_long_polling_post_is_refused(assistant):
    """The same limit on socket.io's other transport, HTTP long-polling (the widget's fallback). A polling
    client keeps a GET waiting for the server's packets; the server closes the session through it."""
    base = f"http://localhost:{assistant.ports.rasa}/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(base, timeout=30) as response:
        sid = json.loads(response.read().decode()[1:])["sid"]
    waiting: list = []
    poll = threading.Thread(target=lambda: waiting.append(urllib.request.urlopen(f"{base}&sid={sid}",
                                                                                 timeout=60).read()))
    poll.start()
    time.sleep(0.5)
    body = ("42" + json.dumps(["user_uttered", {"message": "a" * (MAX_BODY_BYTES + 1000)}])).encode()
    request = urllib.request.Request(f"{base}&sid={sid}", body, {"Content-Type": "text/plain;charset=UTF-8"})
    try:
        urllib.request.urlopen(request, timeout=30)
        raise AssertionError("a socket.io POST over the limit was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 400
    poll.join(60)
    assert waiting and waiting[0].startswith(b"1")  # the server closed the session (Engine.IO "close")
    with urllib.request.urlopen(f"http://localhost:{assistant.ports.rasa}/", timeout=30) as response:
        assert response.status == 200  # and goes on serving
