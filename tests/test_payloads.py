"""Only the payloads the assistant offers keep their meaning; any other "/" message is read as text."""

import json

import pytest

from bot.clinical.criteria import CRITERIA
from bot.conversation.payloads import as_plain_text, change_payload, offered_intents, offered_payload
from bot.conversation.privacy import CONSENT_BUTTONS


def test_every_quick_reply_of_the_form_is_offered():
    payloads = ["/inform" + json.dumps({c.id: value}) for c in CRITERIA if c.asked for _, value in c.buttons]
    assert len(payloads) > 30 and all(offered_payload(p) for p in payloads)


def test_the_domain_consent_summary_and_widget_payloads_are_offered():
    assert {"affirm", "deny", "ask_human", "safe_now", "start_intake", "greet"} <= offered_intents()
    assert all(offered_payload(payload) for _, payload in CONSENT_BUTTONS)


@pytest.mark.parametrize("text, read_as", [
    ('/inform{"substances": {"a": 1}}', 'inform{"substances": {"a": 1}}'),  # a dict as a value crashed the intake
    ('/inform{"severity": "extreme"}', 'inform{"severity": "extreme"}'),  # not a value of the criterion
    ('/inform{"use_frequency": "daily"}', 'inform{"use_frequency": "daily"}'),  # never asked, never a button
    ('/inform{"severity": "mild", "home": "stable"}', 'inform{"severity": "mild", "home": "stable"}'),
    ("/restart", "restart"),
    ("/delete_data", "delete_data"),
    ("//", ""),
    ("/ i drink a lot", "i drink a lot"),
    ('/inform{"severity": "mild"}', '/inform{"severity": "mild"}'),
    ("/consent_given", "/consent_given"),
    ("I drink / smoke", "I drink / smoke"),
    ('/inform{"change_answer": "use_frequency"}', 'inform{"change_answer": "use_frequency"}'),  # never asked
    ('/inform{"change_answer": "severity", "home": "stable"}', 'inform{"change_answer": "severity", "home": "stable"}'),
])
def test_anything_else_starting_with_a_slash_is_plain_text(text, read_as):
    assert as_plain_text(text) == read_as


def test_the_summary_s_change_buttons_are_offered():
    assert all(offered_payload(change_payload(c.id)) for c in CRITERIA if c.asked)
    assert change_payload("withdrawal") == '/inform{"change_answer": "withdrawal"}'
