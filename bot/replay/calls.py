"""One call transcript through the assistant: what it understood, turn by turn, and what it would recommend.

Each caller turn goes through the trained NLU (`parse`: intent and entities, the crisis rules and the
spaCy intake rules included) and then through the intake form's own turn logic (bot.conversation.form.read_turn),
with the criterion the agent's preceding question asked about as the question on the table. So a short
answer is read the way the chat reads it: Agent "Any treatment before?" / Caller "yeah, rehab, got out
in march" fills recent_treatment. Agent turns are never read for facts or crises: only the caller's
words are the person's own. At the end, the placement module recommends a level, exactly as in the chat.

Every free text in a CallResult (turn texts, call id, source path, crisis evidence) is redacted, and a
name found anywhere in the call is also redacted wherever else it appears in that call ("my name is
Marcus Reed" ... "Okay Marcus, any treatment before?").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Sequence

from bot.clinical.criteria import BY_ID, asked_criteria
from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.conversation import form
from bot.conversation.extract import NO_ANSWERS, YES_ANSWERS, answer_words, starts_with
from bot.conversation.routing import CATEGORY_ENTITY as CRISIS_ENTITY
from bot.conversation.routing import CHECK_ENTITY
from bot.conversation.routing import CRISIS as CRISIS_INTENT
from bot.records.redact import COMMON_WORDS, NAME_STOPWORDS, STRONG_NAME, WEAK_NAME, redact
from bot.replay.questions import Asked, asked_about
from bot.replay.transcripts import Transcript

# texts -> one parse result per text: {"intent": {"name": ...}, "entities": [{"entity", "value"}, ...]}
Parse = Callable[[Sequence[str]], list[dict]]


@dataclass
class CallResult:
    """What the assistant made of one call. Texts are redacted; turn numbers count from 1."""

    call_id: str
    source: str
    disposition: str | None
    level: str
    track: str
    review: bool
    agrees: bool | None
    criteria: dict[str, dict]  # criterion id -> {"value", "turn", "line"} (the turn that last set it)
    missing: list[str]  # what the recommendation still needs (essential answers, rule inputs)
    unanswered: list[str]  # questions the form would ask that the call never answered
    crisis: list[dict]  # {"turn", "line", "category", "text"}
    recommendation: dict  # Recommendation.to_payload()
    turns: list[dict] = field(default_factory=list)  # {"turn", "line", "speaker", "text", ...}

    def to_dict(self) -> dict:
        """A JSON-ready dict (the per-call JSON file)."""
        return asdict(self)


def replay_call(transcript: Transcript, parse: Parse) -> CallResult:
    """Replay one call: every caller turn through `parse` and the form's turn logic, then the placement."""
    caller_texts = [turn.text for turn in transcript.turns if turn.speaker == "caller"]
    parsed = iter(parse(caller_texts))
    hide = call_redactor(turn.text for turn in transcript.turns)
    answers: dict[str, object] = {}
    found: dict[str, dict] = {}
    crisis: list[dict] = []
    turns: list[dict] = []
    asked: Asked | None = None
    unclear = 0
    for number, turn in enumerate(transcript.turns, start=1):
        row = {"turn": number, "line": turn.line, "speaker": turn.speaker, "text": hide(turn.text)}
        turns.append(row)
        if turn.speaker != "caller":
            question = asked_about(turn.text)
            if question is None or asked is None or question.criterion != asked.criterion:
                unclear = 0
            asked = question
            row["asks_about"] = question.criterion if question else None
            continue
        data = next(parsed)
        intent = (data.get("intent") or {}).get("name")
        row["intent"] = intent
        if intent == CRISIS_INTENT:  # as in the chat: a crisis message fills no intake answers
            category = next((e.get("value") for e in data.get("entities") or [] if e.get("entity") == CRISIS_ENTITY),
                            "unspecified")
            crisis.append({"turn": number, "line": turn.line, "category": category, "text": row["text"]})
            row["crisis"] = category
            continue
        entities = data.get("entities") or []
        if any(e.get("entity") == CHECK_ENTITY for e in entities):
            row["safety_check"] = next((e.get("value") for e in entities if e.get("entity") == CRISIS_ENTITY),
                                       "unspecified")
        outcome = form.read_turn(asked.criterion if asked else None, turn.text, intent, answers,
                                 slot_values(entities), unclear)
        if outcome.rejected:
            continue
        updates = dict(outcome.updates)
        unclear = outcome.unclear_turns
        if asked and asked.yes_value and is_plain_yes(turn.text):  # what the agent's question named wins
            updates[asked.criterion] = [asked.yes_value] if BY_ID[asked.criterion].multiple else asked.yes_value
            unclear = 0
        for criterion_id, value in updates.items():
            answers[criterion_id] = value
            found[criterion_id] = {"value": value, "turn": number, "line": turn.line}
        if updates:
            row["found"] = updates
        if asked and asked.criterion in updates:
            asked = None  # answered: the caller's next words are not read as this answer again
    intake = make_intake(answers, crisis=bool(crisis))
    recommendation = recommend_level(intake)
    known = {key for key in intake.answers if intake.known(key)}
    return CallResult(
        call_id=hide(transcript.call_id),
        source=hide(transcript.path),
        disposition=transcript.disposition,
        level=recommendation.level,
        track=recommendation.track,
        review=recommendation.review,
        agrees=None if transcript.disposition is None else transcript.disposition == recommendation.level,
        criteria={key: found[key] for key in BY_ID if key in found},
        missing=list(recommendation.missing),
        unanswered=[key for key in asked_criteria(dict(intake.answers)) if key not in known],
        crisis=crisis,
        recommendation=recommendation.to_payload(),
        turns=turns,
    )


def names_in(text: str) -> set[str]:
    """The name words bot.records.redact would replace in `text` ("Marcus", "Reed" in "my name is Marcus Reed")."""
    names = set()
    for pattern, stopwords in ((STRONG_NAME, NAME_STOPWORDS), (WEAK_NAME, COMMON_WORDS)):
        for match in pattern.finditer(text):
            for word in match.group("name").split():
                word = re.sub(r"['’]s?$", "", word.strip("'’"))
                if not word or word.lower() in stopwords:
                    break
                names.add(word)
    return names


def call_redactor(texts: Iterable[str]) -> Callable[[str], str]:
    """bot.records.redact.redact, plus the names found anywhere in the call, wherever they appear in it."""
    names = set().union(*(names_in(text) for text in texts))
    if not names:
        return redact
    pattern = re.compile(r"(?<![\w\[])(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                         + r")(?![\w\]])", re.IGNORECASE)
    return lambda text: pattern.sub("[NAME]", redact(text))


def slot_values(entities: list[dict]) -> dict[str, object]:
    """The criterion slots the NLU entities fill, as the domain's from_entity mappings fill them."""
    values: dict[str, object] = {}
    for entity in entities:
        criterion = BY_ID.get(entity.get("entity"))
        if criterion is None:
            continue
        value = entity.get("value")
        if criterion.multiple:
            items = values.setdefault(criterion.id, [])
            if value not in items:
                items.append(value)
        else:
            values[criterion.id] = value
    return values


def is_plain_yes(text: str) -> bool:
    """True for a reply that says yes ("yeah", "yes I do") and not no."""
    words = answer_words(text)
    return bool(words) and starts_with(words, YES_ANSWERS) is not None and starts_with(words, NO_ANSWERS) is None
