"""The quick-reply payloads the assistant offers. A message starting with "/" is parsed by Rasa as an
intent with entities, which would let anyone set any slot ("/inform{"substances": {...}}"); only the
payloads below keep that meaning, and anything else starting with "/" is read as plain text."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml

from bot import ROOT
from bot.clinical.criteria import BY_ID
from bot.conversation.privacy import CONSENT_BUTTONS

DOMAIN = ROOT / "domain.yml"
WIDGET_OPENING = "greet"  # the widget says "/greet" when it opens
CHANGE_ENTITY = "change_answer"  # the entity of a summary button naming the answer to ask again
RECOMMENDATION_BUTTONS = ("affirm", "deny")  # actions/recommendation.py: the summary's confirmation


@lru_cache(maxsize=1)
def offered_intents(domain: Path = DOMAIN) -> frozenset[str]:
    """Every intent a button of the assistant sends: the domain's buttons, consent, the summary, the widget."""
    responses = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("responses") or {}
    payloads = (str(button.get("payload") or "") for variants in responses.values() for variant in variants or []
                for button in (variant or {}).get("buttons") or [])
    from_domain = {payload[1:] for payload in payloads if payload.startswith("/") and payload[1:].isidentifier()}
    consent = {payload.lstrip("/") for _, payload in CONSENT_BUTTONS}
    return frozenset(from_domain | consent | set(RECOMMENDATION_BUTTONS) | {WIDGET_OPENING})


def change_payload(criterion_id: str) -> str:
    """The quick reply that asks to change one answer at the summary (read by the form: bot.conversation.form)."""
    return "/inform" + json.dumps({CHANGE_ENTITY: criterion_id})


def payload_parts(text: str) -> tuple[str, dict | None]:
    """The intent and entities of a "/intent{json}" message: None without braces, {} when they are no JSON."""
    name, brace, rest = text[1:].partition("{")
    if not brace:
        return name, None
    try:
        return name, json.loads("{" + rest)
    except ValueError:
        return name, {}


def offered_payload(text: str) -> bool:
    """True for a payload the assistant offers: an offered intent, "/inform" with one asked criterion and a
    value it accepts (the form's quick replies), or "/inform" naming an asked criterion to change."""
    if not text.startswith("/"):
        return False
    name, values = payload_parts(text)
    if values is None:
        return name in offered_intents()
    if name != "inform":
        return False
    if list(values) == [CHANGE_ENTITY]:
        return values[CHANGE_ENTITY] in BY_ID and BY_ID[values[CHANGE_ENTITY]].asked
    return len(values) == 1 and all(
        key in BY_ID and BY_ID[key].asked and BY_ID[key].accepts(value) for key, value in values.items())


def as_plain_text(text: str) -> str:
    """The message as Rasa should read it: an offered payload unchanged, any other leading "/" dropped."""
    return text if not text.startswith("/") or offered_payload(text) else text.lstrip("/").strip()
