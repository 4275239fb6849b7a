"""What the counselor console shows beside its chat pane, and its what-if control. Pure functions.

`tracker_view` turns a Rasa tracker (the JSON of GET /conversations/{id}/tracker) into a view
model: the last intent and its confidence, the entities with their extractor and the text they
matched, every criterion with its value and the user message that set it, grouped by ASAM
dimension, the requested criterion, and the recommendation (the one sent, or one computed from
the slots with the same placement module, marked provisional). `what_if` places the same answers
with one criterion changed and says what differs. Nothing here stores anything.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot.clinical.criteria import ASAM_DIMENSIONS, BY_ID, CRITERIA, UNKNOWN
from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.conversation.payloads import payload_parts
from bot.conversation.privacy import CONSENT_SLOT, GIVEN


def tracker_view(tracker: Mapping[str, Any]) -> dict:
    """The inspector's view model of one conversation."""
    events = tracker.get("events") or []
    slots = tracker.get("slots") or {}
    last_user = next((event for event in reversed(events) if event.get("event") == "user"), None)
    origins = slot_origins(events)
    sent: dict | None = None
    for event in events:
        kind = event.get("event")
        if kind in ("restart", "reset_slots"):
            sent = None
        elif kind == "bot":
            custom = (event.get("data") or {}).get("custom")
            if isinstance(custom, dict) and custom.get("type") == "recommendation":
                sent = custom

    criteria = [_criterion_row(c, slots.get(c.id), origins.get(c.id)) for c in CRITERIA]
    answers = {c.id: slots[c.id] for c in CRITERIA if slots.get(c.id) is not None}
    if sent is not None:
        recommendation, status = sent, "sent"
    elif any(value != UNKNOWN for value in answers.values()):
        recommendation, status = recommend_level(make_intake(answers)).to_payload(), "provisional"
    else:
        recommendation, status = None, "none"
    return {
        "conversation_id": tracker.get("sender_id"),
        "intent": _intent(last_user),
        "entities": _entities(last_user),
        "criteria": criteria,
        "dimensions": group_by_dimension(criteria),
        "requested_slot": slots.get("requested_slot"),
        "requested_label": _label(slots.get("requested_slot")),
        "consent": slots.get(CONSENT_SLOT),
        "active_loop": (tracker.get("active_loop") or {}).get("name"),
        "in_crisis": bool(slots.get("in_crisis")),
        "answers": answers,
        "recommendation": recommendation,
        "recommendation_status": status,
    }


def slot_origins(events: list[Mapping[str, Any]]) -> dict[str, str | None]:
    """For each criterion, the person's message that last set it (as shown: a button as its label)."""
    origins: dict[str, str | None] = {}
    last_user: Mapping[str, Any] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            last_user = event
        elif kind in ("restart", "reset_slots"):
            origins.clear()
        elif kind == "slot" and event.get("name") in BY_ID:
            origins[event["name"]] = shown_text(last_user.get("text")) if last_user else None
    return origins


def shown_text(text: object) -> str:
    """A message as the person saw it: a quick reply ("/inform{...}") as the answer it gave."""
    text = str(text or "")
    if not text.startswith("/"):
        return text
    name, values = payload_parts(text)
    if name == "inform" and values:
        return "[button] " + "; ".join(BY_ID[k].describe(v) if k in BY_ID else str(v) for k, v in values.items())
    return f"[button] {name.replace('_', ' ')}"


def conversation_record(tracker: Mapping[str, Any]) -> dict:
    """A stored conversation for the intake view: each criterion's message in the person's own words, and the
    transcript (person and assistant, in order, with times); empty when the conversation was not stored."""
    if (tracker.get("slots") or {}).get(CONSENT_SLOT) != GIVEN:
        return {"stored": False, "own_words": {}, "transcript": []}
    events = tracker.get("events") or []
    transcript = [{"who": "person" if event["event"] == "user" else "assistant",
                   "text": shown_text(event.get("text")) if event["event"] == "user" else event.get("text") or "",
                   "time": event.get("timestamp")}
                  for event in events if event.get("event") in ("user", "bot") and (event.get("text") or "").strip()]
    return {"stored": True, "own_words": {k: v for k, v in slot_origins(events).items() if v},
            "transcript": transcript}


