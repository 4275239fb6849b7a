"""Hostile input against the running stack (issue: channel identity, action-server trust, limits).

Each test names the finding of the security review it tries. Run with the e2e stack (tests/e2e/stack.py).
"""

from __future__ import annotations

import http.client
import json
import stat
import urllib.error
import urllib.parse
import urllib.request

import pytest

from components.channels import APOLOGY


def raw_say(assistant, body: str) -> list[dict]:
    """Post a hand-written JSON body (escapes such as a lone surrogate survive only this way)."""
    request = urllib.request.Request(assistant.webhook, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_made_up_payload_sets_no_slot_and_crashes_nothing(assistant, sender):
    """Finding 6: "/inform{...}" set slots directly and crashed the intake with a dict value."""
    assistant.say(sender, "hi")
    replies = assistant.say(sender, '/inform{"substances": {"a": 1}, "court_ordered": "yes"}')
    assert replies and not any(APOLOGY in (r.get("text") or "") for r in replies)
    slots = assistant.slots(sender)
    assert slots.get("substances") is None and slots.get("court_ordered") is None


def test_an_offered_quick_reply_still_works(assistant, sender):
    assistant.say(sender, "hi")
    assistant.say(sender, "/start_intake")
    assistant.say(sender, "/consent_given")
    assistant.say(sender, '/inform{"substances": "alcohol"}')
    assert assistant.slots(sender).get("substances") == ["alcohol"]


def test_a_lone_surrogate_does_not_hide_a_crisis(assistant, sender):
    """Finding 7: a lone surrogate disabled the crisis rules for the whole message."""
    body = json.dumps({"sender": sender, "message": "I took all my pills an hour ago "})[:-2] + '\\ud800"}'
    replies = raw_say(assistant, body)
    assert replies and (replies[0].get("custom") or {}).get("type") == "crisis"
    assert "988" in replies[0]["text"]


def test_the_data_directory_and_its_databases_are_private(assistant, sender):
    """Finding 8: var/ was 0755 and the databases 0644."""
    assistant.say(sender, "hi")
    var = assistant.var_dir
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for database in var.glob("*.db"):
        assert stat.S_IMODE(database.stat().st_mode) & 0o077 == 0, database


def preflight(assistant, path: str, origin: str) -> str | None:
    """The Access-Control-Allow-Origin the Rasa server answers a browser's preflight from `origin` with."""
    request = urllib.request.Request(f"http://localhost:{assistant.ports.rasa}{path}", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("Access-Control-Allow-Origin")


def test_a_foreign_web_page_gets_no_cors_grant(assistant):
    """Finding 4: any Origin was reflected, with credentials, on every route."""
    for path in ("/webhooks/rest/webhook", "/conversations/x/tracker", "/model"):
        assert preflight(assistant, path, "http://evil.example") is None, path


def test_the_provider_s_own_page_is_granted(assistant):
    assert preflight(assistant, "/webhooks/rest/webhook", "http://localhost:8080") == "http://localhost:8080"


def post_to_actions(assistant, body: bytes, headers: dict) -> tuple[int, dict]:
    """POST to the action server directly, as an attacker on the same machine or a web page would."""
    request = urllib.request.Request(f"http://localhost:{assistant.ports.actions}/webhook", body, headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def action_token(assistant) -> str:
    """The shared secret, read from the action server's environment (same user, /proc)."""
    actions = assistant.processes[0]
    environ = open(f"/proc/{actions.pid}/environ", "rb").read().split(b"\0")
    return next(item.split(b"=", 1)[1].decode() for item in environ if item.startswith(b"ACTION_SERVER_TOKEN="))


CALL = json.dumps({"next_action": "action_recommend", "sender_id": "x",
                   "tracker": {"sender_id": "x", "slots": {"consent": "given"}, "events": [],
                               "latest_message": {"text": "call me at 555-123-4567"}},
                   "domain": {}, "version": "3.6.0"}).encode()


def test_the_action_server_answers_only_the_rasa_server(assistant):
    """Finding 3: no authentication; text/plain from a foreign origin ran an action."""
    status, _ = post_to_actions(assistant, CALL, {"Content-Type": "application/json"})
    assert status == 401
    status, _ = post_to_actions(assistant, CALL, {"Content-Type": "text/plain", "Origin": "http://evil.example"})
    assert status == 401


def test_the_action_server_takes_json_only(assistant):
    headers = {"Content-Type": "text/plain", "X-Action-Token": action_token(assistant)}
    status, _ = post_to_actions(assistant, CALL, headers)
    assert status == 415


def test_a_failing_action_does_not_echo_the_request(assistant):
    """Finding 2: a failing action answered 500 with the whole request body (the tracker, every message)."""
    broken = json.dumps({"next_action": "action_ask_severity", "tracker": {"note": "555-123-4567"}}).encode()
    status, body = post_to_actions(assistant, broken, {"Content-Type": "application/json",
                                                       "X-Action-Token": action_token(assistant)})
    assert status == 500 and "555-123-4567" not in json.dumps(body) and "request_body" not in body
    assert "555-123-4567" not in assistant.logs()


def test_a_conversation_id_the_server_did_not_issue_is_refused(assistant):
    """Finding 1: any sender id was accepted, so whoever reused one got that conversation's replies."""
    for made_up in ("alice", "a1b2c3d4e5", "test-" + "0" * 32):
        request = urllib.request.Request(assistant.webhook, json.dumps({"sender": made_up, "message": "skip"}).encode(),
                                         {"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=30)
            raise AssertionError(f"{made_up} was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 403 and "/webhooks/rest/session" in json.loads(error.read())["error"]


def test_an_issued_id_works(assistant):
    sender = assistant.new_sender()
    assert assistant.say(sender, "hi")


def test_a_huge_request_is_refused_and_metadata_is_not_taken(assistant, sender):
    """Finding 5: a 10 MB metadata object was accepted and kept in memory; metadata of the wrong type failed
    the turn."""
    huge = json.dumps({"sender": sender, "message": "hi", "metadata": {"x": "a" * 200_000}})
    try:
        raw_say(assistant, huge)
        raise AssertionError("a 200 KB request was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 413
    replies = raw_say(assistant, json.dumps({"sender": sender, "message": "hi", "metadata": "not a dict"}))
    assert replies and not any(APOLOGY in (r.get("text") or "") for r in replies)


def test_a_body_over_a_megabyte_is_refused_before_it_is_read(assistant, sender):
    """Finding 5, rest: Sanic read a body up to 100 MB before the channel's 64 KB check refused it."""
    url = urllib.parse.urlsplit(assistant.webhook)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.putrequest("POST", url.path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(50_000_000))
    connection.endheaders()  # no body follows: the size alone is refused
    assert connection.getresponse().status == 413
    connection.close()
    assert assistant.say(sender, "hi")


def first_answer_to(port: int, path: str, length: str, headers: str = "") -> bytes:
    """The start of the answer to a POST whose head declares `length`, followed by 100 KB of body."""
    import socket

    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{headers}"
            f"Content-Length: {length}\r\n\r\n").encode()
    with socket.create_connection(("localhost", port), timeout=10) as connection:
        connection.sendall(head + b"x" * 100_000)
        return connection.recv(65536)


@pytest.mark.parametrize("length", ["-1", "abc", "12, 12"])
def test_a_content_length_that_is_no_size_is_refused_from_the_head(assistant, sender, length):
    """Finding 5, rest (found when the web app moved onto Sanic): Sanic 21.12 read a body declared "-1" without end,
    past its size limit, and answered "abc" with a 500."""
    url = urllib.parse.urlsplit(assistant.webhook)
    answer = first_answer_to(url.port, url.path, length)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert assistant.say(sender, "hi")


@pytest.mark.parametrize("length", ["-1", "abc", "12, 12", "50000000"])
def test_the_action_server_refuses_a_bad_content_length_from_the_head(assistant, sender, length):
    """The action server had no guard of its own: a body declared "-1" was read without end (localhost only)."""
    token = f"X-Action-Token: {action_token(assistant)}\r\n"
    answer = first_answer_to(assistant.ports.actions, "/webhook", length, token)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"x" * 20 not in answer
    assert assistant.say(sender, "hi")


def test_the_rate_limit_answers_429_with_retry_after_and_the_crisis_numbers():
    """Finding 5: no rate limit on any channel (the limit itself; the e2e stack raises it for the test sets)."""
    from components.channels import SLOW_DOWN, too_many

    reply = too_many(7)
    assert reply.status == 429 and reply.headers["Retry-After"] == "7"
    assert "988" in SLOW_DOWN and "911" in SLOW_DOWN
