"""Qualifiers heard in an answer to the pending question, over its plainer reading.

"No relapse, but I'm nervous" is at risk, "my sister kinda, but we fight" strained, "8/10" severe, "bad" withdrawal
from opioids alone not dangerous, "any time after my morning dose" flexible. Pure functions: no Rasa here.
"""

from __future__ import annotations

import re

from bot.conversation.context_answers import CUES, clean, cue_found

# A relapse answer often states one thing and qualifies it: "no relapse, but I worry" is at risk, "relapsed more
# times than I can count" is several. The qualifier wins over the patterns' plainer reading.
MANY_RELAPSES = CUES["relapse"][0][1] + (r"|a lot|dozen|constantly|keep (sliding|slipping|going|ending up) back|"
                                         r"stopped and started|start again always|always (start|go|end up)")
RECENT_RELAPSE = CUES["relapse"][1][1] + r"|went (right |straight )?back|used (last|this)|this week|last week(end)?"
WORRIED = r"worr(y|ied|ies|ying)|afraid|scared|nervous|fear\w*|anxious|tempt\w*|creep\w*|struggl\w*|difficult|hard"


def refine_relapse(value: str | None, message: str) -> str | None:
    """The relapse reading once the reply's qualifiers are heard: several > recent > at risk > none."""
    text = clean(message)
    if value in (None, "recent_relapse", "none") and cue_found(MANY_RELAPSES, text):
        return "multiple_relapses"
    if value in (None, "none") and cue_found(RECENT_RELAPSE, text):
        return "recent_relapse"
    if value in (None, "none") and cue_found(WORRIED, text):
        return "at_risk"
    return value


# A severe word said only to deny it: "bad but not crazy bad" and "not so extreme, but serious for me" are
# moderate; "I wouldn't call it serious, only a worrying trend" is mild.
NOT_SEVERE = re.compile(r"\b(?:not|isn'?t|wasn'?t|ain'?t|nuh|wouldn'?t call it|no)[\s,]+"
                        r"(?:(?:so|that|too|like|really|super|exactly|quite|a)[\s,]+)*"
                        r"(?:extreme|crazy|severe|terrible|serious|catastrophic|disaster|crisis|"
                        r"rock bottom|the worst|out of control|bad)\b")
STILL_A_PROBLEM = r"bad|serious|hard|difficult|problems?|issues?|struggl\w*|affect\w*|costing|mess|a lot|lots"


# "never lost the job or the house, though", "still had the job tho": what was kept says it is not the worst
KEPT_WHAT_MATTERS = re.compile(r"\b(?:never lost|didn'?t lose|did not lose|haven'?t lost|still (?:have|had|got|kept) "
                               r"(?:my|the|a)|still (?:go|going|get|make it) to (?:work|school|class)|"
                               r"kept (?:my|the) (?:job|house|home|kids|license)|not (?:total|everything)|"
                               r"didn'?t lose everything|not total wreckage)\b")


def refine_severity(value: str | None, message: str) -> str | None:
    """A severe reading whose severe words are denied, or that says what was kept: moderate when a problem is
    still named (or something was kept), else mild."""
    text = clean(message)
    if value == "severe" and KEPT_WHAT_MATTERS.search(text):
        return "moderate"
    if value != "severe" or not NOT_SEVERE.search(text):
        return value
    rest = NOT_SEVERE.sub(" ", text)
    return "moderate" if re.search(rf"\b(?:{STILL_A_PROBLEM})\b", rest) else "mild"


# A severity said as a rating out of 10: "8/10", "on a scale of 1 to 10? ... maybe 8 now" (7 and up severe, 4-6
# moderate, 0-3 mild); the rating said for now counts, else the last one.
RATING = re.compile(r"\b(\d{1,2})\s*(?:/|out of|outta)\s*10\b")
SCALE = re.compile(r"\b(?:1|one|0|zero)\s*(?:-|to)\s*(?:10|ten)\b")
BARE_NUMBER = re.compile(r"\b(\d{1,2})\b")
NOW = re.compile(r"\b(?:now|today|these days|currently|lately|nowadays)\b")


