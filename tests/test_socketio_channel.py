"""The socket.io channel: session_request joins the conversation's room (awaited) and keeps only ids this
server issued; a socket speaks only in the conversation confirmed to it."""

import asyncio

from bot.app.sessions import is_issued, new_session_id
from components.channels import NO_SESSION, IntakeSocketIOInput, session_id_or_new

LONG_ID = new_session_id()


class RecordingServer:
    def __init__(self):
        self.rooms, self.emitted = [], []

    async def enter_room(self, sid, room, namespace=None):
        self.rooms.append((sid, room))

    async def emit(self, event, data, room=None, namespace=None):
        self.emitted.append((event, data, room))


def session_request(channel, received=None):
    async def on_new_message(message):
        if received is not None:
            received.append((message.sender_id, message.text))

    channel.blueprint(on_new_message)
    handler = channel.sio.handlers["/"]["session_request"]
    server = RecordingServer()
    channel.sio.enter_room, channel.sio.emit = server.enter_room, server.emit
    return handler, server


def test_an_issued_id_is_kept_and_the_socket_joins_its_room():
    handler, server = session_request(IntakeSocketIOInput(session_persistence=True))
    asyncio.run(handler("sid-1", {"session_id": LONG_ID}))
    assert server.rooms == [("sid-1", LONG_ID)]
    assert server.emitted == [("session_confirm", LONG_ID, "sid-1")]


def test_a_made_up_or_missing_id_is_replaced_by_an_issued_one():
    handler, server = session_request(IntakeSocketIOInput(session_persistence=True))
    asyncio.run(handler("sid-1", {"session_id": "alice-" + "a1b2c3d4" * 6}))
    asyncio.run(handler("sid-2", None))
    first, second = server.emitted[0][1], server.emitted[1][1]
    assert is_issued(first) and is_issued(second) and first != second
    assert server.rooms == [("sid-1", first), ("sid-2", second)]


def test_session_ids():
    assert session_id_or_new(LONG_ID) == LONG_ID
    altered = LONG_ID[:-2] + ("AA" if not LONG_ID.endswith("AA") else "BB")
    for bad in (None, "", "1234", "x" * 200, "has spaces " * 4, {"id": LONG_ID}, altered):
        assert is_issued(session_id_or_new(bad)) and session_id_or_new(bad) != bad


def test_a_socket_speaks_only_in_its_confirmed_conversation():
    """Finding 9: a socket that never sent session_request could speak into any session id's room."""
    received = []
    channel = IntakeSocketIOInput(session_persistence=True)
    handler, server = session_request(channel, received)
    uttered = channel.sio.handlers["/"]["user_uttered"]
    asyncio.run(uttered("stranger", {"message": "skip", "session_id": LONG_ID}))
    assert received == [] and server.emitted[-1][1] == {"text": NO_SESSION}
    asyncio.run(handler("sid-1", {"session_id": LONG_ID}))
    asyncio.run(uttered("sid-1", {"message": "hello", "session_id": "someone-else"}))
    assert received == [(LONG_ID, "hello")]


def test_a_socket_io_packet_has_the_rest_channel_s_size_limit():
    """Finding 5: python-engineio's default (1 MB) applied to socket.io messages."""
    from components.channels import MAX_BODY_BYTES

    channel = IntakeSocketIOInput(session_persistence=True)
    channel.blueprint(lambda message: None)
    assert channel.sio.eio.max_http_buffer_size == MAX_BODY_BYTES == 64 * 1024
