"""The localhost web app: the chat widget and its demo page, and the counselor console behind a login.

Routes:
  /, /demo.html, /widget.js, /widget.css     public: the widget and the pages that embed it
  /vendor/socket.io.min.js                   public: socket.io-client from node_modules (npm, lockfile)
  /api/callback (GET wording, POST request)  public: the widget's call-back form (records/callbacks.py), rate-limited
  /api/sources                               public: the source documents' titles ("Where this comes from")
  /console/login (GET form, POST login)      public: the only console URL that answers without a session
  /console, /console/static/*, /console/api/*, /console/logout   counselor session required
Every response carries a Content-Security-Policy that allows scripts, styles and connections to
this server only, plus the Rasa server (http:// and ws://) for the socket.io and REST channels.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bot import ROOT
from bot.clinical.knowledge import source_titles
from bot.records import callbacks
from bot.records.console_store import audit, prepare
from bot.records.storage import connect, open_db
from bot.web import console_api
from bot.web.auth import Sessions, clear_cookie, session_id_from, set_cookie
from bot.web.limits import RateLimit

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
NODE_MODULES = ROOT / "node_modules"
VENDOR = {"socket.io.min.js": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js"}
WIDGET_API = frozenset({"/api/callback", "/api/sources"})  # what a provider site's widget calls
PUBLIC_PAGES = {"/": "index.html", "/demo.html": "demo.html", "/widget.js": "widget.js", "/widget.css": "widget.css",
                "/console/login.css": "login.css"}
MAX_BODY = 64 * 1024
REQUEST_TIMEOUT_S = 10
RASA_URL_MARK = "__RASA_URL__"
LOGIN_ERROR_MARK = b"<!--login-error-->"
LOGIN_ERROR = b'<p class="error" role="alert">That did not work: check the counselor token and type your name.</p>'


@dataclass
class WebConfig:
    """Where Rasa is (for the browser and for the console backend), its token, the counselor token, the DB."""

    rasa_url: str
    rasa_token: str
    counselor_token: str
    db_path: Path
    allowed_origins: tuple[str, ...] = ()  # sites whose pages embed the widget (bot.app.launcher.allowed_origins)


class App:
    """Shared state of the web app: config, console sessions, the console API's dependencies."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.sessions = Sessions(config.counselor_token)
        self.fetch_tracker = console_api.rasa_tracker_fetcher(config.rasa_url, config.rasa_token)
        db = open_db(config.db_path)
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

    def console(self) -> console_api.Console:
        """The console API's dependencies, with a database connection of its own (one per request thread)."""
        return console_api.Console(connect(self.config.db_path), self.fetch_tracker, self.config.rasa_url)

    def save_callback(self, request: callbacks.CallbackRequest) -> int:
        """Store a call-back request (its own connection, closed after)."""
        db = connect(self.config.db_path)
        try:
            return callbacks.save_request(db, request)
        finally:
            db.close()

    def audit(self, counselor: str, action: str) -> None:
        """An audit row outside the API (log in, log out)."""
        console = self.console()
        try:
            audit(console.db, counselor, action, "console")
        finally:
            console.db.close()


