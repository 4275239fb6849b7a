"""The levels of care, defined once: their codes, a card's title, a short name, and a name in a sentence."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One level of care as the assistant names it."""

    code: str
    title: str  # the heading of a recommendation card
    short: str  # in tables and reports
    in_sentence: str  # "... looks like the best fit"


PLACEMENT = (
    Level("op", "Outpatient program (OP)", "OP", "a standard outpatient program (OP)"),
    Level("iop", "Intensive outpatient program (IOP)", "IOP", "an intensive outpatient program (IOP)"),
    Level("php", "Partial hospitalization program (PHP)", "PHP", "a partial hospitalization program (PHP)"),
    Level("residential", "Residential treatment", "Residential", "residential (inpatient) treatment"),
    Level("withdrawal_management", "Medically supervised withdrawal management (detox)", "Withdrawal management",
          "medically supervised withdrawal management (detox) first"),
)
CRISIS = Level("crisis", "Crisis services first", "Crisis", "crisis services first")
BY_CODE = {level.code: level for level in (*PLACEMENT, CRISIS)}
PLACEMENT_CODES = tuple(level.code for level in PLACEMENT)
ALL_CODES = (*PLACEMENT_CODES, CRISIS.code)

# The crisis categories (bot/crisis/assess.py CATEGORIES and "unspecified") as counselors read them.
CRISIS_LABELS = {
    "suicide": "Suicide risk", "self_harm": "Self-harm", "overdose": "Overdose",
    "medical_emergency": "Medical emergency", "dangerous_withdrawal": "Dangerous withdrawal",
    "danger_to_others": "Risk to others", "danger_at_home": "Danger at home",
    "unspecified": "Possible crisis (type not named)",
    "other_language": "Message in a language the assistant cannot read",
}
