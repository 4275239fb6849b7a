"""The plain-language summary and recommendation text."""

from bot.clinical.intake import make_intake
from bot.clinical.messages import explain, summarize
from bot.clinical.placement import recommend_level


def test_summary_lists_what_was_understood_in_words():
    text = summarize(make_intake({"recent_treatment": "residential_discharge", "commitments": ["work"],
                                  "support": "strong"}))
    assert "recently left residential or inpatient care" in text
    assert "Commitments: work" in text
    assert "strong support from family or friends" in text


def test_explanation_names_level_reasons_program_and_sources():
    rec = recommend_level(make_intake({"severity": "moderate", "mental_health": "yes", "substances": ["opioids"]}))
    text = explain(rec)
    assert "intensive outpatient program (IOP)" in text
    assert "dual-diagnosis" in text
    assert "9 to 20 hours a week" in text
    assert "Sources: " in text and "not a diagnosis" in text


def test_explanation_says_when_a_counselor_reviews():
    assert "counselor will review" in explain(recommend_level(make_intake({})))
