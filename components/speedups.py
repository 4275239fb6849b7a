"""Measured fixes for Rasa 3.6's per-call costs of an action-server call (py-spy, 10 concurrent conversations).

Rasa validates every action response with `jsonschema.validate`, which re-checks the schema
itself and builds a new validator each call: over half of the server's CPU time per message
in this assistant. One compiled validator for the same schema gives the same result and the same
errors. And it opens a new connection for every call and writes its body with the json module
(`reuse_action_connections`).
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_PATCHED = "_intake_compiled_validator"


def compile_action_response_validation() -> None:
    """Validate action responses with one compiled validator (idempotent)."""
    if getattr(RemoteAction, _PATCHED, None):
        return
    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error

    RemoteAction._validate_action_result = _validate_action_result
    setattr(RemoteAction, _PATCHED, validator)


_REUSED = "_intake_reused_connections"


def reuse_action_connections() -> None:
    """Action-server calls over kept-alive connections, their bodies written by ujson (idempotent).

    Rasa 3.6 opens a new HTTP session, so a new connection, for every call, two a form turn, and writes the whole
    conversation with the json module (py-spy: a fifth of the server's CPU per message). ujson writes the same JSON
    two to three times faster; one session per event loop and endpoint keeps the connections open. A connection the
    action server closed (a restart) is not reused: aiohttp drops it from its pool (tests/e2e/test_supervision.py).
    """
    import asyncio

    import aiohttp
    import ujson
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    if getattr(EndpointConfig, _REUSED, False):
        return
    original = EndpointConfig.request
    sessions: Dict[Any, aiohttp.ClientSession] = {}

    def shared_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        key = (id(asyncio.get_running_loop()), endpoint.url, str(endpoint.headers))
        session = sessions.get(key)
        if session is None or session.closed or session.loop is not asyncio.get_running_loop():
            session = sessions[key] = endpoint.session()
        return session

    async def request(self: EndpointConfig, method: str = "post", subpath: Any = None,
                      content_type: Any = "application/json", compress: bool = False, **kwargs: Any) -> Any:
        if "json" not in kwargs or self.cafile or self.basic_auth or compress:
            return await original(self, method, subpath, content_type, compress, **kwargs)
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        body = ujson.dumps(kwargs.pop("json"), ensure_ascii=False, escape_forward_slashes=False).encode()
        async with shared_session(self).request(method, concat_url(self.url, subpath), headers=headers,
                                                params=self.combine_parameters(kwargs), data=body,
                                                **kwargs) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except aiohttp.ContentTypeError:
                return None

    EndpointConfig.request = request
    setattr(EndpointConfig, _REUSED, True)


_REMEMBERED = "_intake_remembered_applied_events"


def remember_applied_events() -> None:
    """A conversation's applied events worked out once per state of its events, not on every call (idempotent).

    `DialogueStateTracker.applied_events` walks every event, and for each form step walks back again, and Rasa 3.6
    asks for it many times a turn (policies, forms, slot extraction, featurizing): py-spy put it at 8.6% of the
    server's time per message. The answer is kept with the events it was worked out from (their number and the last
    event itself) and handed out as a new list, so a caller that changes its list changes nothing kept.
    """
    from rasa.shared.core.trackers import DialogueStateTracker

    if getattr(DialogueStateTracker, _REMEMBERED, False):
        return
    original = DialogueStateTracker.applied_events

    def applied_events(self: DialogueStateTracker) -> list:
        events = self.events
        last = events[-1] if events else None
        kept = self.__dict__.get(_REMEMBERED)
        if kept is None or kept[0] != len(events) or kept[1] is not last:
            kept = (len(events), last, original(self))
            self.__dict__[_REMEMBERED] = kept
        return list(kept[2])

    DialogueStateTracker.applied_events = applied_events
    setattr(DialogueStateTracker, _REMEMBERED, True)


_RASA_LOG = logging.getLogger("rasa")


class _DebugSnapshots:
    """The `copy` module as Rasa's processor and memoization policy see it: they deep-copy events, parse data and
    dialogue states only to pass them to a debug log, on every message, logged or not."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return copy.deepcopy(value, memo) if _RASA_LOG.isEnabledFor(logging.DEBUG) else value


def skip_unlogged_snapshots() -> None:
    """No deep copies for debug logs that are not written (idempotent): in rasa.core.processor and
    rasa.core.policies.memoization, `copy.deepcopy` appears only in the arguments of `structlogger.debug`."""
    import rasa.core.policies.memoization
    import rasa.core.processor

    for module in (rasa.core.processor, rasa.core.policies.memoization):
        if not isinstance(module.copy, _DebugSnapshots):
            module.copy = _DebugSnapshots()


def apply_all() -> None:
    """Every measured fix of this module (each idempotent)."""
    compile_action_response_validation()
    reuse_action_connections()
    remember_applied_events()
    skip_unlogged_snapshots()
