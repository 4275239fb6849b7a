"""Call-back requests: a way to reach the person, kept only with its own consent and only for the call.

The widget's call-back form posts a first name (optional), a phone number or an email, the best time
to call and a ticked consent box; `read_request` checks it and `save_request` stores it. The contact
details never enter the conversation, the intakes or any export; `erase_closed` blanks them once the
request has been closed for RETENTION_DAYS.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from bot.records.database import Records
from bot.records.redact import EMAIL
from bot.records.storage import now

RETENTION_DAYS = 30
CONSENT_VERSION = "2026-12-02.1"
CONSENT = (
    "I agree that the intake team keeps my first name (if I give it), this phone number or email and the best "
    "time to reach me, only to contact me about treatment. They are seen by the intake team alone, never "
    f"exported, and erased {RETENTION_DAYS} days after the call-back is closed, or at once if I say "
    "\"delete my information\" in the chat."
)
BEST_TIMES = {"any": "Any time", "morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}
NAME = re.compile(r"[^\W\d_]+(?:[ '\-.][^\W\d_]+)*")
CONVERSATION_ID = re.compile(r"[A-Za-z0-9_.-]{0,140}")
PHONE_CHARS = re.compile(r"\+?[\d\s().-]+")
MAX_NAME, MAX_EMAIL = 40, 254


@dataclass(frozen=True)
class CallbackRequest:
    """What a person left for a call back, checked."""

    conversation_id: str
    first_name: str
    contact: str
    contact_kind: str  # "phone" or "email"
    best_time: str  # a key of BEST_TIMES


def read_contact(text: str) -> tuple[str, str]:
    """(contact, kind) from a phone number (7 to 15 digits) or an email address; ValueError otherwise."""
    text = " ".join(str(text).split())
    if len(text) <= MAX_EMAIL and EMAIL.fullmatch(text):
        return text, "email"
    digits = re.sub(r"\D", "", text)
    if PHONE_CHARS.fullmatch(text) and 7 <= len(digits) <= 15:
        return ("+" if text.startswith("+") else "") + digits, "phone"
    raise ValueError("Please give a phone number (like 555 123 4567) or an email address.")


def read_request(body: dict) -> CallbackRequest:
    """The request in a posted form, checked; ValueError with a message for the person when it is not right."""
    if body.get("consent") is not True:
        raise ValueError("Please tick the box to agree that we keep these details for the call back.")
    first_name = " ".join(str(body.get("first_name") or "").split())
    if first_name and (len(first_name) > MAX_NAME or not NAME.fullmatch(first_name)):
        raise ValueError("Please give just a first name, in letters, or leave it empty.")
    contact, kind = read_contact(body.get("contact") or "")
    best_time = str(body.get("best_time") or "any")
    if best_time not in BEST_TIMES:
        raise ValueError("Please choose the best time to call.")
    conversation_id = str(body.get("conversation_id") or "")
    if not CONVERSATION_ID.fullmatch(conversation_id):
        raise ValueError("This chat's id is not valid; reload the page and try again.")
    return CallbackRequest(conversation_id, first_name, contact, kind, best_time)


def save_request(db: Records, request: CallbackRequest) -> int:
    """Store a checked request with the consent version it was given under; returns its id."""
    row = {**asdict(request), "consent_version": CONSENT_VERSION, "created_at": now(), "erased_at": None}
    return db.insert("callbacks", row)


def get_request(db: Records, callback_id: int) -> dict | None:
    """One stored request, or None (the table exists: the web app creates it when it starts)."""
    rows = db.rows("callbacks", "id = ?", [callback_id])
    return rows[0] if rows else None


def erase_closed(db: Records, closed: str, today: datetime | None = None) -> int:
    """Blank the contact details of requests closed more than RETENTION_DAYS ago, in one UPDATE: `closed` is a
    query of (id, closed_at) for the closed requests, closed_at ISO 8601 UTC as storage.now writes it, so the
    dates are compared in SQL. Returns how many were erased."""
    limit = ((today or datetime.now(timezone.utc)) - timedelta(days=RETENTION_DAYS)).isoformat(timespec="seconds")
    cursor = db.execute(
        "update callbacks set first_name = '', contact = '', erased_at = :now where erased_at is null and id in "
        f"(select id from ({closed}) as closed where closed_at < :limit)", {"now": now(), "limit": limit})
    return cursor.rowcount
