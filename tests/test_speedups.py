"""The compiled action-response validator accepts and rejects exactly what Rasa's does."""

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from components.speedups import compile_action_response_validation

RESPONSES = [
    {"events": [{"event": "slot", "name": "home", "value": "stable"}], "responses": [{"text": "hi"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "home"}]},
    {"events": "not a list"},
    {"responses": [{"text": 3}]},
]


@pytest.mark.parametrize("result", RESPONSES)
def test_same_verdict_as_rasa(result):
    spec = RemoteAction.action_response_format_spec()
    try:
        validate(result, spec)
        expected = True
    except ValidationError:
        expected = False
    compile_action_response_validation()
    action = RemoteAction("validate_intake_form", None)
    if expected:
        assert action._validate_action_result(result) is True
    else:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(result)


def test_action_calls_send_the_same_json_over_one_kept_alive_connection():
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from components.speedups import reuse_action_connections

    reuse_action_connections()
    received, peers = [], set()

    async def webhook(request):
        received.append(await request.json())
        peers.add(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    async def scenario():
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        body = {"next_action": "validate_intake_form", "tracker": {"events": [{"timestamp": 1733370000.1234567,
                                                                                "text": "café / naïve"}]}}
        answers = [await endpoint.request(json=body, method="post") for _ in range(3)]
        await runner.cleanup()
        return body, answers

    body, answers = asyncio.run(scenario())
    assert received == [body] * 3 and answers == [{"events": [], "responses": []}] * 3
    assert len(peers) == 1  # one connection, kept alive


def test_applied_events_are_worked_out_again_only_when_the_events_change():
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUtteranceReverted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from components.speedups import remember_applied_events

    events = [ActionExecuted("action_listen"), UserUttered("hi"), ActionExecuted("intake_form"),
              ActiveLoop("intake_form"), SlotSet("requested_slot", "substances"), ActionExecuted("action_listen"),
              UserUttered("alcohol"), ActionExecuted("intake_form"), SlotSet("substances", "alcohol")]
    expected = [DialogueStateTracker.from_events("a", events[:n]).applied_events() for n in range(len(events) + 1)]
    remember_applied_events()
    tracker = DialogueStateTracker.from_events("a", [])
    for n, event in enumerate(events, start=1):
        tracker.update(event)
        assert tracker.applied_events() == expected[n]
        tracker.applied_events().clear()  # a caller changing its list changes nothing kept
        assert tracker.applied_events() == expected[n]
    tracker.update(UserUtteranceReverted())
    assert tracker.applied_events() == DialogueStateTracker.from_events(
        "a", [*events, UserUtteranceReverted()]).applied_events()


def test_debug_snapshots_are_copies_only_when_debug_logs_are_written():
    import logging

    import rasa.core.processor

    from components.speedups import skip_unlogged_snapshots

    skip_unlogged_snapshots()
    events = [{"event": "user"}]
    rasa_logger = logging.getLogger("rasa")
    level = rasa_logger.level
    try:
        rasa_logger.setLevel(logging.INFO)
        assert rasa.core.processor.copy.deepcopy(events) is events
        rasa_logger.setLevel(logging.DEBUG)
        copied = rasa.core.processor.copy.deepcopy(events)
        assert copied == events and copied is not events
    finally:
        rasa_logger.setLevel(level)
