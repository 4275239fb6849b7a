"""Conversation ids the server issues: 144 random bits and an HMAC signature over them. Only a client that
was given an id can use it; a made-up, guessed or altered id is refused by the channels."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache

KEY_ENV = "INTAKE_SESSION_KEY"  # set by bot.app.launcher from var/secrets.json; random per process otherwise
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def session_key() -> bytes:
    """The signing key: $INTAKE_SESSION_KEY, else a random one for this process."""
    return (os.environ.get(KEY_ENV) or secrets.token_urlsafe(32)).encode()


def signature(random_part: str, key: bytes) -> str:
    """The id's signature: HMAC-SHA256 over its random part, 144 bits of it, URL-safe."""
    digest = hmac.new(key, random_part.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


PURPOSES = {"console": "console-"}  # the counselor console's test chats carry a prefix its inspector checks


def new_session_id(key: bytes | None = None, purpose: str | None = None) -> str:
    """A new conversation id: "[prefix]<144 random bits>.<signature>" (the prefix of a known purpose)."""
    random_part = PURPOSES.get(purpose or "", "") + secrets.token_urlsafe(18)
    return f"{random_part}.{signature(random_part, key or session_key())}"


def is_issued(session_id: object, key: bytes | None = None) -> bool:
    """True when the id was issued by a server holding the key."""
    if not isinstance(session_id, str) or len(session_id) > MAX_LENGTH:
        return False
    random_part, dot, given = session_id.rpartition(".")
    return bool(dot) and len(random_part) >= 24 and hmac.compare_digest(given, signature(random_part,
                                                                                          key or session_key()))
