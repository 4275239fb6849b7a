"""The web app without a browser: login wall, security headers, console API, audit, redacted export.

A tiny fake Rasa answers the tracker API (and checks its token), so no model is needed.
"""

import csv
import http.server
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records import console_store
from bot.records.storage import open_db, record_event, save_intake
from bot.web.server import WebConfig, serve

COUNSELOR_TOKEN = "web-test-counselor-token"
RASA_TOKEN = "web-test-rasa-token"
CONVERSATION = "console-" + "ab12" * 8
TRACKER = {"sender_id": CONVERSATION, "slots": {"severity": "moderate", "requested_slot": "withdrawal"},
           "events": [{"event": "user", "text": "it's moderate",
                       "parse_data": {"text": "it's moderate", "intent": {"name": "inform", "confidence": 0.8},
                                      "entities": [{"entity": "severity", "value": "moderate", "start": 5, "end": 13,
                                                    "extractor": "IntakeFactExtractor"}]}},
                      {"event": "slot", "name": "severity", "value": "moderate"}]}
STORED = {"sender_id": "conv-a", "slots": {"consent": "given", "severity": "mild"},
          "events": [{"event": "bot", "text": "How much is it affecting your life?", "timestamp": 1764770000.0},
                     {"event": "user", "text": "honestly not much, a few beers on weekends", "timestamp": 1764770010.0},
                     {"event": "slot", "name": "severity", "value": "mild"},
                     {"event": "user", "text": '/inform{"support": "strong"}', "timestamp": 1764770020.0},
                     {"event": "slot", "name": "support", "value": "strong"}]}


