"""A request to change one answer without giving the new one ("the withdrawal part is wrong", "change my hours"):
that answer is cleared and its question asked again, instead of reading a value into the words."""

from __future__ import annotations

import re

from bot.clinical.criteria import BY_ID

# The words people use for each asked criterion when they point at it.
CHANGE_WORDS: dict[str, tuple[str, ...]] = {
    "substances": ("substances?", "substance use", "drugs?", "what i use", "what i'm using", "the drinking"),
    "severity": ("severity", "how bad it is", "how bad", "how much it affects me"),
    "withdrawal": ("withdrawals?", "withdrawal symptoms", "symptoms", "detox"),
    "recent_treatment": ("(?:recent |past |previous )?treatment", "rehab"),
    "relapse": ("relapses?", "relapsing"),
    "mental_health": ("mental health", "depression", "anxiety"),
    "home": ("home(?: environment| situation| life)?", "housing", "living situation"),
    "support": ("support", "family support", "supports?"),
    "commitments": ("commitments", "work", "job", "school", "work or school"),
    "hours_available": ("hours(?: available)?", "how many hours", "time i have"),
    "schedule": ("schedule", "times?", "when i can (?:come|attend)", "availability"),
    "court_ordered": ("court(?: order(?:ed)?)?(?: part)?", "court-ordered", "legal", "probation"),
    "can_live_at_facility": ("living at (?:a|the) facility", "live-in", "staying at (?:a|the) facility",
                             "facility", "residential"),
    "payment": ("payment", "insurance", "paying", "how i(?:'ll| will)? pay"),
    "attend_commitment": ("attendance", "attending", "commitment to attend", "attend every session"),
}
_FILLER = r"(?:(?:wait|hold on|hmm+|oops|sorry|no|nope|actually|um+|uh+|oh|ok(?:ay)?)[,.!]*\s+)*"
_PART = r"(?:\s+(?:part|bit|answer|one|question|thing|item|section))?"
_WRONG = r"(?:wrong|not right|incorrect|off|a mistake|not true|not correct)"
_NAMES = {cid: r"(?:the |my |that |your )?(?:" + "|".join(words) + ")" for cid, words in CHANGE_WORDS.items()}
_PATTERNS = [
    (cid, re.compile(_FILLER + rf"(?:{name}{_PART}(?:\s+is|\s+was|'s)\s+{_WRONG}"
                     rf"|(?:change|fix|correct|redo|update|go back to)\s+{name}{_PART}"
                     rf"|{_WRONG}\s+(?:about|on)\s+{name}{_PART}"
                     rf"|i got {name}{_PART} wrong"
                     rf"|{name}{_PART}\s*[:-]?\s*(?:is\s+)?{_WRONG})"
                     r"(?:\s+(?:please|pls|sorry|too))?\s*[.!?]*", re.IGNORECASE))
    for cid, name in _NAMES.items()
]


def asks_to_change(text: str) -> str | None:
    """The asked criterion a message only asks to change, with no new answer in it; else None."""
    words = " ".join((text or "").replace("\u2019", "'").split())
    for criterion_id, pattern in _PATTERNS:
        if BY_ID[criterion_id].asked and pattern.fullmatch(words):
            return criterion_id
    return None
