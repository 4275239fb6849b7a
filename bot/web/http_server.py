"""The HTTP server under the web app (bot/web/server.py): Sanic 21.12 with its limits, its error answers and quiet
logs, run in a thread of its own.

A request is refused from its head, before any of its body is read, when the body has no valid Content-Length
of at most MAX_BODY (Sanic itself would read a "-1" body without end and answer "abc" with a 500). The request
timeout covers the body as well as the head. Sanic's own errors (400, 404, 405, 408, 413, 500) are short plain
text, and nothing Sanic logs names a request's path: paths carry conversation ids.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
import logging
import re
import socket
import threading
from time import monotonic
from typing import Any, Callable

from sanic import Request, Sanic
from sanic.config import Config
from sanic.exceptions import RequestTimeout, SanicException
from sanic.handlers import ErrorHandler
from sanic.helpers import STATUS_CODES
from sanic.http import Stage
from sanic.response import HTTPResponse
from sanic.server.async_server import AsyncioServer
from sanic.server.protocols.http_protocol import HttpProtocol

MAX_BODY = 64 * 1024
BODY_REFUSED = "a request body of up to 64 KB with a valid Content-Length"
CONTENT_LENGTH = re.compile(r"[0-9]{1,10}")
RESPONSE_TIMEOUT_S = 30  # a request's handling: the tracker fetch alone may take 15 s (bot.web.console_api)
KEEP_ALIVE_TIMEOUT_S = 5  # an idle connection between two requests
APP_NUMBERS = itertools.count(1)  # each Sanic app in the process has a name of its own
SHUTDOWN_GRACE_S = 1.0  # shutdown() lets requests under way finish for this long, then closes their connections
logger = logging.getLogger(__name__)


class WebSanic(Sanic):
    """Sanic, startable more than once in a process. At each app's start Sanic 21.12 recompiles a few methods of its
    own classes from their source (dropping the signals no app listens to); a second start fails, on the already
    recompiled methods, unless `test_mode` keeps the originals to start from, as Sanic's own test client does."""

    test_mode = True


def sanic_app(request_timeout_s: float) -> Sanic:
    """A new Sanic app with the web app's settings and error answers."""
    return WebSanic(f"intake-web-{next(APP_NUMBERS)}", config=sanic_config(request_timeout_s),
                    configure_logging=False, error_handler=Errors())


def sanic_config(request_timeout_s: float) -> Config:
    """Sanic's settings for the web app; none is read from the environment (Sanic reads $SANIC_* by default)."""
    config = Config(env_prefix=None)
    config.update(REGISTER=False, MOTD=False, ACCESS_LOG=False, REQUEST_MAX_SIZE=MAX_BODY,
                  REQUEST_TIMEOUT=request_timeout_s, RESPONSE_TIMEOUT=RESPONSE_TIMEOUT_S,
                  KEEP_ALIVE_TIMEOUT=KEEP_ALIVE_TIMEOUT_S)
    return config


