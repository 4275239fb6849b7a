"""Plain-language text for the summary and the recommendation."""

from __future__ import annotations

from bot.clinical.criteria import CRITERIA
from bot.clinical.intake import Intake
from bot.clinical.levels import PLACEMENT
from bot.clinical.placement import Recommendation
from bot.clinical.programs import program_for

LEVEL_NAMES = {level.code: level.in_sentence for level in PLACEMENT}  # bot/clinical/levels.py
TRACK_NAMES = {
    "dual_diagnosis": "dual-diagnosis", "mental_health": "mental-health", "family": "family-focused",
    "step_down": "step-down", "aftercare": "aftercare",
}
NOT_A_DIAGNOSIS = (
    "This is a suggestion to discuss with the intake team, not a diagnosis; a clinician makes the "
    "final decision."
)

NOT_YET_EXPLAINED = (
    "I haven't made a suggestion yet. Once I know a bit more about your situation, I'll explain "
    "exactly what it is based on."
)


def summarize(intake: Intake) -> str:
    """A bullet list of what was understood, for the person to confirm or correct."""
    lines = [
        f"- {c.label}: {c.describe(intake.get(c.id))}"
        for c in CRITERIA
        if intake.get(c.id) is not None
    ]
    return "Here is what I understood:\n" + "\n".join(lines)


def explain(recommendation: Recommendation) -> str:
    """The recommendation in plain words: level, track, why, what it involves, sources."""
    rec = recommendation
    track = TRACK_NAMES.get(rec.track)
    level = LEVEL_NAMES[rec.level]
    head = f"Based on what you told me, {level} looks like the best fit"
    head += f", in a {track} track." if track else "."
    why = [f"- {reason.explanation} [{', '.join(reason.sources)}]" for reason in rec.reasons]
    parts = [head] + ([f"First step: {rec.first_step}."] if rec.first_step else []) + ["Why:\n" + "\n".join(why)]
    program = rec.program
    if program:
        parts.append(
            f"What it involves: {program.days_per_week}; {program.hours_per_week}; "
            f"typical length: {program.typical_length}."
        )
    if rec.missing:
        parts.append("Still unknown: " + ", ".join(m.replace("_", " ") for m in rec.missing) + ".")
    if rec.review:
        parts.append("A counselor will review this recommendation with you.")
    parts.append(f"Sources: {', '.join(rec.sources)}. {NOT_A_DIAGNOSIS}")
    return "\n\n".join(parts)


def describe_program(level: str | None, recommended: str | None) -> tuple[str, dict]:
    """What a level looks like week to week, as text and a `program` payload."""
    program = program_for(level) if level else None
    if not program:
        return NOT_YET_EXPLAINED, {}
    intro = ("Here is what the program I suggested would look like for you"
             if level == recommended else f"Here is what {LEVEL_NAMES[level]} usually looks like")
    lines = [f"{intro}:",
             f"- Days: {program.days_per_week}",
             f"- Hours: {program.hours_per_week}",
             f"- Sessions: {program.session_length}",
             f"- How long: {program.typical_length}",
             f"- Setting: {program.setting}"]
    lines += [f"Note: {difference}" for difference in program.differences]
    lines.append(f"Sources: {', '.join(program.sources)}.")
    payload = {"type": "program", "level": level, "recommended": level == recommended,
               "program": program.to_dict(), "sources": list(program.sources)}
    return "\n".join(lines), payload
