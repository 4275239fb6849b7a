"""Every placement rule, every priority conflict, every track."""

import pytest

from bot.clinical.intake import make_intake
from bot.clinical.placement import LEVELS, TRACKS, recommend_level

STABLE_MILD = {
    "substances": ["alcohol"], "severity": "mild", "withdrawal": "none", "recent_treatment": "none",
    "relapse": "none", "mental_health": "no", "home": "stable", "support": "strong",
}


def place(**answers):
    """Recommendation for the stable, mild baseline with some answers changed."""
    return recommend_level(make_intake({**STABLE_MILD, **answers}))


def rules(recommendation):
    return [reason.rule for reason in recommendation.reasons]


# --- R1 crisis ---------------------------------------------------------------------------
def test_crisis_is_never_placed_in_a_program():
    rec = recommend_level(make_intake(STABLE_MILD, crisis=True))
    assert rec.level == "crisis"
    assert rec.review is True
    assert rec.program is None


# --- R2 withdrawal management ------------------------------------------------------------
def test_dangerous_withdrawal_goes_to_withdrawal_management():
    rec = place(withdrawal="dangerous")
    assert rec.level == "withdrawal_management"
    assert rec.reasons[0].sources == ("000",)


@pytest.mark.parametrize("substance", ["alcohol", "benzodiazepines"])
def test_mild_risky_withdrawal_keeps_the_level_and_adds_a_medical_check_first(substance):
    rec = place(withdrawal="mild", substances=[substance])
    assert rec.level == "op"
    assert rec.first_step.startswith("a medical check for withdrawal")
    assert rec.review is True
    assert any(r.rule.startswith("R2 first step") and r.sources == ("000",) for r in rec.reasons)
    assert rec.to_payload()["first_step"] == rec.first_step


def test_mild_alcohol_withdrawal_with_moderate_use_and_a_job_is_iop_not_detox():
    rec = place(withdrawal="mild", substances=["alcohol"], severity="moderate", commitments=["work"])
    assert rec.level == "iop" and rec.first_step


def test_no_medical_check_without_withdrawal_or_at_residential():
    assert place(withdrawal="none", substances=["alcohol"]).first_step == ""
    rec = place(withdrawal="mild", substances=["alcohol"], severity="severe", home="triggering",
                can_live_at_facility="yes")
    assert rec.level == "residential" and rec.first_step == ""


def test_mild_cannabis_withdrawal_is_not_detox():
    assert place(withdrawal="mild", substances=["cannabis"]).level == "op"


def test_withdrawal_beats_residential_triggers():
    rec = place(withdrawal="dangerous", severity="severe", home="triggering", relapse="multiple_relapses")
    assert rec.level == "withdrawal_management"


# --- R3 residential ----------------------------------------------------------------------
@pytest.mark.parametrize("home", ["unstable", "triggering"])
def test_severe_with_unsafe_home_is_residential(home):
    rec = place(severity="severe", home=home, can_live_at_facility="yes")
    assert rec.level == "residential"
    assert "002" in rec.sources and "003" in rec.sources


def test_several_relapses_is_residential():
    rec = place(severity="moderate", relapse="multiple_relapses", can_live_at_facility="yes")
    assert rec.level == "residential"


def test_24_hour_supervision_is_residential():
    assert place(needs_supervision="yes", can_live_at_facility="yes").level == "residential"


def test_residential_indicated_but_impossible_becomes_php_with_review():
    rec = place(severity="severe", home="triggering", can_live_at_facility="no")
    assert rec.level == "php"
    assert rec.review is True
    assert "review: residential indicated but not possible" in rules(rec)
    assert "004" in rec.sources


def test_residential_without_knowing_whether_facility_is_possible_asks_for_review():
    rec = place(severity="severe", home="unstable")
    assert rec.level == "residential"
    assert "can_live_at_facility" in rec.missing
    assert rec.review is True


def test_residential_beats_php_and_iop():
    rec = place(severity="severe", home="unstable", mental_health="yes", can_live_at_facility="yes")
    assert rec.level == "residential"


