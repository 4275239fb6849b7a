"""Counselor login for the console: one shared counselor token, a name for the audit trail.

The token comes from $COUNSELOR_TOKEN, else var/secrets.json (bot.records.tokens). A login
compares it in constant time, then issues a random session id in an HttpOnly, SameSite=Strict
cookie. Sessions live in memory, expire after a fixed lifetime or when idle, and end at logout.
Repeated wrong tokens slow down, per client address: every MAX_FAILURES wrong tokens within an hour lock that
client's logins, for a minute the first time and twice as long each time after, up to an hour (`wait` says how
long, for a Retry-After); other clients are not affected.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie

COOKIE = "console_session"
LIFETIME_S = 8 * 3600
IDLE_S = 30 * 60
MAX_FAILURES = 10
LOCKOUT_S = 60  # the first lockout; each next one is twice as long
FAILURE_MEMORY_S = 3600  # wrong tokens remembered this long; the longest lockout
MAX_CLIENTS = 10_000  # failure records kept (the oldest client is forgotten first)
NAME = re.compile(r"^[\w .'-]{1,60}$")


@dataclass
class Session:
    """A logged-in counselor."""

    counselor: str
    created: float
    last_seen: float


class Sessions:
    """In-memory console sessions; thread-safe."""

    def __init__(self, token: str, clock=time.monotonic) -> None:
        if len(token) < 16:
            raise ValueError("the counselor token must be at least 16 characters")
        self._token = token.encode()
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent_failures(self, client: str, now: float) -> list[float]:
        failures = [t for t in self._failures.pop(client, []) if now - t < FAILURE_MEMORY_S]
        if failures:
            self._failures[client] = failures
            while len(self._failures) > MAX_CLIENTS:
                self._failures.pop(next(iter(self._failures)))
        return failures

    @staticmethod
    def _locked_for(failures: list[float], now: float) -> int:
        """Seconds left of the lockout the failures earn: LOCKOUT_S from the MAX_FAILURES-th, doubled per batch."""
        batches = len(failures) // MAX_FAILURES
        if not batches:
            return 0
        until = failures[batches * MAX_FAILURES - 1] + min(LOCKOUT_S * 2 ** (batches - 1), FAILURE_MEMORY_S)
        return max(0, int(until - now) + 1) if until > now else 0

    def wait(self, client: str = "") -> int:
        """Seconds before `client` may try to log in again (0 when it may)."""
        with self._lock:
            now = self._clock()
            return self._locked_for(self._recent_failures(client, now), now)

    def login(self, token: str, counselor: str, client: str = "") -> str | None:
        """A new session id when the token is right and a name was given, else None."""
        counselor = " ".join((counselor or "").split())
        with self._lock:
            now = self._clock()
            failures = self._recent_failures(client, now)
            if self._locked_for(failures, now):
                return None
            if not hmac.compare_digest((token or "").encode(), self._token) or not NAME.match(counselor):
                self._failures[client] = failures + [now]
                return None
            session_id = secrets.token_urlsafe(32)
            self._sessions[session_id] = Session(counselor, now, now)
            return session_id

    def counselor(self, session_id: str | None) -> str | None:
        """The counselor of a live session (and the session is touched), else None."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            now = self._clock()
            if session is None:
                return None
            if now - session.created > LIFETIME_S or now - session.last_seen > IDLE_S:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session.counselor

    def logout(self, session_id: str | None) -> None:
        """End a session (no error when there is none)."""
        with self._lock:
            self._sessions.pop(session_id or "", None)


def session_id_from(cookie_header: str | None) -> str | None:
    """The console session id from a Cookie header."""
    if not cookie_header:
        return None
    cookie = SimpleCookie()
    try:
        cookie.load(cookie_header)
    except Exception:
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel else None


def set_cookie(session_id: str) -> str:
    """The Set-Cookie value for a new session."""
    return f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_S}"


def clear_cookie() -> str:
    """The Set-Cookie value that removes the session cookie."""
    return f"{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
