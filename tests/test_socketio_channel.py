"""The socket.io channel's session_request: joins the conversation's room (awaited), refuses guessable ids."""

import asyncio

from components.channels import IntakeSocketIOInput, session_id_or_new

LONG_ID = "a1b2c3d4" * 6


class RecordingServer:
    def __init__(self):
        self.rooms, self.emitted = [], []

    async def enter_room(self, sid, room, namespace=None):
        self.rooms.append((sid, room))

    async def emit(self, event, data, room=None, namespace=None):
        self.emitted.append((event, data, room))


def session_request(channel):
    async def on_new_message(message):
        return None

    channel.blueprint(on_new_message)
    handler = channel.sio.handlers["/"]["session_request"]
    server = RecordingServer()
    channel.sio.enter_room, channel.sio.emit = server.enter_room, server.emit
    return handler, server


def test_a_long_random_id_is_kept_and_the_socket_joins_its_room():
    handler, server = session_request(IntakeSocketIOInput(session_persistence=True))
    asyncio.run(handler("sid-1", {"session_id": LONG_ID}))
    assert server.rooms == [("sid-1", LONG_ID)]
    assert server.emitted == [("session_confirm", LONG_ID, "sid-1")]


def test_a_short_or_missing_id_is_replaced_by_a_random_one():
    handler, server = session_request(IntakeSocketIOInput(session_persistence=True))
    asyncio.run(handler("sid-1", {"session_id": "alice"}))
    asyncio.run(handler("sid-2", None))
    first, second = server.emitted[0][1], server.emitted[1][1]
    assert first != "alice" and len(first) >= 32 and first != second
    assert server.rooms == [("sid-1", first), ("sid-2", second)]


def test_session_ids():
    assert session_id_or_new(LONG_ID) == LONG_ID
    for bad in (None, "", "1234", "x" * 200, "has spaces " * 4, {"id": LONG_ID}):
        assert len(session_id_or_new(bad)) == 48