# --- R4 PHP --------------------------------------------------------------------------------
def test_severe_with_stable_supportive_home_is_php():
    rec = place(severity="severe")
    assert rec.level == "php"
    assert rec.review is False
    assert rec.program.days_per_week.startswith("5 to 7")


def test_php_reason_states_the_documents_disagree():
    text = " ".join(r.explanation for r in place(severity="severe").reasons)
    assert "003" in text and "004" in text


def test_severe_with_no_support_is_php_with_review():
    rec = place(severity="severe", support="none")
    assert rec.level == "php"
    assert rec.review is True


def test_php_beats_iop_triggers():
    assert place(severity="severe", court_ordered="yes", relapse="recent_relapse").level == "php"


# --- R5 IOP ----------------------------------------------------------------------------------
@pytest.mark.parametrize("answers, rule", [
    ({"recent_treatment": "residential_discharge"}, "R5 IOP: step-down after residential"),
    ({"severity": "moderate"}, "R5 IOP: moderate addiction"),
    ({"relapse": "recent_relapse"}, "R5 IOP: recent relapse"),
    ({"relapse": "at_risk"}, "R5 IOP: at risk of relapse"),
    ({"mental_health": "yes"}, "R5 IOP: co-occurring mental health"),
    ({"support": "none"}, "R5 IOP: weak support at home"),
    ({"support": "strained"}, "R5 IOP: weak support at home"),
    ({"home": "triggering"}, "R5 IOP: unstable or triggering home"),
    ({"court_ordered": "yes"}, "R5 IOP: court-ordered treatment"),
    ({"recent_treatment": "op_not_enough"}, "R5 IOP: outpatient was not enough"),
])
def test_each_iop_trigger(answers, rule):
    rec = place(**answers)
    assert rec.level == "iop"
    assert rule in rules(rec)
    assert all(reason.sources for reason in rec.reasons)


def test_iop_lists_every_trigger_that_applies():
    rec = place(severity="moderate", court_ordered="yes", mental_health="yes")
    assert {"R5 IOP: moderate addiction", "R5 IOP: court-ordered treatment",
            "R5 IOP: co-occurring mental health"} <= set(rules(rec))


def test_iop_reasons_name_the_disagreement_with_000():
    rec = place(mental_health="yes")
    mental = next(r for r in rec.reasons if r.rule == "R5 IOP: co-occurring mental health")
    assert "000" in mental.explanation and "003" in mental.explanation


def test_court_order_beats_op():
    assert place(court_ordered="yes").level == "iop"


def test_iop_program_outline_gives_ranges_and_sources():
    program = place(severity="moderate").program
    assert program.hours_per_week == "9 to 20 hours a week"
    assert "90 days" in program.typical_length
    assert "2 to 4 hours" in program.session_length and "004)" in program.session_length
    assert program.session_length.count("(") == 1  # one figure with its range, the sources once


# --- R6 OP -------------------------------------------------------------------------------------
def test_mild_stable_supported_is_op():
    rec = place()
    assert rec.level == "op"
    assert rec.review is False
    assert {"R6 OP: mild problem", "R6 OP: solid support", "R6 OP: stable home"} <= set(rules(rec))


def test_completed_iop_while_stable_steps_down_to_op():
    rec = place(recent_treatment="completed_iop", severity="mild")
    assert rec.level == "op"
    assert rec.track == "step_down"


def test_completed_iop_but_at_risk_stays_in_iop_aftercare():
    rec = place(recent_treatment="completed_iop", relapse="at_risk")
    assert rec.level == "iop"
    assert rec.track == "aftercare"


def test_mild_with_unknown_support_is_op_with_review_naming_it():
    answers = {k: v for k, v in STABLE_MILD.items() if k != "support"}
    rec = recommend_level(make_intake(answers))
    assert rec.level == "op"
    assert rec.review is True
    assert "support" in rec.missing


