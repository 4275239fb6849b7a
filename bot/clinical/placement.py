"""Level-of-care placement: a pure function from an Intake to a Recommendation.

Rules run in priority order (R1 crisis, R2 withdrawal management, R3 residential, R4 PHP,
R5 IOP, R6 OP); the first rule that fires decides the level. Every reason names the fact,
the rule and the source documents (ids from shared/seeds).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clinical.criteria import missing_essentials
from bot.clinical.intake import Intake, derive_severity
from bot.clinical.levels import BY_CODE, PLACEMENT_CODES
from bot.clinical.programs import Program, program_for

RULE_VERSION = "2026.12.1"
LEVELS = PLACEMENT_CODES  # bot/clinical/levels.py
TRACKS = ("standard", "dual_diagnosis", "mental_health", "family", "step_down", "aftercare")
RISKY_WITHDRAWAL_SUBSTANCES = ("alcohol", "benzodiazepines")
MINIMUM_HOURS = {"iop": 9, "php": 30}


@dataclass(frozen=True)
class Reason:
    """One fact, the rule it triggered, and where that rule comes from."""

    criterion: str
    value: object
    rule: str
    explanation: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"criterion": self.criterion, "value": value, "rule": self.rule,
                "explanation": self.explanation, "sources": list(self.sources)}


@dataclass(frozen=True)
class Recommendation:
    """The level of care, its track, whether a counselor must review it, and why."""

    level: str
    track: str
    review: bool
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...] = ()
    first_step: str = ""
    rule_version: str = RULE_VERSION

    @property
    def sources(self) -> list[str]:
        """Every document id the reasons and the program outline rest on."""
        ids = {source for reason in self.reasons for source in reason.sources}
        if self.program:
            ids.update(self.program.sources)
        return sorted(ids)

    @property
    def program(self) -> Program | None:
        """The outline of the recommended level."""
        return program_for(self.level)

    def to_payload(self) -> dict:
        """The machine-readable `custom` payload shared by the widget, console and replay."""
        return {
            "type": "recommendation",
            "level": self.level,
            "level_title": BY_CODE[self.level].title if self.level in BY_CODE else self.level,
            "track": self.track,
            "review": self.review,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "sources": self.sources,
            "program": self.program.to_dict() if self.program else {},
            "missing": list(self.missing),
            "first_step": self.first_step,
            "rule_version": self.rule_version,
        }


def recommend_level(intake: Intake) -> Recommendation:
    """Place an intake at a level of care; never places someone who is in crisis."""
    if intake.crisis:
        return Recommendation("crisis", "standard", True, (Reason(
            "crisis", True, "R1 crisis first",
            "Someone in crisis needs crisis services now (988, 911), not a program placement.", ()),))
    for rule in (withdrawal_rule, residential_rule, php_rule, iop_rule, op_rule):
        decided = rule(intake)
        if decided:
            level, reasons, needed = decided
            break
    else:
        level, reasons, needed = undecided(intake)
    step = first_step(intake, level)
    reasons = reasons + first_step_reasons(step) + track_reasons(intake, level) + review_reasons(intake, level)
    missing = tuple(dict.fromkeys(missing_essentials(intake.answers) + needed))
    # a first step is a clinician's call, so it is always reviewed
    review = bool(missing) or bool(step) or any(reason.rule.startswith("review") for reason in reasons)
    return Recommendation(level, choose_track(intake, level), review, tuple(reasons), missing, first_step=step)


Decision = tuple[str, list[Reason], list[str]]


def withdrawal_rule(intake: Intake) -> Decision | None:
    """R2: current or expected dangerous withdrawal means medically supervised detox first."""
    if intake.is_("withdrawal", "dangerous"):
        return "withdrawal_management", [Reason(
            "withdrawal", "dangerous", "R2 withdrawal management first",
            "Dangerous withdrawal signs mean medically supervised detox comes before an IOP.",
            ("000",))], []
    return None


MEDICAL_CHECK = "a medical check for withdrawal, which is often done as an outpatient"


def first_step(intake: Intake, level: str) -> str:
    """A step before the program starts: a medical check when mild withdrawal could still turn risky."""
    risky = intake.is_("withdrawal", "mild") and intake.is_("substances", *RISKY_WITHDRAWAL_SUBSTANCES)
    return MEDICAL_CHECK if risky and level in ("iop", "op", "php") else ""


def first_step_reasons(step: str) -> list[Reason]:
    """Why the first step is there (R2, mild withdrawal): a check, not detox, with a clinician to confirm."""
    if not step:
        return []
    return [Reason(
        "withdrawal", "mild", "R2 first step: medical check for mild withdrawal",
        "Withdrawal from alcohol or benzodiazepines can turn dangerous, so a doctor or nurse checks it "
        "first; when it is mild this is often done as an outpatient, alongside the program (000 says "
        "some people need detox first; it does not say when, so a clinician decides).", ("000",))]


def residential_rule(intake: Intake) -> Decision | None:
    """R3: residential for severe use with an unsafe home, repeated relapse, or 24-hour needs."""
    reasons = []
    if intake.is_("severity", "severe") and intake.is_("home", "unstable", "triggering"):
        reasons.append(Reason(
            "home", intake.get("home"), "R3 residential: severe use and an unsafe home",
            "It affects your life severely and home is unstable or full of triggers: that is safer treated away "
            "from home.",
            ("002", "003")))
    if intake.is_("relapse", "multiple_relapses"):
        reasons.append(Reason(
            "relapse", "multiple_relapses", "R3 residential: several relapses",
            "Several relapses despite outpatient care suggest time away from alcohol and drugs.",
            ("002",)))
    if intake.is_("needs_supervision", "yes"):
        reasons.append(Reason(
            "needs_supervision", "yes", "R3 residential: 24-hour supervision",
            "Needing care around the clock is beyond what an outpatient program gives.",
            ("001", "003")))
    if not reasons:
        return None
    if intake.is_("can_live_at_facility", "no"):
        return "php", reasons + [Reason(
            "can_live_at_facility", "no", "review: residential indicated but not possible",
            "Living at a facility is not possible (work, children or cost), so PHP, the most "
            "intensive care you can get while living at home, with a counselor to review.",
            ("004",))], []
    needed = [] if intake.known("can_live_at_facility") else ["can_live_at_facility"]
    return "residential", reasons, needed


def php_rule(intake: Intake) -> Decision | None:
    """R4: PHP for severe use with a stable, supportive home."""
    if not intake.is_("severity", "severe"):
        return None
    reasons = [Reason(
        "severity", "severe", "R4 PHP: severe use, living at home",
        "It affects your life severely, which needs the most hours of care: PHP runs 5 to 7 days a week, "
        "6 or more hours a day. 003 notes residential care can be safer when use is severe; 004 offers "
        "PHP to people who live at home.", ("003", "004"))]
    if intake.is_("support", "none", "strained"):
        reasons.append(Reason(
            "support", intake.get("support"), "review: severe use with weak support",
            "With little support at home, a counselor should check whether residential is safer.",
            ("002", "004")))
    needed = [c for c in ("home", "support") if not intake.known(c)]
    return "php", reasons, needed


IOP_TRIGGERS = (
    ("recent_treatment", ("residential_discharge",), "R5 IOP: step-down after residential",
     "IOP is the usual next step after leaving residential or inpatient care.", ("000", "001", "002")),
    ("severity", ("moderate",), "R5 IOP: moderate addiction",
     "It affects your life moderately, which fits the middle level of care.", ("003", "004")),
    ("relapse", ("recent_relapse",), "R5 IOP: recent relapse",
     "A recent relapse calls for more structure than weekly outpatient care.", ("003",)),
    ("relapse", ("at_risk",), "R5 IOP: at risk of relapse",
     "Feeling in danger of relapsing is a reason for the extra support of an IOP.", ("000", "003")),
    ("mental_health", ("yes",), "R5 IOP: co-occurring mental health",
     "Mental-health concerns alongside addiction are treated together in an IOP (003). "
     "000 lists such a condition as a reason a general outpatient program can help; we follow "
     "the more supportive level.", ("000", "003")),
    ("support", ("none", "strained"), "R5 IOP: weak support at home",
     "OP works best with a strong support system (001, 002); without one, an IOP gives that "
     "support. 000 lists a weak support network as a reason OP can help; we follow the more "
     "supportive level.", ("000", "001", "002")),
    ("home", ("unstable", "triggering"), "R5 IOP: unstable or triggering home",
     "Many triggers at home call for more support than OP gives.", ("000", "002")),
    ("court_ordered", ("yes",), "R5 IOP: court-ordered treatment",
     "A general outpatient program alone rarely satisfies a court order.", ("000",)),
    ("recent_treatment", ("op_not_enough",), "R5 IOP: outpatient was not enough",
     "When standard outpatient care has not been enough, the next step up is an IOP.", ("001", "002")),
)


def iop_rule(intake: Intake) -> Decision | None:
    """R5: IOP when any of the IOP triggers applies."""
    reasons = [Reason(criterion, intake.get(criterion), rule, text, sources)
               for criterion, values, rule, text, sources in IOP_TRIGGERS
               if intake.is_(criterion, *values)]
    return ("iop", reasons, []) if reasons else None


def op_rule(intake: Intake) -> Decision | None:
    """R6: OP for a mild, well-supported, stable person, or as the step-down after an IOP."""
    if intake.is_("recent_treatment", "completed_iop") and not intake.is_("severity", "moderate", "severe"):
        return "op", [Reason(
            "recent_treatment", "completed_iop", "R6 OP: step-down after IOP",
            "After finishing an IOP while stable, OP keeps the progress going with fewer hours.",
            ("000", "003"))], []
    if not intake.is_("severity", "mild"):
        return None
    reasons = [Reason("severity", "mild", "R6 OP: mild problem",
                      "It affects your life mildly and you have solid support, which fits the flexible "
                      "outpatient level.",
                      ("001", "003"))]
    if intake.is_("support", "strong", "some"):
        reasons.append(Reason("support", intake.get("support"), "R6 OP: solid support",
                              "A robust support system makes the more flexible OP effective.",
                              ("001", "002")))
    if intake.is_("home", "stable"):
        reasons.append(Reason("home", "stable", "R6 OP: stable home",
                              "A stable home lets recovery continue with less structure.", ("003",)))
    needed = [c for c in ("support", "home", "relapse") if not intake.known(c)]
    return "op", reasons, needed


def undecided(intake: Intake) -> Decision:
    """Not enough to tell IOP from OP: suggest the more supportive level and ask for review."""
    return "iop", [Reason(
        "severity", intake.get("severity"), "review: not enough information",
        "There is not enough to tell IOP from OP; the more supportive level is suggested until "
        "a counselor reviews it.", ("001",))], ["severity"]


def choose_track(intake: Intake, level: str) -> str:
    """The program track (003) that fits this person at this level."""
    if intake.is_("mental_health", "yes"):
        return "mental_health" if intake.get("substances") == ("none",) else "dual_diagnosis"
    if level not in ("iop", "op"):
        return "standard"
    if (level, intake.get("recent_treatment")) in (("iop", "residential_discharge"), ("op", "completed_iop")):
        return "step_down"
    if intake.is_("support", "strained"):
        return "family"
    if level == "iop" and intake.is_("recent_treatment", "completed_iop"):
        return "aftercare"
    return "standard"


TRACK_TEXT = {
    "dual_diagnosis": "Substance use and mental health are treated together in a dual-diagnosis program.",
    "mental_health": "A mental-health track focuses on anxiety, depression and similar conditions.",
    "family": "A family-focused track uses family therapy to rebuild support at home.",
    "step_down": "A step-down track eases the move from more intensive care to more independence.",
    "aftercare": "An aftercare track gives long-term support and relapse-prevention planning.",
}
TRACK_CRITERION = {"dual_diagnosis": "mental_health", "mental_health": "mental_health",
                   "family": "support", "step_down": "recent_treatment", "aftercare": "recent_treatment"}


def track_reasons(intake: Intake, level: str) -> list[Reason]:
    """Why the chosen track applies."""
    track = choose_track(intake, level)
    if track == "standard":
        return []
    criterion = TRACK_CRITERION[track]
    return [Reason(criterion, intake.get(criterion), f"track: {track}", TRACK_TEXT[track], ("003",))]


def review_reasons(intake: Intake, level: str) -> list[Reason]:
    """Conflicts a counselor should look at: contradictions, time available, commitment."""
    reasons = []
    hours = intake.get("hours_available")
    if isinstance(hours, int) and level in MINIMUM_HOURS and hours < MINIMUM_HOURS[level]:
        reasons.append(Reason(
            "hours_available", hours, "review: not enough hours available",
            f"This level usually needs at least {MINIMUM_HOURS[level]} hours a week; "
            f"you said about {hours}.", ("001",) if level == "iop" else ("004",)))
    if level in ("iop", "php", "op") and intake.is_("attend_commitment", "no", "unsure"):
        reasons.append(Reason(
            "attend_commitment", intake.get("attend_commitment"), "review: commitment to attend",
            "Outpatient care helps most when every session is attended.", ("000",)))
    if intake.is_("severity", "mild") and intake.is_("relapse", "multiple_relapses"):
        reasons.append(Reason("severity", "mild", "review: answers disagree",
                              "Mild severity and several relapses do not fit together.", ("002",)))
    derived = derive_severity(intake.get("use_frequency"), intake.get("life_impact"))
    if {derived, intake.get("severity")} == {"mild", "severe"}:
        reasons.append(Reason("severity", intake.get("severity"), "review: answers disagree",
                              f"Self-rated {intake.get('severity')}, but how often and how much it "
                              f"disrupts life suggest {derived}.", ("001",)))
    if intake.is_("payment", "self_pay") and level in ("residential", "php"):
        reasons.append(Reason("payment", "self_pay", "note: cost",
                              "Paying yourself makes cost matter: outpatient levels cost less "
                              "than residential care.", ("003", "004")))
    return reasons
