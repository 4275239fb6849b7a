"""A small static file server for the chat page, on localhost only."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves bot/web/static without logging requests (paths can carry conversation ids)."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", "default-src 'self'; connect-src 'self' http://localhost:*")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def serve(port: int = 8080) -> http.server.ThreadingHTTPServer:
    """Start serving in a background thread; returns the server (call shutdown() to stop)."""
    handler = functools.partial(QuietHandler, directory=str(STATIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