class FakeRasa(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if urllib.parse.parse_qs(url.query).get("token") != [RASA_TOKEN]:
            self.send_response(401)
            self.end_headers()
            return
        if "/conversations/console-slow" in url.path:
            time.sleep(2)  # a Rasa server that takes its time
        body = json.dumps(STORED if "/conversations/conv-a/" in url.path else TRACKER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(url, data=None, cookie=None, headers=None, method=None):
    """(status, headers, body) without following redirects or raising on 4xx."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if cookie:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("web")
    db = open_db(base / "intake.db")
    for conversation, severity in (("conv-a", "mild"), ("conv-b", "moderate")):
        intake = make_intake({"substances": ["alcohol"], "severity": severity, "home": "stable", "support": "strong"})
        save_intake(db, f"{conversation}:0", conversation, intake, recommend_level(intake), consent_version="test-1")
    record_event(db, "crisis", "conv-b", "suicide")
    record_event(db, "handoff", "conv-a", "requested")
    rasa = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    threading.Thread(target=rasa.serve_forever, daemon=True).start()
    web = serve(WebConfig(f"http://localhost:{rasa.server_port}", RASA_TOKEN, COUNSELOR_TOKEN, base / "intake.db"), 0)
    yield f"http://localhost:{web.server_port}", db
    web.shutdown()
    rasa.shutdown()


def login(url, name="Dana Counselor", token=COUNSELOR_TOKEN):
    body = urllib.parse.urlencode({"name": name, "token": token}).encode()
    return call(url + "/console/login", body, headers={"Content-Type": "application/x-www-form-urlencoded"})


@pytest.fixture(scope="module")
def cookie(site):
    status, headers, _ = login(site[0])
    assert status == 303 and headers["Location"] == "/console"
    set_cookie = headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    return set_cookie.split(";")[0]


API = ["overview", "inspect?conversation=" + CONVERSATION, "intakes", "intake?id=conv-a:0", "export.csv",
       "scenarios", "audit"]


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/static/console.js", "/console/static/console.css"])
def test_console_pages_redirect_to_login_without_a_session(site, path):
    status, headers, body = call(site[0] + path)
    assert status == 303 and headers["Location"] == "/console/login"
    assert b"console" not in body.lower()


@pytest.mark.parametrize("path", API)
def test_console_api_answers_401_without_a_session(site, path):
    assert call(site[0] + "/console/api/" + path)[0] == 401
    assert call(site[0] + "/console/api/" + path, cookie="console_session=guessed")[0] == 401


@pytest.mark.parametrize("path", ["whatif", "disposition", "queue/update"])
def test_console_posts_answer_401_without_a_session(site, path):
    status, _, _ = call(site[0] + "/console/api/" + path, b"{}", headers={"Content-Type": "application/json"})
    assert status == 401


def test_a_wrong_token_gets_401_and_no_cookie(site):
    status, headers, body = login(site[0], token="not-the-token")
    assert status == 401 and "Set-Cookie" not in headers
    assert b"That did not work" in body


def test_public_pages_and_security_headers(site):
    for path in ("/", "/demo.html", "/widget.js", "/widget.css", "/vendor/socket.io.min.js", "/console/login"):
        status, headers, _ = call(site[0] + path)
        assert status == 200, path
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp
        assert "ws://localhost:" in csp  # the widget's socket.io connection to Rasa
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert call(site[0] + "/../pyproject.toml")[0] == 404
    assert call(site[0] + "/vendor/../../bot/web/auth.py")[0] == 404


def test_pages_point_the_widget_at_the_rasa_server(site):
    body = call(site[0] + "/demo.html")[2].decode()
    assert 'data-server-url="http://localhost:' in body and "__RASA_URL__" not in body


def test_console_with_a_session(site, cookie):
    status, headers, body = call(site[0] + "/console", cookie=cookie)
    assert status == 200 and b"Counselor console" in body
    assert headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY"
    overview = json.loads(call(site[0] + "/console/api/overview", cookie=cookie)[2])
    assert overview["counselor"] == "Dana Counselor"
    assert overview["open"]["crisis"] == 1 and overview["open"]["handoff"] == 1
    assert "rasa_token" not in json.dumps(overview) and RASA_TOKEN not in json.dumps(overview)


def test_inspector_reads_the_tracker_server_side(site, cookie):
    view = json.loads(call(site[0] + "/console/api/inspect?conversation=" + CONVERSATION, cookie=cookie)[2])
    assert view["intent"]["name"] == "inform"
    assert view["entities"][0]["matched"] == "moderate"
    assert view["requested_slot"] == "withdrawal"
    # only the console's own conversations
    assert call(site[0] + "/console/api/inspect?conversation=conv-a", cookie=cookie)[0] == 400


def test_an_intake_shows_the_persons_own_words_and_the_transcript_from_the_stored_conversation(site, cookie):
    url, db = site
    record = json.loads(call(url + "/console/api/intake/conversation?id=conv-a:0", cookie=cookie)[2])
    assert record["stored"] is True
    assert record["own_words"] == {"severity": "honestly not much, a few beers on weekends",
                                   "support": "[button] strong support from family or friends"}
    assert [(line["who"], line["text"][:12]) for line in record["transcript"]] == [
        ("assistant", "How much is "), ("person", "honestly not"), ("person", "[button] str")]
    audit = {(row["counselor"], row["action"]) for row in console_store.list_audit(db)}
    assert ("Dana Counselor", "view transcript") in audit
    assert call(url + "/console/api/intake/conversation?id=nope", cookie=cookie)[0] == 404
    assert call(url + "/console/api/intake/conversation?id=conv-a:0")[0] == 401


def test_what_if_endpoint(site, cookie):
    body = json.dumps({"answers": {"severity": "mild", "support": "strong", "home": "stable"},
                       "criterion": "severity", "value": "moderate"}).encode()
    status, _, raw = call(site[0] + "/console/api/whatif", body, cookie, {"Content-Type": "application/json"})
    result = json.loads(raw)
    assert status == 200 and result["after"]["level"] == "iop" and result["differences"]["changed"]["level"]
    bad = json.dumps({"answers": {}, "criterion": "severity", "value": "extreme"}).encode()
    assert call(site[0] + "/console/api/whatif", bad, cookie, {"Content-Type": "application/json"})[0] == 400


def test_cross_site_posts_are_refused(site, cookie):
    body = json.dumps({"intake_id": "conv-a:0", "disposition": "agree", "note": ""}).encode()
    headers = {"Content-Type": "application/json", "Origin": "http://evil.example"}
    assert call(site[0] + "/console/api/disposition", body, cookie, headers)[0] == 403


def test_filters_disposition_export_and_audit(site, cookie):
    url, db = site
    rows = json.loads(call(url + "/console/api/intakes?crisis=yes", cookie=cookie)[2])["intakes"]
    assert [r["intake_id"] for r in rows] == ["conv-b:0"]
    rows = json.loads(call(url + "/console/api/intakes?level=op", cookie=cookie)[2])["intakes"]
    assert [r["intake_id"] for r in rows] == ["conv-a:0"]
    note = "Called back: my name is Sarah Miller, phone (555) 123-4567, email sarah.miller@example.com"
    body = json.dumps({"intake_id": "conv-a:0", "disposition": "follow_up", "note": note}).encode()
    assert call(url + "/console/api/disposition", body, cookie, {"Content-Type": "application/json"})[0] == 200
    detail = json.loads(call(url + "/console/api/intake?id=conv-a:0", cookie=cookie)[2])
    assert detail["disposition"] == "follow_up" and detail["counselor"] == "Dana Counselor"
    status, headers, raw = call(url + "/console/api/export.csv", cookie=cookie)
    text = raw.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    for secret in ("Sarah", "Miller", "555", "example.com"):
        assert secret not in text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 2
    actions = {(row["counselor"], row["action"]) for row in console_store.list_audit(db)}
    for action in ("log in", "view overview", "view intake list", "view intake", "edit disposition",
                   "export intakes CSV"):
        assert ("Dana Counselor", action) in actions, action
    assert not any(note in (row["detail"] or "") for row in console_store.list_audit(db))


def post_json(url, payload, cookie=None, headers=None):
    return call(url, json.dumps(payload).encode(), cookie, {"Content-Type": "application/json", **(headers or {})})


def test_a_call_back_request_from_the_widget_reaches_the_queue_and_moves_through_its_statuses(site, cookie):
    url, db = site
    status, _, body = call(url + "/api/callback")
    wording = json.loads(body)
    assert status == 200 and "never exported" in wording["consent"] and "evening" in wording["best_times"]
    request = {"conversation_id": "conv-a", "first_name": "Ana", "contact": "(555) 201-3344",
               "best_time": "evening", "consent": True}
    assert post_json(url + "/api/callback", {**request, "consent": False})[0] == 400
    status, _, body = post_json(url + "/api/callback", {**request, "contact": "call me"})
    assert status == 400 and "phone number" in json.loads(body)["error"]
    assert call(url + "/api/callback", json.dumps(request).encode(), headers={"Content-Type": "text/plain"})[0] == 415
    assert post_json(url + "/api/callback", request, headers={"Origin": "http://evil.example"})[0] == 403
    status, _, body = post_json(url + "/api/callback", request)
    assert status == 201 and json.loads(body)["best_time"] == "Evening"

    queue = json.loads(call(url + "/console/api/queue?kind=callback", cookie=cookie)[2])
    assert queue["total"] == 1
    item = queue["items"][0]
    assert item["status"] == "new" and item["level"] == "op" and item["reference"].startswith("C-")
    assert "conversation_id" not in item and "555" not in json.dumps(queue)  # contact only in the item view
    detail = json.loads(call(url + f"/console/api/queue/item?id={item['id']}", cookie=cookie)[2])
    assert detail["callback"]["contact"] == "5552013344" and detail["callback"]["first_name"] == "Ana"
    for status_name in ("assigned", "contacted", "scheduled", "closed"):
        answer = post_json(url + "/console/api/queue/update", {"id": item["id"], "status": status_name,
                                                                "note": f"now {status_name}"}, cookie)
        assert answer[0] == 200, answer
    detail = json.loads(answer[2])
    assert [entry["change"]["status"][1] for entry in detail["history"]] == ["assigned", "contacted", "scheduled",
                                                                               "closed"]
    assert detail["history"][0]["counselor"] == "Dana Counselor" and detail["history"][-1]["note"] == "now closed"
    assert json.loads(call(url + "/console/api/queue?kind=callback", cookie=cookie)[2])["total"] == 0  # closed
    closed = json.loads(call(url + "/console/api/queue?kind=callback&status=closed", cookie=cookie)[2])
    assert closed["total"] == 1
    assert post_json(url + "/console/api/queue/update", {"id": item["id"], "status": "done"}, cookie)[0] == 400
    assert post_json(url + "/console/api/queue/update", {"id": 99999, "status": "closed"}, cookie)[0] == 404
    actions = {row["action"] for row in console_store.list_audit(db)}
    assert {"view queue", "view queue item", "update queue item"} <= actions
    assert not any("555" in (row["detail"] or "") for row in console_store.list_audit(db))


def test_the_queue_holds_handoffs_crisis_events_and_intakes_and_pages_on_the_server(site, cookie):
    url, _ = site
    everything = json.loads(call(url + "/console/api/queue?status=", cookie=cookie)[2])
    kinds = {item["kind"] for item in everything["items"]}
    assert {"handoff", "crisis", "intake"} <= kinds
    page = json.loads(call(url + "/console/api/queue?status=&page=2", cookie=cookie)[2])
    assert page["page"] == 2 and page["items"] == [] and page["pages"] == 1
    reference = everything["items"][0]["reference"]
    found = json.loads(call(url + f"/console/api/queue?status=&q={reference[:6]}", cookie=cookie)[2])
    assert found["total"] >= 1 and all(item["reference"] == reference for item in found["items"])
    overview = json.loads(call(url + "/console/api/overview", cookie=cookie)[2])
    assert overview["open"]["crisis"] == 1 and overview["statuses"]["scheduled"] == "Scheduled"


def test_the_call_back_form_is_rate_limited_per_address(site):
    url, _ = site
    request = {"conversation_id": "conv-b", "contact": "someone@example.org", "best_time": "any", "consent": True}
    statuses = [post_json(url + "/api/callback", request)[0] for _ in range(5)]
    assert 429 in statuses


def test_logout_ends_the_session(site):
    status, headers, _ = login(site[0], name="Lee")
    session = headers["Set-Cookie"].split(";")[0]
    assert call(site[0] + "/console/api/overview", cookie=session)[0] == 200
    status, headers, _ = call(site[0] + "/console/logout", b"", cookie=session)
    assert status == 303 and "Max-Age=0" in headers["Set-Cookie"]
    assert call(site[0] + "/console/api/overview", cookie=session)[0] == 401


@pytest.fixture
def fresh_site(tmp_path, monkeypatch):
    """A web app of its own (so a lock-out or a short timeout touches no other test)."""
    import bot.web.server as server_module

    monkeypatch.setattr(server_module, "REQUEST_TIMEOUT_S", 1)
    web = serve(WebConfig("http://localhost:9", RASA_TOKEN, COUNSELOR_TOKEN, tmp_path / "intake.db"), 0)
    yield web.server_port
    web.shutdown()


def raw_request(port, data: bytes, wait: float = 5.0) -> bytes:
    """Send raw bytes and read what comes back until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("length", ["-1", "abc", "\u00b2", " 12 34", str(64 * 1024 + 1), str(10 * 1024 * 1024)])
def test_a_bad_content_length_gets_a_clear_answer_and_the_body_is_not_read(fresh_site, length):
    request = (f"POST /api/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {length}\r\n\r\n").encode() + b"x" * 1000
    answer = raw_request(fresh_site, request)
    assert answer.startswith((b"HTTP/1.0 413 ", b"HTTP/1.1 413 ")) and b"valid Content-Length" in answer


def test_a_connection_that_never_finishes_its_headers_is_closed(fresh_site):
    started = time.monotonic()
    answer = raw_request(fresh_site, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", wait=10)
    assert time.monotonic() - started < 5 and b"200" not in answer


def site_port(site) -> int:
    return int(site[0].rsplit(":", 1)[1])


def test_a_one_megabyte_body_is_refused_without_waiting_for_it(site):
    started = time.monotonic()  # the site's request timeout is 10 s: the answer comes before any of the body
    answer = raw_request(site_port(site), b"POST /api/callback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          b"Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n", wait=8)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"valid Content-Length" in answer
    assert time.monotonic() - started < 5


def test_a_body_without_a_length_is_refused(fresh_site):
    answer = raw_request(fresh_site, b"POST /api/callback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     b"2\r\n{}\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413 ") and b"valid Content-Length" in answer


def test_a_body_that_stops_arriving_times_out(fresh_site):
    started = time.monotonic()
    answer = raw_request(fresh_site, b"POST /api/callback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                                     b'{"consent": ', wait=10)
    assert answer.startswith(b"HTTP/1.1 408 ") and time.monotonic() - started < 5  # and the connection is closed


def test_a_cross_site_post_is_refused_before_its_body_is_read(site):
    started = time.monotonic()
    answer = raw_request(site_port(site), b"POST /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          b"Origin: http://evil.example\r\nContent-Length: 1000\r\n\r\n", wait=8)
    assert answer.startswith(b"HTTP/1.1 403 ") and b"cross-site request refused" in answer
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 404),
    (b"PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 405),
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", 408),
    (b"POST /api/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n", 413),
    (b"NONSENSE\r\n\r\n", 400),
])
def test_sanics_own_error_answers_carry_the_security_headers(fresh_site, request_bytes, status):
    head = raw_request(fresh_site, request_bytes).split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith(f"http/1.1 {status} ")
    assert "content-security-policy: default-src 'self'; script-src 'self'" in head
    assert "x-content-type-options: nosniff" in head and "referrer-policy: same-origin" in head
    if status in (408, 413):  # answered before the request's method is known: private
        assert "cache-control: no-store" in head and "x-frame-options: deny" in head


def test_head_answers_like_get_without_a_body(site):
    for path in ("/", "/widget.js", "/api/sources", "/console/login"):
        request = f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        answer = raw_request(site_port(site), request.encode())
        head, _, body = answer.partition(b"\r\n\r\n")
        status, _, get_body = call(site[0] + path)
        assert head.startswith(b"HTTP/1.1 200 ") and body == b"" and status == 200, path
        assert f"content-length: {len(get_body)}" in head.decode().lower(), path
        assert b"Content-Security-Policy" in head


def test_a_slow_tracker_fetch_does_not_hold_up_other_requests(site, cookie):
    url, _ = site
    slow = threading.Thread(target=call, args=(url + "/console/api/inspect?conversation=console-slow" + "x" * 16,),
                            kwargs={"cookie": cookie})
    slow.start()
    time.sleep(0.5)  # the console now waits 2 s for Rasa
    started = time.monotonic()
    assert call(url + "/api/sources")[0] == 200 and call(url + "/console/api/overview", cookie=cookie)[0] == 200
    assert time.monotonic() - started < 1
    slow.join()


def test_nothing_is_printed_and_a_failure_is_logged_without_the_path(tmp_path, monkeypatch, capfd, caplog):
    import bot.web.server as server_module

    def fail(self, request):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(server_module.App, "save_callback", fail)
    conversation = "conv-" + "5ec7e7" * 4
    web = serve(WebConfig("http://localhost:9", RASA_TOKEN, COUNSELOR_TOKEN, tmp_path / "intake.db"), 0)
    url = f"http://localhost:{web.server_port}"
    try:
        assert call(f"{url}/console/api/inspect?conversation={conversation}")[0] == 401
        assert call(f"{url}/nope/{conversation}")[0] == 404
        assert call(f"{url}/demo.html?{conversation}", b"", method="PUT")[0] == 405
        request = {"conversation_id": conversation, "contact": "(555) 201-3344", "best_time": "any", "consent": True}
        status, headers, _ = post_json(f"{url}/api/callback?{conversation}", request)
        assert status == 500 and headers["X-Content-Type-Options"] == "nosniff"
    finally:
        web.shutdown()
    out, err = capfd.readouterr()
    assert out == "" and conversation not in err + caplog.text
    assert "The web app failed on a request (RuntimeError)" in err + caplog.text


def test_several_servers_run_at_once_and_shutdown_frees_the_port(tmp_path):
    config = WebConfig("http://localhost:9", RASA_TOKEN, COUNSELOR_TOKEN, tmp_path / "intake.db")
    first, second = serve(config, 0), serve(config, 0)
    try:
        assert first.server_port != second.server_port
        for web in (first, second):
            assert call(f"http://localhost:{web.server_port}/")[0] == 200
    finally:
        first.shutdown()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", first.server_port), timeout=2).close()
    again = serve(config, first.server_port)
    try:
        assert call(f"http://localhost:{again.server_port}/")[0] == 200
    finally:
        again.shutdown()
        second.shutdown()


def test_wrong_tokens_lock_out_that_client_with_retry_after(fresh_site):
    url = f"http://localhost:{fresh_site}"
    statuses = [login(url, token="not-the-token")[0] for _ in range(10)]
    assert statuses == [401] * 9 + [429]  # the tenth wrong token starts the lock-out
    status, headers, _ = login(url)  # even the right token waits out the minute
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 61


def test_a_provider_site_that_embeds_the_widget_may_call_its_public_api_and_nothing_else(tmp_path):
    provider, stranger = "https://www.provider.example", "http://evil.example"
    web = serve(WebConfig("http://localhost:9", RASA_TOKEN, COUNSELOR_TOKEN, tmp_path / "intake.db", (provider,)), 0)
    url = f"http://localhost:{web.server_port}"
    try:
        status, headers, _ = call(url + "/api/callback", method="OPTIONS",
                                  headers={"Origin": provider, "Access-Control-Request-Method": "POST"})
        assert status == 204 and headers["Access-Control-Allow-Origin"] == provider
        assert "POST" in headers["Access-Control-Allow-Methods"] and "Access-Control-Allow-Credentials" not in headers
        assert call(url + "/api/callback", method="OPTIONS", headers={"Origin": stranger})[0] == 403
        assert call(url + "/console/api/overview", method="OPTIONS", headers={"Origin": provider})[0] == 403
        status, headers, _ = call(url + "/api/sources", headers={"Origin": provider})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == provider
        assert "Access-Control-Allow-Origin" not in call(url + "/api/sources", headers={"Origin": stranger})[1]
        request = {"conversation_id": "conv-x", "contact": "(555) 201-3344", "best_time": "evening", "consent": True}
        status, headers, _ = post_json(url + "/api/callback", request, headers={"Origin": provider})
        assert status == 201 and headers["Access-Control-Allow-Origin"] == provider
        assert post_json(url + "/api/callback", request, headers={"Origin": stranger})[0] == 403
        # the console stays same-origin, whatever the provider list says
        assert call(url + "/console/login", b"token=x&name=y", headers={"Origin": provider})[0] == 403
    finally:
        web.shutdown()