def quiet_sanic_logs() -> None:
    """Sanic's loggers pass on errors only: some of its info and warning lines name a request's path, and it warns
    on a terminal that it runs in production mode. The access log is off as well (ACCESS_LOG)."""
    for name in ("sanic.root", "sanic.error"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("sanic.access").disabled = True


class Refused(SanicException):
    """A request refused from its head alone; answered with a JSON error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, status_code=status)


def refuse_a_bad_body_length(request: Request, max_body: int = MAX_BODY) -> None:
    """Refuse (413) a body whose Content-Length is not a number of at most `max_body`, or that has no length
    (chunked)."""
    lengths = request.headers.getall("content-length", [])
    refused = BODY_REFUSED.replace("64 KB", f"{max_body // 1024} KB") if max_body != MAX_BODY else BODY_REFUSED
    if "transfer-encoding" in request.headers or len(lengths) > 1:
        raise Refused(413, refused)
    if lengths and not (CONTENT_LENGTH.fullmatch(lengths[0].strip()) and int(lengths[0]) <= max_body):
        raise Refused(413, refused)


class Protocol(HttpProtocol):
    """Sanic's HTTP/1.1 protocol with the request timeout covering the body too: Sanic 21.12 waits for a body under
    the response timeout, and when that expires it answers 503, then waits for the rest of the body forever."""

    def check_timeouts(self) -> None:
        http = self._http
        stalled = monotonic() - self._time > self.request_timeout
        if self._task and http and http.stage is Stage.HANDLER and http.request_body and stalled:
            http.exception = RequestTimeout("Request Timeout")  # answered 408, then the connection is closed
            http.request_body = None  # nothing more of the body is waited for
            self._task.cancel()
            return
        super().check_timeouts()


def answer(body: str | bytes, status: int = 200, content_type: str = "text/plain; charset=utf-8",
           headers: dict | None = None) -> HTTPResponse:
    """A response with its body."""
    return HTTPResponse(body, status=status, headers=headers, content_type=content_type)


def json_answer(payload: Any, status: int = 200, headers: dict | None = None) -> HTTPResponse:
    """A JSON response."""
    return answer(json.dumps(payload), status, "application/json", headers)


def see_other(location: str, headers: dict | None = None) -> HTTPResponse:
    """A 303 redirect."""
    return answer(b"", 303, headers={"Location": location, **(headers or {})})


class Errors(ErrorHandler):
    """Sanic's error answers: JSON for a refused request, else the status in words. An exception that is not one of
    Sanic's is a failure: 500, logged with its traceback but never with the request's path."""

    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        if not isinstance(exception, SanicException):
            logger.error("The web app failed on a request (%s)", type(exception).__name__, exc_info=exception)
            return answer("internal server error", 500)
        status, headers = getattr(exception, "status_code", 500), getattr(exception, "headers", None)  # 405: Allow
        if isinstance(exception, Refused):
            return json_answer({"error": str(exception)}, status, headers)
        return answer(STATUS_CODES.get(status, b"error").decode().lower(), status, headers=headers)


class WebServer:
    """A Sanic app serving in a thread of its own, with its own event loop (and no signal handlers): `server_port`,
    and `shutdown()`, which frees the port."""

    def __init__(self, app: Sanic, host: str, port: int) -> None:
        quiet_sanic_logs()
        listener = socket.create_server((host, port), backlog=100)  # bound here: a port in use fails in the caller
        self.server_port = listener.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        started: concurrent.futures.Future[AsyncioServer] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._run, args=(app, listener, started), name=app.name, daemon=True)
        self._thread.start()
        self._server = started.result()

    def _run(self, app: Sanic, listener: socket.socket, started: concurrent.futures.Future) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            server = self._loop.run_until_complete(self._start(app, listener))
        except BaseException as problem:
            started.set_exception(problem)
            listener.close()
            self._loop.close()
            return
        started.set_result(server)
        self._loop.run_forever()
        self._loop.close()  # its thread pool too, without waiting for a tracker fetch still under way

    @staticmethod
    async def _start(app: Sanic, listener: socket.socket) -> AsyncioServer:
        server = await app.create_server(sock=listener, protocol=Protocol, return_asyncio_server=True,
                                         asyncio_server_kwargs={"start_serving": False})
        await server.startup()
        await server.start_serving()
        return server

    async def _stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()
        for connection in list(self._server.connections):
            connection.close_if_idle()
        deadline = self._loop.time() + SHUTDOWN_GRACE_S
        while self._server.connections and self._loop.time() < deadline:
            await asyncio.sleep(0.05)
        for connection in list(self._server.connections):
            connection.abort()
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        for task in tasks:  # the aborted connections' tasks, ended before the loop closes
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def shutdown(self) -> None:
        """Stop serving, close the connections (those with a request under way after SHUTDOWN_GRACE_S), free the
        port and end the thread."""
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


async def in_thread(function: Callable, *args: Any) -> Any:
    """Run blocking work (SQLite, a file, the tracker fetch) in the event loop's thread pool, not on the loop."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)
