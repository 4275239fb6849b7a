"""How one user turn changes the intake form: what was answered, what to re-ask, when to move on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from bot.clinical.criteria import BY_ID, UNKNOWN, asked_criteria
from bot.clinical.intake import derive_severity
from bot.clinical.knowledge import looks_like_question
from bot.conversation.changes import asks_to_change
from bot.conversation.extract import extract_facts
from bot.conversation.qualifiers import refine_withdrawal
from bot.text import is_correction, looks_english

ANSWER_INTENTS = frozenset({
    "inform", "affirm", "deny", "dont_know", "skip", "nlu_fallback", "out_of_scope", "start_intake",
})
NOT_UNDERSTOOD = "Sorry, I didn't quite follow that."
NOT_ENGLISH = "Sorry, I didn't follow that (I can only read English for now)."
NOT_COVERED = "I'm sorry, I don't have information about that, and I'd rather not guess."
# Rating words that may set severity when someone tells what brings them, before the severity question.
EXPLICIT_SEVERITY = re.compile(r"\b(severe(ly)?|mild(ly)?|moderate(ly)?|out of (control|hand)|outta hand)\b",
                               re.IGNORECASE)
GIVE_UP_AFTER = 2  # a question is asked at most this many times in a row, whatever came in between
MOVE_ON = "No problem, let's leave that one for the intake team and move on."
COME_BACK = "No problem, let's come back to that one at the end."
ASK_AGAIN = "Sure, let's go over {} again."
DETOX_ADVICE = (
    "What you describe can be dangerous: withdrawal with shakes, sweats, seeing or hearing things, "
    "or seizures needs medical care. Please don't stop alcohol or benzodiazepines suddenly on your own; "
    "talk to a doctor about medically supervised detox. If it is happening now, call 911."
)


@dataclass(frozen=True)
class Turn:
    """The outcome of one turn: slot updates, the re-ask counter, messages, or a rejection.

    `finish` ends the questions early (dangerous withdrawal: detox comes first, whatever else).
    """

    updates: dict[str, object] = field(default_factory=dict)
    unclear_turns: int = 0
    messages: tuple[str, ...] = ()
    rejected: bool = False
    finish: bool = False


def detox_advice_owed(answers: Mapping[str, object], advised: bool) -> Turn | None:
    """The detox advice and the end of the questions when dangerous withdrawal is known but the advice was never
    given: the answer that told it also raised the safety question, which paused the intake before it was read."""
    if answers.get("withdrawal") == "dangerous" and not advised:
        return Turn({}, 0, (DETOX_ADVICE,), finish=True)
    return None


def not_understood(text: str) -> str:
    """What to say to a message the form could not use: a question it cannot answer, another language, or
    words it did not follow."""
    if not looks_english(text):
        return NOT_ENGLISH
    return NOT_COVERED if looks_like_question(text) else NOT_UNDERSTOOD


def read_turn(
    asked: str | None,
    text: str,
    intent: str | None,
    answers: Mapping[str, object],
    set_this_turn: Mapping[str, object],
    unclear_turns: int = 0,
    asked_so_far: Sequence[str] | None = None,
    change: str | None = None,
    keep_answers: bool = False,
) -> Turn:
    """Interpret a message given the question on the table and what the NLU already filled.

    `answers` are the slot values before this message; `set_this_turn` are the values the NLU
    entities filled from it. Off-topic intents with no answer reject the turn so rules can reply.
    With `asked_so_far` (the questions asked, in order), an essential question missed twice is set
    aside and asked again last instead of being left unknown. `change` names an answer to ask again
    (a button at the summary); a message that only asks to change one does the same. With `keep_answers`
    (no criterion asked, but the intake under way: the consent question) a message changes an answer only
    when it says it corrects it, as when a question is pending.
    """
    change = change if change in BY_ID and BY_ID[change].asked else asks_to_change(text)
    if change:
        return Turn({change: None}, 0, (ASK_AGAIN.format(BY_ID[change].label.lower()),))
    if intent == "faq" and asked in BY_ID and not looks_like_question(text):
        intent = "inform"  # the pending question owns the turn: a statement is read as its answer, not as an FAQ
    updates = {k: v for k, v in set_this_turn.items() if k in BY_ID and BY_ID[k].accepts(v)}
    if not severity_rated(asked, text):
        updates.pop("severity", None)
    if asked in BY_ID:
        # The pending question owns the turn: its own reading ("three mornings of three hours" is 9, not 3)
        # replaces the NLU's reading of the same criterion.
        answer = None
        learned = intent in ANSWER_INTENTS and intent not in ("dont_know", "skip")  # "I don't know" is no guess
        for fact in extract_facts(text, asked=asked, learned=learned, guess=unclear_turns > 0):
            if fact.criterion == asked:
                answer = _merge(asked, answer, fact.value)
        if answer is not None:
            updates[asked] = answer
    # An answer to one question never overwrites another one's answer unless it says it corrects it
    # ("very bad hangover" to the withdrawal question is not a new severity); dangerous withdrawal always counts.
    if (asked in BY_ID or keep_answers) and not is_correction(text):
        updates = {key: value for key, value in updates.items()
                   if key == asked or answers.get(key) in (None, UNKNOWN)
                   or (key, value) == ("withdrawal", "dangerous") or adds_own_substance(asked, key, value)}
    if not is_correction(text):  # "my partner grows the weed" after "the drinking and the smoking" adds, not replaces
        updates = {key: value if key == asked else _added(key, answers.get(key), value)
                   for key, value in updates.items()}
    if intent not in ANSWER_INTENTS and not updates:
        return Turn(rejected=True, unclear_turns=unclear_turns)
    if "withdrawal" in updates:  # "bad" withdrawal from opioids alone, with no dangerous sign named, is not dangerous
        updates["withdrawal"] = refine_withdrawal(
            updates["withdrawal"], text, updates.get("substances") or answers.get("substances"))
    if updates.get("withdrawal") == "dangerous" and answers.get("withdrawal") != "dangerous":
        return Turn(_with_severity(updates, answers), 0, (DETOX_ADVICE,), finish=True)
    messages = [_acknowledge(key, value) for key, value in updates.items()
                if key != asked and answers.get(key) not in (None, value)]
    if asked in BY_ID:
        if intent in ("dont_know", "skip") and asked not in updates:
            updates[asked] = UNKNOWN
        if updates.get(asked) == UNKNOWN and BY_ID[asked].essential and unclear_turns == 0:
            del updates[asked]
            return Turn(updates, 1, tuple(messages) + (_why_it_matters(asked),))
        if asked not in updates:
            # Not an answer to the question on the table (other facts are kept): it counts as a miss.
            unclear_turns += 1
            if intent in ("out_of_scope", "nlu_fallback") and not updates:
                messages.append(not_understood(text))
            if unclear_turns < GIVE_UP_AFTER:
                return Turn(_with_severity(updates, answers), unclear_turns, tuple(messages))
            if asked_so_far is not None and comes_back_later(asked, asked_so_far, {**answers, **updates}):
                return Turn(_with_severity(updates, answers), 0, tuple(messages) + (COME_BACK,))
            updates[asked] = UNKNOWN
            messages.append(MOVE_ON)
    return Turn(_with_severity(updates, answers), 0, tuple(messages))


def severity_rated(asked: str | None, text: str) -> bool:
    """True when a message may set severity: the answer to its question, a correction, or a plain rating when
    telling what brings them ("my drug use is severe"). Words said in passing are not a rating ("really bad
    anxiety", "way too much", "mild shakes"): in the development personas they were right 49 times in 125."""
    if asked == "severity" or is_correction(text):
        return True
    return asked in (None, "substances") and bool(EXPLICIT_SEVERITY.search(text))


def times_in_a_row(asked: Sequence[str], criterion_id: str | None) -> int:
    """How many times `criterion_id` was asked in a row at the end of `asked` (the questions in order)."""
    count = 0
    for question in reversed(asked):
        if question != criterion_id:
            break
        count += 1
    return count


def give_up(asked: str | None, asked_so_far: Sequence[str], answers: Mapping[str, object] | None = None) -> Turn | None:
    """When the form comes back to a question already asked GIVE_UP_AFTER times in a row (after a question
    or a request answered in between), it is not asked a third time: an essential one is set aside and asked
    again once the others are done, anything else is left for the intake team."""
    if asked not in BY_ID or times_in_a_row(asked_so_far, asked) < GIVE_UP_AFTER:
        return None
    if comes_back_later(asked, asked_so_far, answers or {}):
        return Turn({}, 0, (COME_BACK,))
    return Turn({asked: UNKNOWN}, 0, (MOVE_ON,))


def comes_back_later(asked: str, asked_so_far: Sequence[str], answers: Mapping[str, object]) -> bool:
    """True when an essential question just asked twice in a row is set aside to be asked again last: other
    questions are left, and it was not set aside before (the second time round, it is left unknown)."""
    others_left = any(c != asked and answers.get(c) is None for c in asked_criteria(answers))
    return BY_ID[asked].essential and others_left and asked not in set_aside(asked_so_far[:-GIVE_UP_AFTER], answers)


def set_aside(asked_so_far: Sequence[str], answers: Mapping[str, object]) -> list[str]:
    """Essential questions already asked GIVE_UP_AFTER times in a row and still unanswered (the person asked
    about other things instead): the form asks them again last."""
    longest: dict[str, int] = {}
    run, previous = 0, None
    for criterion_id in asked_so_far:
        run = run + 1 if criterion_id == previous else 1
        previous = criterion_id
        longest[criterion_id] = max(longest.get(criterion_id, 0), run)
    return [c for c, run in longest.items() if run >= GIVE_UP_AFTER and c in BY_ID and BY_ID[c].essential
            and answers.get(c) is None]


OWN_USE_QUESTIONS = frozenset({"severity", "withdrawal", "relapse"})  # answered with the person's own use


def adds_own_substance(asked: str | None, key: str, value: object) -> bool:
    """True for a substance named in an answer about the person's own use ("booze and coke nightly" to the severity
    question): added to those known. Named in an answer about home or support, it may be someone else's."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return key == "substances" and asked in OWN_USE_QUESTIONS and not {"none", UNKNOWN} & set(items)


def _merge(criterion_id: str, current: object, value: object) -> object:
    """Collect several values for list criteria; otherwise the last value wins."""
    if not BY_ID[criterion_id].multiple or value == UNKNOWN:
        return value
    items = list(current) if isinstance(current, (list, tuple)) else []
    return items + [value] if value not in items else items


def _added(criterion_id: str, current: object, new: object) -> object:
    """A list criterion's earlier values with newly mentioned ones added; any other criterion takes the new value."""
    new_items = list(new) if isinstance(new, (list, tuple)) else [new]
    if not BY_ID[criterion_id].multiple or not isinstance(current, (list, tuple)) or {"none", UNKNOWN} & set(new_items):
        return new
    items = [item for item in current if item not in ("none", UNKNOWN)]
    return items + [item for item in new_items if item not in items]


def _with_severity(updates: dict[str, object], answers: Mapping[str, object]) -> dict[str, object]:
    """Fill severity from frequency and life impact when the severity question was asked and left unanswered
    (the person is asked first: "I got a DUI" said in passing is not a rating of how much it affects them)."""
    merged = {**answers, **updates}
    if merged.get("severity") == UNKNOWN and merged.get("use_frequency") and merged.get("life_impact"):
        derived = derive_severity(merged["use_frequency"], merged["life_impact"])
        if derived:
            updates = {**updates, "severity": derived}
    return updates


def _acknowledge(criterion_id: str, new: object) -> str:
    """A short note that an earlier answer was corrected."""
    criterion = BY_ID[criterion_id]
    return f"Got it, I've updated {criterion.label.lower()}: {criterion.describe(new)}."


def _why_it_matters(criterion_id: str) -> str:
    """Why an essential question is worth a guess, before accepting a skip on the second try."""
    return (f"That's okay. {BY_ID[criterion_id].label} helps decide the right level of care, "
            "so even a rough guess helps. If you'd still rather skip it, just say skip.")