def make_handler(app: App) -> type[http.server.BaseHTTPRequestHandler]:
    """The request handler class bound to `app`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "intake-web"
        sys_version = ""
        timeout = REQUEST_TIMEOUT_S  # a connection that sends nothing (or half its headers) is closed

        def log_message(self, format: str, *args: object) -> None:  # paths can carry conversation ids
            return

        # --- plumbing -------------------------------------------------------------------------------
        def send(self, status: int, body: bytes, content_type: str, headers: dict | None = None,
                 private: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", app.csp)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "same-origin")  # "no-referrer" would make POSTs say Origin: null
            if private:
                self.send_header("Cache-Control", "no-store")
                self.send_header("X-Frame-Options", "DENY")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def redirect(self, location: str, headers: dict | None = None) -> None:
            self.send(303, b"", "text/plain", {"Location": location, **(headers or {})}, private=True)

        def file(self, path: Path, private: bool = False, status: int = 200) -> None:
            if not path.is_file():
                self.send(404, b"not found", "text/plain")
                return
            body = path.read_bytes()
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".html":
                body = body.replace(RASA_URL_MARK.encode(), app.config.rasa_url.encode())
            if content_type.startswith("text/") or content_type.endswith("javascript"):
                content_type += "; charset=utf-8"
            self.send(status, body, content_type, private=private)

        def counselor(self) -> str | None:
            return app.sessions.counselor(session_id_from(self.headers.get("Cookie")))

        def same_origin(self) -> bool:
            """POSTs must come from this site's own pages (the cookie is SameSite=Strict as well); the widget's
            public API also from a provider site that embeds it."""
            origin = self.headers.get("Origin")
            own = origin is None or origin == f"http://{self.headers.get('Host', '')}"
            return own or self.embedding_site() is not None

        def embedding_site(self) -> str | None:
            """The Origin of a request to the widget's public API from an allowed provider site, else None."""
            origin = self.headers.get("Origin")
            path = urllib.parse.urlsplit(self.path).path
            return origin if path in WIDGET_API and origin in app.config.allowed_origins else None

        def cors(self) -> dict:
            """CORS headers for an allowed provider site (no credentials: the widget's API uses no cookie)."""
            origin = self.embedding_site()
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {"Vary": "Origin"}

        def body(self) -> bytes | None:
            """The request body; None when its length is missing a number, negative or over MAX_BODY."""
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not declared.isdigit() or int(declared) > MAX_BODY:
                return None
            length = int(declared)
            return self.rfile.read(length) if length else b""

        # --- verbs ---------------------------------------------------------------------------------
        def do_HEAD(self) -> None:
            self.do_GET()

        def do_OPTIONS(self) -> None:
            """The CORS preflight of the widget's call-back POST from a provider site."""
            if self.embedding_site() is None:
                self.send(403, b"", "text/plain", {"Vary": "Origin"})
                return
            self.send(204, b"", "text/plain", {**self.cors(), "Access-Control-Allow-Methods": "GET, POST",
                                               "Access-Control-Allow-Headers": "Content-Type",
                                               "Access-Control-Max-Age": "600"})

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            path = url.path
            if path in PUBLIC_PAGES:
                self.file(STATIC / PUBLIC_PAGES[path])
            elif path.startswith("/vendor/") and path[len("/vendor/"):] in VENDOR:
                self.file(VENDOR[path[len("/vendor/"):]])
            elif path == "/api/callback":
                wording = {"consent": callbacks.CONSENT, "best_times": callbacks.BEST_TIMES}
                self.send(200, json.dumps(wording).encode(), "application/json", self.cors())
            elif path == "/api/sources":
                self.send(200, json.dumps(source_titles()).encode(), "application/json", self.cors())
            elif path == "/console/login":
                self.file(STATIC / "login.html", private=True)
            elif path == "/console" or path.startswith("/console/"):
                self.console_get(path, dict(urllib.parse.parse_qsl(url.query)))
            else:
                self.send(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if not self.same_origin():
                self.send(403, b'{"error": "cross-site request refused"}', "application/json", private=True)
                return
            raw = self.body()
            if raw is None:
                self.send(413, b'{"error": "a request body of up to 64 KB with a valid Content-Length"}',
                          "application/json", private=True)
                self.close_connection = True
            elif path == "/api/callback":
                self.callback(raw)
            elif path == "/console/login":
                self.login(dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"))))
            elif path == "/console/logout":
                self.logout()
            elif path.startswith("/console/api/"):
                self.api("POST", path, {}, raw)
            else:
                self.send(404, b"not found", "text/plain")

        # --- console ------------------------------------------------------------------------------------
        def console_get(self, path: str, query: dict) -> None:
            if path.startswith("/console/api/"):
                self.api("GET", path, query, b"")
                return
            if self.counselor() is None:
                self.redirect("/console/login")
                return
            if path in ("/console", "/console/"):
                self.file(STATIC / "console" / "index.html", private=True)
            elif path.startswith("/console/static/"):
                name = path[len("/console/static/"):]
                if "/" in name or name.startswith("."):
                    self.send(404, b"not found", "text/plain")
                else:
                    self.file(STATIC / "console" / name, private=True)
            else:
                self.send(404, b"not found", "text/plain", private=True)

        def api(self, method: str, path: str, query: dict, raw: bytes) -> None:
            counselor = self.counselor()
            if counselor is None:
                self.send(401, b'{"error": "log in first"}', "application/json", private=True)
                return
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self.send(400, b'{"error": "send a JSON object"}', "application/json", private=True)
                return
            console = app.console()
            try:
                reply = console_api.handle(console, counselor, method, path[len("/console/api/"):], query, body)
            finally:
                console.db.close()
            self.send(reply.status, reply.body, reply.content_type, reply.headers, private=True)

        def callback(self, raw: bytes) -> None:
            """A call-back request from the widget: JSON only (so a cross-site form cannot post it), limited per
            client address; a wrong field is answered with a sentence for the person."""
            def answer(status: int, payload: dict, headers: dict | None = None) -> None:
                self.send(status, json.dumps(payload).encode(), "application/json", {**self.cors(), **(headers or {})},
                          private=True)

            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                answer(415, {"error": "send JSON"})
                return
            wait = app.callback_limit.wait(self.client_address[0])
            if wait:
                answer(429, {"error": "Too many requests from here; please try again in a few minutes, or call us."},
                       {"Retry-After": str(wait)})
                return
            try:
                body = json.loads(raw)
                request = callbacks.read_request(body if isinstance(body, dict) else {})
            except ValueError as problem:
                message = str(problem) if isinstance(problem, ValueError) and not isinstance(
                    problem, json.JSONDecodeError) else "send a JSON object"
                answer(400, {"error": message})
                return
            app.save_callback(request)
            answer(201, {"ok": True, "best_time": callbacks.BEST_TIMES[request.best_time]})

        def login(self, form: dict) -> None:
            name = form.get("name", "")
            client = self.client_address[0]
            session_id = app.sessions.login(form.get("token", ""), name, client)
            if session_id is None:
                page = (STATIC / "login.html").read_bytes().replace(LOGIN_ERROR_MARK, LOGIN_ERROR)
                wait = app.sessions.wait(client)
                self.send(429 if wait else 401, page, "text/html; charset=utf-8",
                          {"Retry-After": str(wait)} if wait else None, private=True)
                return
            app.audit(" ".join(name.split()), "log in")
            self.redirect("/console", {"Set-Cookie": set_cookie(session_id)})

        def logout(self) -> None:
            counselor = self.counselor()
            if counselor:
                app.audit(counselor, "log out")
            app.sessions.logout(session_id_from(self.headers.get("Cookie")))
            self.redirect("/console/login", {"Set-Cookie": clear_cookie()})

    return Handler


def serve(config: WebConfig, port: int = 8080, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """Start the web app in a background thread; returns the server (call shutdown() to stop)."""
    server = http.server.ThreadingHTTPServer((host, port), make_handler(App(config)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
