"""The localhost web app, on Sanic: the chat widget and its demo page, and the counselor console behind a login.

Routes:
  /, /demo.html, /widget.js, /widget.css     public: the widget and the pages that embed it
  /vendor/socket.io.min.js                   public: socket.io-client from node_modules (npm, lockfile)
  /api/callback (GET wording, POST request)  public: the widget's call-back form (records/callbacks.py), rate-limited
  /api/sources                               public: the source documents' titles ("Where this comes from")
  /console/login (GET form, POST login)      public: the only console URL that answers without a session
  /console, /console/static/*, /console/api/*, /console/logout   counselor session required
Every response, Sanic's own errors included, carries a Content-Security-Policy that allows scripts, styles and
connections to this server only, plus the Rasa server (http:// and ws://) for the socket.io and REST channels;
the console's answers and every answer to a POST are neither cached nor framed. A POST from another site is
refused before its body is read. The records database, files and the tracker fetch run in threads, off the event
loop. The server under it (limits, timeouts, error answers, its own thread and event loop): bot/web/http_server.py.
"""

from __future__ import annotations

import json
import mimetypes
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from sanic import Request, Sanic
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

from bot import ROOT
from bot.clinical.knowledge import source_titles
from bot.records import callbacks
from bot.records.console_store import audit, prepare
from bot.records.database import connect
from bot.records.storage import open_db
from bot.web import console_api
from bot.web.auth import Sessions, clear_cookie, session_id_from, set_cookie
from bot.web.http_server import (
    Refused,
    WebServer,
    answer,
    in_thread,
    json_answer,
    refuse_a_bad_body_length,
    sanic_app,
    see_other,
)
from bot.web.limits import RateLimit

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
NODE_MODULES = ROOT / "node_modules"
VENDOR = {"socket.io.min.js": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js"}
WIDGET_API = frozenset({"/api/callback", "/api/sources"})  # what a provider site's widget calls
PUBLIC_PAGES = {"/": "index.html", "/demo.html": "demo.html", "/widget.js": "widget.js", "/widget.css": "widget.css",
                "/console/login.css": "login.css"}
READ = ("GET", "HEAD")
REQUEST_TIMEOUT_S = 10  # the head and the body of a request, each time the client goes quiet (read by serve)
RASA_URL_MARK = "__RASA_URL__"
LOGIN_ERROR_MARK = b"<!--login-error-->"
LOGIN_ERROR = b'<p class="error" role="alert">That did not work: check the counselor token and type your name.</p>'


@dataclass
class WebConfig:
    """Where Rasa is (for the browser and for the console backend), its token, the counselor token, the records
    (a SQLite path or a PostgreSQL URL: bot.records.database)."""

    rasa_url: str
    rasa_token: str
    counselor_token: str
    records: Path | str
    allowed_origins: tuple[str, ...] = ()  # sites whose pages embed the widget (bot.app.launcher.allowed_origins)


class App:
    """Shared state of the web app: config, console sessions, the console API's dependencies, the blocking work."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.sessions = Sessions(config.counselor_token)
        self.fetch_tracker = console_api.rasa_tracker_fetcher(config.rasa_url, config.rasa_token)
        db = open_db(config.records)
        try:
            prepare(db)  # the console's tables, once: requests only read and write them
        finally:
            db.close()
        self.callback_limit = RateLimit(per_minute=0.5, burst=3)  # per client address
        ws_url = "ws" + config.rasa_url[len("http"):] if config.rasa_url.startswith("http") else config.rasa_url
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {config.rasa_url} {ws_url}; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'self'"
        )

    # --- blocking work, each run in a thread with a database connection of its own -------------------------
    def call_console_api(self, counselor: str, method: str, name: str, query: dict, body: dict) -> console_api.Reply:
        """One console API call (console_api.handle)."""
        console = console_api.Console(connect(self.config.records), self.fetch_tracker, self.config.rasa_url)
        try:
            return console_api.handle(console, counselor, method, name, query, body)
        finally:
            console.db.close()

    def save_callback(self, request: callbacks.CallbackRequest) -> int:
        """Store a call-back request."""
        db = connect(self.config.records)
        try:
            return callbacks.save_request(db, request)
        finally:
            db.close()

    def audit(self, counselor: str, action: str) -> None:
        """An audit row outside the API (log in, log out)."""
        db = connect(self.config.records)
        try:
            audit(db, counselor, action, "console")
        finally:
            db.close()

    def file(self, path: Path) -> HTTPResponse:
        """A static file; an HTML page gets the Rasa server's URL."""
        if not path.is_file():
            raise NotFound("not found")
        body = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".html":
            body = body.replace(RASA_URL_MARK.encode(), self.config.rasa_url.encode())
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        return answer(body, content_type=content_type)

    # --- who is asking --------------------------------------------------------------------------------------
    def counselor(self, request: Request) -> str | None:
        """The counselor of the request's live session, else None."""
        return self.sessions.counselor(session_id_from(request.headers.get("cookie")))

    def embedding_site(self, request: Request) -> str | None:
        """The Origin of a request to the widget's public API from an allowed provider site, else None."""
        origin = request.headers.get("origin")
        return origin if request.path in WIDGET_API and origin in self.config.allowed_origins else None

    def same_origin(self, request: Request) -> bool:
        """POSTs must come from this site's own pages (the cookie is SameSite=Strict as well); the widget's public
        API also from a provider site that embeds it."""
        origin = request.headers.get("origin")
        own = origin is None or origin == f"http://{request.headers.get('host', '')}"
        return own or self.embedding_site(request) is not None


def is_private(request: Request) -> bool:
    """Not to be cached or framed: the console's answers and every answer to anything but GET, HEAD and OPTIONS."""
    path = request.path
    return path == "/console" or path.startswith("/console/") or request.method not in ("GET", "HEAD", "OPTIONS")


def make_app(config: WebConfig) -> Sanic:
    """The Sanic app: its checks, its headers and its routes."""
    web = App(config)
    app = sanic_app(REQUEST_TIMEOUT_S)

    @app.signal("http.lifecycle.request")
    async def refuse_from_the_head(request: Request) -> None:
        """Before any of the body is read: its length, and where a POST comes from."""
        refuse_a_bad_body_length(request)
        if request.method == "POST" and not web.same_origin(request):
            raise Refused(403, "cross-site request refused")

    @app.on_request
    async def preflight(request: Request) -> HTTPResponse | None:
        """The CORS preflight of the widget's call-back POST from a provider site; any other OPTIONS gets 403.
        (Sanic runs request middleware before its 404 and 405 answers too, so this answers every OPTIONS.)"""
        if request.method != "OPTIONS":
            return None
        if web.embedding_site(request) is None:
            return answer(b"", 403, headers={"Vary": "Origin"})
        return answer(b"", 204, headers={"Access-Control-Allow-Methods": "GET, POST",
                                         "Access-Control-Allow-Headers": "Content-Type",
                                         "Access-Control-Max-Age": "600"})

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        response.headers["Content-Security-Policy"] = web.csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make POSTs say Origin: null
        if is_private(request):
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Frame-Options"] = "DENY"
        if request.path in WIDGET_API:  # CORS for an allowed provider site (no credentials: the API uses no cookie)
            response.headers["Vary"] = "Origin"
            if origin := web.embedding_site(request):
                response.headers["Access-Control-Allow-Origin"] = origin

    # --- public -------------------------------------------------------------------------------------------
    def file_route(path: Path):
        async def send_file(request: Request) -> HTTPResponse:
            return await in_thread(web.file, path)
        return send_file

    for url, name in PUBLIC_PAGES.items():
        app.add_route(file_route(STATIC / name), url, methods=READ, name="page_" + name.replace(".", "_"))
    for name, path in VENDOR.items():
        app.add_route(file_route(path), f"/vendor/{name}", methods=READ, name="vendor_" + name.replace(".", "_"))

    @app.route("/api/callback", methods=READ)
    async def callback_wording(request: Request) -> HTTPResponse:
        return json_answer({"consent": callbacks.CONSENT, "best_times": callbacks.BEST_TIMES})

    @app.route("/api/sources", methods=READ)
    async def sources(request: Request) -> HTTPResponse:
        return json_answer(await in_thread(source_titles))

    @app.post("/api/callback")
    async def callback(request: Request) -> HTTPResponse:
        """A call-back request from the widget: JSON only (so a cross-site form cannot post it), limited per client
        address; a wrong field is answered with a sentence for the person."""
        if not (request.headers.get("content-type") or "").startswith("application/json"):
            return json_answer({"error": "send JSON"}, 415)
        wait = web.callback_limit.wait(request.ip)
        if wait:
            return json_answer({"error": "Too many requests from here; please try again in a few minutes, or call us."},
                               429, {"Retry-After": str(wait)})
        try:
            body = json.loads(request.body)
            callback_request = callbacks.read_request(body if isinstance(body, dict) else {})
        except (json.JSONDecodeError, UnicodeDecodeError):
            return json_answer({"error": "send a JSON object"}, 400)
        except ValueError as problem:
            return json_answer({"error": str(problem)}, 400)
        await in_thread(web.save_callback, callback_request)
        return json_answer({"ok": True, "best_time": callbacks.BEST_TIMES[callback_request.best_time]}, 201)

    # --- the console ----------------------------------------------------------------------------------------
    @app.route("/console/login", methods=READ)
    async def login_page(request: Request) -> HTTPResponse:
        return await in_thread(web.file, STATIC / "login.html")

    @app.post("/console/login")
    async def login(request: Request) -> HTTPResponse:
        form = dict(urllib.parse.parse_qsl(request.body.decode("utf-8", "replace")))
        name, client = form.get("name", ""), request.ip
        session_id = web.sessions.login(form.get("token", ""), name, client)
        if session_id is None:
            page = (await in_thread((STATIC / "login.html").read_bytes)).replace(LOGIN_ERROR_MARK, LOGIN_ERROR)
            wait = web.sessions.wait(client)
            return answer(page, 429 if wait else 401, "text/html; charset=utf-8",
                          {"Retry-After": str(wait)} if wait else None)
        await in_thread(web.audit, " ".join(name.split()), "log in")
        return see_other("/console", {"Set-Cookie": set_cookie(session_id)})

    @app.post("/console/logout")
    async def logout(request: Request) -> HTTPResponse:
        counselor = web.counselor(request)
        if counselor:
            await in_thread(web.audit, counselor, "log out")
        web.sessions.logout(session_id_from(request.headers.get("cookie")))
        return see_other("/console/login", {"Set-Cookie": clear_cookie()})

    @app.route("/console", methods=READ, strict_slashes=True)
    @app.route("/console/", methods=READ, strict_slashes=True, name="console_page_with_slash")
    async def console_page(request: Request) -> HTTPResponse:
        if web.counselor(request) is None:
            return see_other("/console/login")
        return await in_thread(web.file, STATIC / "console" / "index.html")

    @app.route("/console/static/<name>", methods=READ)
    async def console_file(request: Request, name: str) -> HTTPResponse:
        if web.counselor(request) is None:
            return see_other("/console/login")
        if name.startswith("."):
            raise NotFound("not found")
        return await in_thread(web.file, STATIC / "console" / name)

    @app.route("/console/<rest:path>", methods=READ)
    async def console_elsewhere(request: Request, rest: str) -> HTTPResponse:
        """Any other console URL: the login page without a session, like the console's own pages."""
        if web.counselor(request) is None:
            return see_other("/console/login")
        raise NotFound("not found")

    @app.route("/console/api/<name:path>", methods=(*READ, "POST"))
    async def console_api_call(request: Request, name: str) -> HTTPResponse:
        counselor = web.counselor(request)
        if counselor is None:
            return json_answer({"error": "log in first"}, 401)
        raw = request.body if request.method == "POST" else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_answer({"error": "send a JSON object"}, 400)
        query = dict(urllib.parse.parse_qsl(request.query_string))
        method = "POST" if request.method == "POST" else "GET"
        reply = await in_thread(web.call_console_api, counselor, method, name, query, body)
        return answer(reply.body, reply.status, reply.content_type, reply.headers)

    return app


def serve(config: WebConfig, port: int = 8080, host: str = "127.0.0.1") -> WebServer:
    """Start the web app in a background thread; returns the server (`server_port`; call shutdown() to stop)."""
    return WebServer(make_app(config), host, port)
