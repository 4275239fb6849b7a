"""REST and socket.io channels with a guard: clear answers to bad input, never silence.

Each bot response goes out as one message (text, buttons and `custom` together), so a
recommendation's text and its machine-readable payload arrive side by side. Message text is
never logged.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import os
from typing import Any, Awaitable, Callable, Dict

import rasa.core.actions.action as rasa_actions
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request

from bot.app.sessions import is_issued, new_session_id
from bot.conversation.payloads import as_plain_text
from bot.text import clean_text
from bot.web.limits import RateLimit
from components import speedups

logger = logging.getLogger(__name__)

MAX_CHARS = 2000
EMPTY_REPLY = "I didn't catch any text there. Could you type your message again?"
TRUNCATED_NOTE = (
    f"Your message was very long, so I read the first {MAX_CHARS} characters. "
    "Feel free to send the rest in shorter messages."
)
APOLOGY = (
    "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a "
    "minute, or ask to talk to a person. If you need help now, call or text 988, call 911 in an "
    "emergency, or call SAMHSA's free, confidential helpline at 1-800-662-4357 (24/7)."
)
NOT_FOLLOWED = (
    "I'm not sure how to answer that. You can tell me what's going on in your own words, ask about our "
    "programs, say \"start\" to find a program that fits, or \"talk to a person\"."
)
NO_SESSION = "Please reload the page to start a conversation."
MAX_BODY_BYTES = 64 * 1024  # a REST request: a message of MAX_CHARS with plenty of room
SLOW_DOWN = ("You're sending messages faster than I can read them. Please wait {seconds} seconds and try again. "
             "If you need help now, call or text 988, or call 911 in an emergency.")
# Per conversation (messages) and per client address (new conversations); $INTAKE_RATE_PER_MINUTE and
# $INTAKE_RATE_BURST raise them for load tests.
MESSAGES = RateLimit(per_minute=float(os.environ.get("INTAKE_RATE_PER_MINUTE", 60)),
                     burst=int(os.environ.get("INTAKE_RATE_BURST", 30)))
NEW_CONVERSATIONS = RateLimit(per_minute=float(os.environ.get("INTAKE_RATE_PER_MINUTE", 60)) / 2,
                              burst=int(os.environ.get("INTAKE_RATE_BURST", 30)))
MESSAGE_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "elements", "custom")
ACTION_FAILED = "Encountered an exception while running action"
# A turn's deadline: Rasa waits up to 5 minutes for a custom action; after this many seconds the action counts
# as failed and the person gets APOLOGY (with the crisis numbers) instead of silence.
ACTION_DEADLINE_S = int(os.environ.get("INTAKE_ACTION_DEADLINE_S", 20))
rasa_actions.DEFAULT_REQUEST_TIMEOUT = ACTION_DEADLINE_S
_turn_failures: contextvars.ContextVar[list | None] = contextvars.ContextVar("turn_failures", default=None)


class ActionFailureFilter(logging.Filter):
    """Notes, for the turn being handled, that Rasa swallowed a failed action."""

    def filter(self, record: logging.LogRecord) -> bool:
        failures = _turn_failures.get()
        if failures is not None and str(record.msg).startswith(ACTION_FAILED):
            failures.append(record.msg)
        return True


def watch_action_failures() -> None:
    """Attach the filter to Rasa's processor logger once."""
    processor_logger = logging.getLogger("rasa.core.processor")
    if not any(isinstance(f, ActionFailureFilter) for f in processor_logger.filters):
        processor_logger.addFilter(ActionFailureFilter())


class OneMessageOutput(OutputChannel):
    """Sends each bot response as a single message and counts what was sent."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        return "guarded"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Deliver text, buttons and custom payload together."""
        payload = {key: message[key] for key in MESSAGE_KEYS if message.get(key)}
        if not payload:
            return
        self.sent += 1
        if isinstance(self.inner, CollectingOutputChannel):
            await self.inner._persist_message({"recipient_id": recipient_id, **payload})
        else:
            await self.inner._send_message(recipient_id, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


def clean_message(text: object) -> tuple[str, bool]:
    """The message as the assistant reads it (conversation.text.clean_text: invalid characters and tags blanked), cut
    to MAX_CHARS, and with a leading "/" dropped unless it is a payload the assistant offers (conversation.payloads);
    True when it was cut."""
    full = clean_text(text, len(text) if isinstance(text, str) else 0).strip()
    return as_plain_text(full[:MAX_CHARS]), len(full) > MAX_CHARS


def guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[None]]:
    """Wrap Rasa's message handler with input checks and a reply on failure or silence."""
    watch_action_failures()
    speedups.apply_all()

    async def handle(message: UserMessage) -> None:
        output = OneMessageOutput(message.output_channel)
        message.output_channel = output
        text, truncated = clean_message(message.text)
        if not text:
            await output.send_response(message.sender_id, {"text": EMPTY_REPLY})
            return
        message.text = text
        if truncated:
            await output.send_response(message.sender_id, {"text": TRUNCATED_NOTE})
        before = output.sent
        failures: list = []
        _turn_failures.set(failures)
        try:
            await on_new_message(message)
        except Exception as error:  # the person must still get an answer
            failures.append(type(error).__name__)
            logger.error("Turn failed (%s); message of %d characters not logged.", type(error).__name__, len(text))
        if failures:
            await output.send_response(message.sender_id, {"text": APOLOGY})
        elif output.sent == before:  # nothing failed, but nothing fitted: say so, and what works
            await output.send_response(message.sender_id, {"text": NOT_FOLLOWED})

    return handle


