"""Keyed pseudonyms: what the console shows, searches, exports and audits instead of a conversation or intake id.

A reference is "C-" and the first 10 hex digits of HMAC-SHA256 over the conversation id, with a key of its own
(`reference_key` in var/secrets.json, or $INTAKE_REFERENCE_KEY). Without the key nobody can compute a
conversation's reference from its id, so an id seen elsewhere (a log, a browser) does not find its row in an
export or the audit log. The key is not the session key (bot.app.sessions): that one may change; references must
stay the same for as long as the records are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from functools import lru_cache

KEY_ENV = "INTAKE_REFERENCE_KEY"
PREFIX = "C-"
DIGITS = 10
# Audit targets kept as they are: a word or two (queue, intakes, console, a criterion id), a queue item's number,
# or a reference already. Anything else (a conversation or an intake id) is replaced by its reference.
PLAIN_TARGET = re.compile(rf"[a-z_ ]{{1,40}}|\d{{1,12}}|{PREFIX}[0-9a-f]{{{DIGITS}}}")


@lru_cache(maxsize=1)
def reference_key() -> bytes:
    """$INTAKE_REFERENCE_KEY, else `reference_key` in var/secrets.json (created there on first use)."""
    from_env = os.environ.get(KEY_ENV, "").strip()
    if from_env:
        return from_env.encode()
    from bot.records import tokens
    return tokens.ensure_secrets(tokens.SECRETS_FILE)["reference_key"].encode()


def reference(conversation_id: str, key: bytes | None = None) -> str:
    """A conversation's short pseudonymous reference ("" for no conversation)."""
    if not conversation_id:
        return ""
    digest = hmac.new(key or reference_key(), conversation_id.encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def conversation_of(intake_id: str) -> str:
    """The conversation part of an intake id ("<conversation id>:<when it started>")."""
    return intake_id.rsplit(":", 1)[0] if ":" in intake_id else intake_id


def audit_target(target: str, key: bytes | None = None) -> str:
    """What an audit row keeps as its target: plain words and numbers as they are, the reference of the
    conversation for a conversation or intake id (never the id itself)."""
    target = target or ""
    if not target or PLAIN_TARGET.fullmatch(target):
        return target
    return reference(conversation_of(target), key)