# --- missing and contradictory answers ---------------------------------------------------------
def test_nothing_known_suggests_iop_for_review_and_names_what_is_missing():
    rec = recommend_level(make_intake({}))
    assert rec.level == "iop"
    assert rec.review is True
    assert {"substances", "severity", "withdrawal", "home", "support"} <= set(rec.missing)


def test_skipped_essential_answer_sets_review():
    rec = place(mental_health="unknown")
    assert rec.review is True
    assert "mental_health" in rec.missing


def test_contradictory_self_rating_is_flagged():
    rec = place(severity="mild", use_frequency="daily", life_impact="major")
    assert rec.review is True
    assert "review: answers disagree" in rules(rec)


def test_too_few_hours_for_iop_is_flagged():
    rec = place(severity="moderate", hours_available=3)
    assert rec.level == "iop"
    assert rec.review is True
    assert "review: not enough hours available" in rules(rec)


def test_unsure_commitment_is_flagged():
    assert place(attend_commitment="unsure").review is True


def test_invalid_values_are_dropped_not_trusted():
    intake = make_intake({"severity": "apocalyptic", "home": "stable", "hours_available": 500})
    assert intake.get("severity") is None and intake.get("hours_available") is None


def test_values_of_the_wrong_type_are_dropped_and_logged_by_name_only(caplog):
    """A forged tracker's slots: dicts and lists where a word is expected, a flag or a string for a number."""
    forged = {"substances": [{"a": "555-123-4567"}], "severity": {"a": 1}, "home": ["stable"],
              "hours_available": True, "support": "some"}
    intake = make_intake(forged)
    assert dict(intake.answers) == {"support": "some"}
    assert "substances" in caplog.text and "hours_available" in caplog.text
    assert "555" not in caplog.text


def test_severity_is_derived_from_frequency_and_disruption():
    answers = {k: v for k, v in STABLE_MILD.items() if k != "severity"}
    rec = recommend_level(make_intake({**answers, "use_frequency": "daily", "life_impact": "major"}))
    assert rec.level == "php"


# --- tracks -----------------------------------------------------------------------------------
@pytest.mark.parametrize("answers, level, track", [
    ({"mental_health": "yes"}, "iop", "dual_diagnosis"),
    ({"mental_health": "yes", "substances": ["none"]}, "iop", "mental_health"),
    ({"support": "strained"}, "iop", "family"),
    ({"recent_treatment": "residential_discharge"}, "iop", "step_down"),
    ({"recent_treatment": "completed_iop"}, "op", "step_down"),
    ({"recent_treatment": "completed_iop", "relapse": "recent_relapse"}, "iop", "aftercare"),
    ({"severity": "moderate"}, "iop", "standard"),
    ({}, "op", "standard"),
    ({"severity": "severe", "mental_health": "yes"}, "php", "dual_diagnosis"),
])
def test_tracks(answers, level, track):
    rec = place(**answers)
    assert (rec.level, rec.track) == (level, track)
    if track != "standard":
        assert any(r.rule == f"track: {track}" and r.sources == ("003",) for r in rec.reasons)


def test_dual_diagnosis_beats_step_down():
    assert place(mental_health="yes", recent_treatment="residential_discharge").track == "dual_diagnosis"


# --- the payload -----------------------------------------------------------------------------
def test_payload_has_the_agreed_shape():
    payload = place(severity="moderate").to_payload()
    assert payload["type"] == "recommendation"
    assert payload["level"] in LEVELS and payload["track"] in TRACKS
    assert isinstance(payload["review"], bool)
    assert payload["sources"] == sorted(payload["sources"])
    assert {"criterion", "value", "rule", "explanation", "sources"} <= set(payload["reasons"][0])
    assert {"days_per_week", "hours_per_week", "typical_length", "sources"} <= set(payload["program"])


def test_every_rule_cites_sources_except_crisis():
    for answers in ({"withdrawal": "dangerous"}, {"severity": "severe", "home": "unstable"},
                    {"severity": "severe"}, {"severity": "moderate"}, {}):
        rec = place(**answers)
        assert all(reason.sources for reason in rec.reasons), rec.level