def client_address(request: Request) -> str:
    """Who is asking: the address a proxy in front reports (only when Sanic is told to trust one, as the cluster
    profile's replicas are behind nginx: $SANIC_PROXIES_COUNT), else the connection's own."""
    return request.remote_addr or request.ip or "unknown"


def too_many(wait: int) -> Any:
    """429 with Retry-After, and the words a person sees (with the crisis numbers: safety first)."""
    return response.json([{"text": SLOW_DOWN.format(seconds=wait)}], status=429, headers={"Retry-After": str(wait)})


UNKNOWN_SENDER = ("Unknown conversation id. Start a conversation with POST /webhooks/rest/session and send "
                  "the 'sender' it returns with every message.")


class IntakeRestInput(RestInput):
    """The REST channel at /webhooks/rest/webhook, guarded. A conversation starts with POST
    /webhooks/rest/session, which issues its id (bot.app.sessions); a message with any other id is refused."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """POST {"sender": id, "message": text} and get the bot's messages back."""
        webhook = Blueprint("intake_rest_webhook", __name__)
        handle = guarded(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/session", methods=["POST"])
        async def start(request: Request) -> Any:
            if wait := NEW_CONVERSATIONS.wait(client_address(request)):
                return too_many(wait)
            body = request.json if isinstance(request.json, dict) else {}
            purpose = body.get("purpose") if isinstance(body.get("purpose"), str) else None
            return response.json({"sender": new_session_id(purpose=purpose)})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": f"The request is larger than {MAX_BODY_BYTES} bytes."}, status=413)
            body = request.json if isinstance(request.json, dict) else {}
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip():
                return response.json({"error": "A 'sender' conversation id is required."}, status=400)
            if not is_issued(sender.strip()):
                return response.json({"error": UNKNOWN_SENDER}, status=403)
            if wait := MESSAGES.wait(sender.strip()):
                return too_many(wait)
            message = body.get("message")
            collector = CollectingOutputChannel()
            await handle(UserMessage(
                message if isinstance(message, str) else "", collector, sender.strip()[:128],
                input_channel=self.name(),  # client metadata is not taken: it is never needed, and unbounded
            ))
            return response.json(collector.messages)

        return webhook


def session_id_or_new(requested: object) -> str:
    """The requested conversation id when this server issued it (bot.app.sessions), else a new one."""
    return requested if is_issued(requested) else new_session_id()


class IntakeSocketIOInput(SocketIOInput):
    """The socket.io channel, guarded the same way as REST.

    Its session_request handler replaces Rasa 3.6's, which calls python-socketio's `enter_room` without
    awaiting it (a coroutine in the python-socketio 5.x installed with it), so with session persistence
    the browser never joined its conversation's room and no reply reached it. A session id this server did
    not issue is replaced by a new one, and a socket's messages go to the session confirmed to that socket
    only (whatever session id the message names), so nobody can speak in another person's conversation. A
    socket.io packet is limited to MAX_BODY_BYTES, like a REST request.
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        # The REST channel's limit, not python-engineio's 1 MB: a bigger packet (websocket) closes that socket, a
        # bigger long-polling POST gets 400; the server goes on serving everyone else.
        sio.eio.max_http_buffer_size = MAX_BODY_BYTES

        confirmed: Dict[str, str] = {}  # socket id -> its conversation id
        handle = guarded(on_new_message)

        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = session_id_or_new(requested)
            confirmed[sid] = session_id
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def user_uttered(sid: str, data: Any = None) -> None:
            session_id = confirmed.get(sid)
            if session_id is None:  # no session_request first: there is no conversation to speak in
                await sio.emit(self.bot_message_evt, {"text": NO_SESSION}, room=sid, namespace=self.namespace)
                return
            if wait := MESSAGES.wait(session_id):
                await sio.emit(self.bot_message_evt, {"text": SLOW_DOWN.format(seconds=wait)}, room=sid,
                               namespace=self.namespace)
                return
            message = data.get("message") if isinstance(data, dict) else None
            output = SocketIOOutput(sio, self.bot_message_evt)
            await handle(UserMessage(message if isinstance(message, str) else "", output, session_id,
                                     input_channel=self.name()))

        async def disconnect(sid: str) -> None:
            confirmed.pop(sid, None)

        sio.on("session_request", namespace=self.namespace)(session_request)
        sio.on(self.user_message_evt, namespace=self.namespace)(user_uttered)
        sio.on("disconnect", namespace=self.namespace)(disconnect)
        return webhook
