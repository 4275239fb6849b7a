"""Call-back requests: what the form accepts, what is stored, and when contact details are erased."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.records import callbacks
from bot.records.storage import open_db
from tests.backends import records_at  # noqa: F401  (a fixture: SQLite, then PostgreSQL)

GOOD = {"conversation_id": "conv-1", "first_name": "Ana María", "contact": "+1 (555) 201-3344", "best_time": "evening",
        "consent": True}


def test_a_phone_number_in_any_common_shape_or_an_email_is_accepted():
    for text, expected in (("(555) 201-3344", "5552013344"), ("555.201.3344", "5552013344"),
                           ("+44 20 7946 0958", "+442079460958"), ("  ana@example.org ", "ana@example.org")):
        assert callbacks.read_contact(text)[0] == expected
    assert callbacks.read_contact("ana@example.org")[1] == "email"


@pytest.mark.parametrize("contact", ["", "call me", "12345", "555-CALL-NOW", "1" * 16, "ana@", "<script>@x.y"])
def test_anything_else_as_contact_is_refused_with_a_sentence(contact):
    with pytest.raises(ValueError, match="phone number"):
        callbacks.read_contact(contact)


def test_a_request_needs_its_own_ticked_consent():
    assert callbacks.read_request(GOOD).first_name == "Ana María"
    for consent in (False, "yes", None, 1):
        with pytest.raises(ValueError, match="tick the box"):
            callbacks.read_request({**GOOD, "consent": consent})


@pytest.mark.parametrize("field, value", [("first_name", "Ana 2"), ("first_name", "x" * 41),
                                          ("best_time", "midnight"), ("conversation_id", "../../etc")])
def test_wrong_fields_are_refused(field, value):
    with pytest.raises(ValueError):
        callbacks.read_request({**GOOD, field: value})


def test_a_request_is_stored_with_its_consent_version_and_erased_after_the_retention(records_at):  # noqa: F811
    db = open_db(records_at)
    callback_id = callbacks.save_request(db, callbacks.read_request(GOOD))
    row = callbacks.get_request(db, callback_id)
    assert row["contact"] == "+15552013344" and row["consent_version"] == callbacks.CONSENT_VERSION
    today = datetime.now(timezone.utc)
    recently = (today - timedelta(days=callbacks.RETENTION_DAYS - 1)).isoformat(timespec="seconds")
    closed = "select {} as id, '{}' as closed_at"
    assert callbacks.erase_closed(db, closed.format(callback_id, recently)) == 0
    long_ago = (today - timedelta(days=callbacks.RETENTION_DAYS + 1)).isoformat(timespec="seconds")
    assert callbacks.erase_closed(db, closed.format(callback_id, long_ago)) == 1
    row = callbacks.get_request(db, callback_id)
    assert row["contact"] == "" and row["first_name"] == "" and row["erased_at"]