def severity_rating(message: str) -> str | None:
    """Severity from a rating out of 10 in an answer to the severity question; None without one."""
    text = clean(message)
    ratings = [(m.start(), int(m.group(1))) for m in RATING.finditer(text)]
    if not ratings and SCALE.search(text):  # "on a scale of 1 to 10? Was an 11. Maybe 8 now."
        text = SCALE.sub(lambda m: " " * len(m.group()), text)
        ratings = [(m.start(), int(m.group(1))) for m in BARE_NUMBER.finditer(text)]
    if not ratings:
        return None
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^.,;!?]+", text)]
    now = [(at, value) for at, value in ratings
           if any(start <= at < end and NOW.search(text[start:end]) for start, end in clauses)]
    value = (now or ratings)[-1][1]
    return "severe" if value >= 7 else "moderate" if value >= 4 else "mild"


# Withdrawal called bad without a dangerous sign is dangerous only where stopping can be: alcohol, benzos and the
# substances the criteria do not name (GHB, barbiturates, ... are "other"); rarely from these alone.
DANGER_SIGNS = re.compile(r"\b(seiz\w*|fits?|convuls\w*|dts|d\.t\.s|delirium|tremens|hallucinat\w*|seeing|saw|see|"
                          r"hearing|heard|bugs|shak\w*|tremor\w*|confus\w*|passed out|blacked out|er|hospital|911|"
                          r"ambulance|icu)\b")
RARELY_DANGEROUS = frozenset({"opioids", "stimulants", "cannabis"})


def refine_withdrawal(value: str | None, message: str, substances: object) -> str | None:
    """Mild, not dangerous, for withdrawal called bad in words without a dangerous sign by someone who uses only
    opioids, stimulants or cannabis ("bad but I've gotten through it", from opioids); a clicked answer stays."""
    named = set(substances) if isinstance(substances, (list, tuple)) else set()
    if (value != "dangerous" or not named or not named <= RARELY_DANGEROUS or message.startswith("/")
            or DANGER_SIGNS.search(clean(message))):
        return value
    return "mild"


# "Anytime after my morning dose": open availability, bounded by a time of day, is flexible.
OPEN_SCHEDULE = re.compile(r"\b(any ?time|whenever|any day|all day|flexible)\b")
BOUNDED_PERIOD = re.compile(r"\b(after|before|except|but not|other than|around)\s+(my |the |a |an )?(\w+ )?"
                            r"(morning|mornings|evening|evenings|night|nights|afternoon|lunch|noon|work|school|dose)\b")


def refine_schedule(value: str | None, message: str) -> str | None:
    """Flexible when a reply offers any time and names a time of day only as its bound."""
    text = clean(message)
    return "flexible" if value and OPEN_SCHEDULE.search(text) and BOUNDED_PERIOD.search(text) else value


# Support answers name people and then qualify them: "my sister kinda, but we fight about it" is strained,
# "my wife, very much" strong, "my husband and my sister, kind of" some.
STRAINED = CUES["support"][0][1] + r"|frustrated|barely talk|not on board|doesn'?t know|don'?t know|supposed to"
STRONG = r"all in|very much|especially|a lot|100|totally|completely|always there|really|super|so supportive"
HEDGED = r"kind of|kinda|sort of|sorta|a little|little bit|somewhat|mostly|sometimes|i guess|not much|one friend"


def refine_support(value: str | None, message: str) -> str | None:
    """The support reading once the reply's qualifiers are heard: strained > hedged (some) > strong."""
    text = clean(message)
    if value in ("some", "strong") and re.search(rf"\b(?:{STRAINED})\b", text):
        return "strained"
    if value == "strong" and cue_found(HEDGED, text):
        return "some"
    if value == "some" and cue_found(STRONG, text):
        return "strong"
    return value
