"""What may be kept about a conversation: the person's consent and the version of its wording.

A conversation is written to the databases only after the person agrees to it. Without consent
(declined, or not yet answered) it lives in memory for the chat only; after a refusal, safety events
are kept without the conversation id. "Delete my information" erases everything kept about a conversation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CONSENT_SLOT = "consent"
GIVEN = "given"
DECLINED = "declined"
# Bump the version whenever the consent wording changes (tests/test_privacy.py checks the digest).
CONSENT_VERSION = "2026-12-02.1"
CONSENT_QUESTION = (
    "Before we start: may I store your answers and my suggestion, so our intake team has them if you contact us "
    "or ask for a call back? They are kept confidential and without your name or contact details (a call back "
    "asks for those separately, with its own consent). Say \"delete my information\" at any time to erase them. "
    "If you'd rather I store nothing, we can still go through the questions and you can ask me anything; it just "
    "won't be saved."
)
CONSENT_BUTTONS = (("Yes, you may store them", "/consent_given"), ("No, don't store anything", "/consent_declined"))
GREETING_RESPONSE = "utter_greet"  # in domain.yml: says nothing is stored without consent
CONSENT_WORDING_SHA256 = "37218bd8978302285c5158462154dd3c2afcff6a113e2e4271e5dfcc29b15fd7"
ERASE_RESPONSE = "utter_data_deleted"
ANONYMOUS = ""


def may_store(consent: object) -> bool:
    """True only when the person agreed to their answers being stored."""
    return consent == GIVEN


def stored_conversation_id(conversation_id: str, consent: object) -> str:
    """The conversation id to keep with a safety event: anonymous once the person declined."""
    return ANONYMOUS if consent == DECLINED else conversation_id


def wording_digest(greeting: str, question: str = CONSENT_QUESTION) -> str:
    """A digest of the consent wording (greeting and question), so a change forces a new version."""
    return hashlib.sha256("\n".join(" ".join(t.split()) for t in (greeting, question)).encode()).hexdigest()


GIVE_UP_AFTER = 2  # unclear replies to the consent question before storing nothing
NOTED = {
    GIVEN: "Thank you, I'll keep your answers confidential. Say \"delete my information\" at any time to erase them.",
    DECLINED: "Understood: I won't store anything from this conversation. Let's go on; your answers stay in this chat.",
}
NOT_STORED = "As you asked, none of this has been stored."
NO_ANSWER = "I'll take that as a no, so nothing will be stored. You can say \"you can store my answers\" later."


@dataclass(frozen=True)
class ConsentAnswer:
    """The outcome of a reply about consent: the consent, the re-ask counter and what to say."""

    consent: str | None
    unclear_turns: int = 0
    message: str | None = None


def read_consent(consent: str | None, asked: bool, unclear_turns: int = 0) -> ConsentAnswer:
    """A reply to the consent question (`asked`) or a change of mind later; unclear twice means no."""
    if consent in (GIVEN, DECLINED):
        return ConsentAnswer(consent, 0, None if asked else NOTED[consent])
    if not asked:
        return ConsentAnswer(None, unclear_turns)
    if unclear_turns + 1 >= GIVE_UP_AFTER:
        return ConsentAnswer(DECLINED, 0, NO_ANSWER)
    return ConsentAnswer(None, unclear_turns + 1)
