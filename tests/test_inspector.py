"""The console inspector's view model (tracker JSON -> what the counselor sees) and the what-if control."""

import pytest

from bot.clinical.criteria import CRITERIA
from bot.web.inspector import coerce_value, conversation_record, tracker_view, what_if


def user(text, intent="inform", confidence=0.9, entities=()):
    return {"event": "user", "text": text,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "entities": list(entities)}}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def fact(entity, value, text, matched):
    start = text.index(matched)
    return {"entity": entity, "value": value, "start": start, "end": start + len(matched),
            "extractor": "IntakeFactExtractor"}


PACKED = "I got out of rehab two weeks ago and my wife has my back"
TRACKER = {
    "sender_id": "console-abc",
    "slots": {"recent_treatment": "residential_discharge", "support": "strong", "severity": "moderate",
              "requested_slot": "withdrawal", "in_crisis": False},
    "active_loop": {"name": "intake_form"},
    "events": [
        {"event": "action", "name": "action_session_start"},
        user("hi", "greet", 0.98),
        {"event": "bot", "text": "Hi, I'm an intake assistant", "data": {}},
        user(PACKED, entities=[fact("recent_treatment", "residential_discharge", PACKED, "out of rehab"),
                               fact("support", "strong", PACKED, "my wife has my back")]),
        slot("recent_treatment", "residential_discharge"),
        slot("support", "strong"),
        user("moderate", confidence=0.61),
        slot("severity", "moderate"),
        slot("requested_slot", "withdrawal"),
    ],
}


def test_last_intent_and_confidence():
    view = tracker_view(TRACKER)
    assert view["intent"]["name"] == "inform"
    assert view["intent"]["confidence"] == pytest.approx(0.61)


def test_entities_carry_extractor_and_matched_text():
    tracker = {**TRACKER, "events": TRACKER["events"][:6]}
    entities = tracker_view(tracker)["entities"]
    assert {(e["entity"], e["matched"], e["extractor"]) for e in entities} == {
        ("recent_treatment", "out of rehab", "IntakeFactExtractor"),
        ("support", "my wife has my back", "IntakeFactExtractor"),
    }


def test_every_criterion_with_value_and_the_message_that_set_it():
    view = tracker_view(TRACKER)
    rows = {row["id"]: row for row in view["criteria"]}
    assert len(rows) == len(CRITERIA)
    assert rows["recent_treatment"]["message"] == PACKED
    assert rows["support"]["message"] == PACKED
    assert rows["severity"]["message"] == "moderate"
    assert rows["home"]["value"] is None and rows["home"]["message"] is None
    assert view["requested_slot"] == "withdrawal" and view["requested_label"] == "Withdrawal"


def test_criteria_grouped_by_the_six_asam_dimensions():
    dimensions = tracker_view(TRACKER)["dimensions"]
    assert [d["dimension"] for d in dimensions] == [1, 2, 3, 4, 5, 6]
    by_number = {d["dimension"]: [c["id"] for c in d["criteria"]] for d in dimensions}
    assert "withdrawal" in by_number[1] and "mental_health" in by_number[3] and "home" in by_number[6]
    assert sum(len(ids) for ids in by_number.values()) == len(CRITERIA)


def test_provisional_recommendation_from_the_slots_before_one_is_sent():
    view = tracker_view(TRACKER)
    assert view["recommendation_status"] == "provisional"
    assert view["recommendation"]["level"] == "iop"
    assert view["recommendation"]["reasons"] and view["recommendation"]["sources"]


def test_the_sent_recommendation_wins():
    sent = {"type": "recommendation", "level": "op", "reasons": [], "sources": ["000"]}
    tracker = {**TRACKER, "events": TRACKER["events"] + [{"event": "bot", "text": "OP", "data": {"custom": sent}}]}
    view = tracker_view(tracker)
    assert view["recommendation_status"] == "sent" and view["recommendation"]["level"] == "op"


def test_restart_forgets_origins_and_the_sent_recommendation():
    sent = {"type": "recommendation", "level": "op"}
    tracker = {"sender_id": "x", "slots": {}, "events": TRACKER["events"] + [
        {"event": "bot", "data": {"custom": sent}}, {"event": "restart"}]}
    view = tracker_view(tracker)
    assert view["recommendation"] is None and view["recommendation_status"] == "none"
    assert all(row["message"] is None for row in view["criteria"])


def test_an_empty_tracker():
    view = tracker_view({"sender_id": "x", "slots": {}, "events": []})
    assert view["intent"] is None and view["entities"] == [] and view["recommendation"] is None


ANSWERS = {"substances": ["alcohol"], "severity": "mild", "withdrawal": "none", "home": "stable",
           "support": "strong", "relapse": "none", "recent_treatment": "none", "mental_health": "no"}


def test_what_if_shows_the_level_and_reasons_that_change():
    result = what_if(ANSWERS, "severity", "moderate")
    assert result["before"]["level"] == "op" and result["after"]["level"] == "iop"
    assert result["differences"]["changed"]["level"] == {"before": "op", "after": "iop"}
    assert result["differences"]["reasons_added"]
    assert result["differences"]["reasons_removed"]
    assert ANSWERS["severity"] == "mild"  # the answers passed in are not changed


def test_what_if_with_no_change_reports_none():
    result = what_if(ANSWERS, "severity", "mild")
    assert result["differences"]["changed"] == {}
    assert not result["differences"]["reasons_added"] and not result["differences"]["reasons_removed"]


def test_what_if_can_remove_an_answer():
    result = what_if(ANSWERS, "severity", "")
    assert result["to"] is None and "severity" in result["after"]["missing"]


def test_what_if_values_are_checked_and_coerced():
    assert coerce_value("hours_available", "12") == 12
    assert coerce_value("substances", "opioids") == ["opioids"]
    assert coerce_value("severity", "unknown") == "unknown"
    with pytest.raises(ValueError):
        coerce_value("severity", "extreme")
    with pytest.raises(ValueError):
        coerce_value("hours_available", "lots")
    with pytest.raises(KeyError):
        what_if(ANSWERS, "favourite_colour", "blue")


def test_a_conversation_record_only_for_a_stored_conversation():
    assert conversation_record(TRACKER) == {"stored": False, "own_words": {}, "transcript": []}
    record = conversation_record({**TRACKER, "slots": {**TRACKER["slots"], "consent": "given"}})
    assert record["own_words"] == {"recent_treatment": PACKED, "support": PACKED, "severity": "moderate"}
    assert [line["who"] for line in record["transcript"]] == ["person", "assistant", "person", "person"]