def _label(slot: str | None) -> str | None:
    """What a requested slot asks about, in words."""
    if slot == CONSENT_SLOT:
        return "Consent to store the answers"
    return BY_ID[slot].label if slot in BY_ID else slot


def _criterion_row(criterion, value: object, message: str | None) -> dict:
    return {
        "id": criterion.id,
        "label": criterion.label,
        "dimension": criterion.dimension,
        "value": value,
        "described": criterion.describe(value),
        "message": message if value is not None else None,
        "values": list(criterion.values),
        "numeric": criterion.numeric,
        "multiple": criterion.multiple,
    }


def group_by_dimension(criteria: list[dict]) -> list[dict]:
    """The criterion rows under the six ASAM dimensions, in order (a dimension may have none)."""
    return [
        {"dimension": number, "name": name, "criteria": [row for row in criteria if row["dimension"] == number]}
        for number, name in ASAM_DIMENSIONS.items()
    ]


def _intent(user_event: Mapping[str, Any] | None) -> dict | None:
    if not user_event:
        return None
    parse = user_event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    selector = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    return {
        "name": intent.get("name"),
        "confidence": intent.get("confidence"),
        "faq_topic": selector.get("intent_response_key"),
        "faq_confidence": selector.get("confidence"),
        "text": user_event.get("text"),
    }


def _entities(user_event: Mapping[str, Any] | None) -> list[dict]:
    if not user_event:
        return []
    parse = user_event.get("parse_data") or {}
    text = parse.get("text") or user_event.get("text") or ""
    rows = []
    for entity in parse.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        matched = text[start:end] if isinstance(start, int) and isinstance(end, int) else None
        rows.append({"entity": entity.get("entity"), "value": entity.get("value"),
                     "extractor": entity.get("extractor"), "matched": matched})
    return rows


def coerce_value(criterion_id: str, value: object) -> object:
    """A what-if value in the form the criterion stores it (hours as a number, substances as a list).

    Raises ValueError when the value is not one the criterion accepts."""
    criterion = BY_ID[criterion_id]
    if value in (None, ""):
        return None
    if criterion.numeric and value != UNKNOWN:
        try:
            value = int(value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{criterion_id} needs a number of hours") from error
    if criterion.multiple and value != UNKNOWN and not isinstance(value, (list, tuple)):
        value = [value]
    if not criterion.accepts(tuple(value) if isinstance(value, list) else value):
        raise ValueError(f"{value!r} is not a value of {criterion_id}")
    return value


def what_if(answers: Mapping[str, object], criterion_id: str, value: object) -> dict:
    """The recommendation for `answers` and for `answers` with one criterion changed, and what differs."""
    if criterion_id not in BY_ID:
        raise KeyError(criterion_id)
    changed = {key: val for key, val in answers.items() if key in BY_ID}
    new_value = coerce_value(criterion_id, value)
    if new_value is None:
        changed.pop(criterion_id, None)
    else:
        changed[criterion_id] = new_value
    before = recommend_level(make_intake({k: v for k, v in answers.items() if k in BY_ID})).to_payload()
    after = recommend_level(make_intake(changed)).to_payload()
    return {"criterion": criterion_id, "from": answers.get(criterion_id), "to": new_value,
            "before": before, "after": after, "differences": differences(before, after)}


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict:
    """What changed between two recommendation payloads: level, track, review, reasons, missing answers."""
    def reason_key(reason: Mapping[str, Any]) -> str:
        return f"{reason['rule']}: {reason['explanation']}"

    before_reasons = {reason_key(r): r for r in before.get("reasons", [])}
    after_reasons = {reason_key(r): r for r in after.get("reasons", [])}
    changes = {field: {"before": before.get(field), "after": after.get(field)}
               for field in ("level", "track", "review") if before.get(field) != after.get(field)}
    return {
        "changed": changes,
        "reasons_added": [after_reasons[k] for k in after_reasons if k not in before_reasons],
        "reasons_removed": [before_reasons[k] for k in before_reasons if k not in after_reasons],
        "missing_added": [m for m in after.get("missing", []) if m not in before.get("missing", [])],
        "missing_removed": [m for m in before.get("missing", []) if m not in after.get("missing", [])],
    }
