"""Read the intake facts a person states in a free-text message (rule-based, negation-aware).

    extract_facts("I got out of rehab two weeks ago and I work full time")
    -> [Fact("recent_treatment", "residential_discharge", ...), Fact("commitments", "work", ...)]

Facts come from the spaCy pipeline in bot/conversation/nlp.py. A negated fact is flipped to its opposite when
FLIPS defines one and dropped otherwise; facts inside a question or after "not sure" are dropped; when
`asked` names the criterion just asked about, short answers ("yes", "nope", "idk", "10", "evenings")
are read as answers to it. Pure functions: no Rasa here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

import srsly

from bot.clinical.criteria import BY_ID, CRITERIA, UNKNOWN
from bot.conversation.answers import MIN_CONFIDENCE, learned_value
from bot.conversation.context_answers import (
    COMMITMENTS,
    CUES,
    commitment_values,
    context_value,
    correct_typos,
    hours_from,
    no_work,
    not_caring,
    pattern_words,
    time_words_only,
)
from bot.conversation.nlp import PATTERN_DIR, clause_bounds, load_pipeline, span_key
from bot.conversation.qualifiers import (
    refine_relapse,
    refine_schedule,
    refine_severity,
    refine_support,
    severity_rating,
)
from bot.text import AUX_WORDS, WH_WORDS, asks_you, clean_text, looks_english, opens_clause, sentence_spans

logger = logging.getLogger(__name__)

MAX_CHARS = 2000
MAX_HOURS = 80
WEEKDAYS = 5

# "I don't do well without them", "can't function without it": a dependence told with a no, not "no withdrawal"
DEPENDENCE = re.compile(r"\b(do (well|good|great|okay|ok)|function|cope|manage|last|get by|feel (right|normal|human|"
                        r"good|okay|ok))\b[\w\s']{0,12}\bwithout\b")
POSTPOSED_DENIALS = frozenset({"no", "none", "never", "nope", "nah", "negative"})
# Negated fact -> opposite value. Anything negated and not listed here is dropped.
FLIPS: dict[tuple[str, str], str] = {
    ("commitments", "work"): "none",
    ("mental_health", "yes"): "no",
    ("withdrawal", "dangerous"): "none",
    ("withdrawal", "mild"): "none",
    ("court_ordered", "yes"): "no",
    ("needs_supervision", "yes"): "no",
    ("can_live_at_facility", "yes"): "no",
    ("attend_commitment", "yes"): "no",
    ("payment", "insurance"): "self_pay",
    ("relapse", "recent_relapse"): "none",
    ("relapse", "at_risk"): "none",
    ("recent_treatment", "residential_discharge"): "none",
    ("life_impact", "some"): "little",
}

# Short answers, read only for the criterion just asked about.
HEDGE_ANSWERS = (
    "not sure", "unsure", "idk", "i don't know", "i dont know", "i do not know", "don't know", "dont know",
    "dunno", "no idea", "no clue", "skip", "pass", "rather not say", "i'd rather not say", "id rather not say",
    "rather not", "prefer not to say", "i prefer not to say", "prefer not to answer", "no comment", "unknown",
    "not certain", "maybe", "hard to say", "i'm not sure", "im not sure", "next question",
)
# "n/a" to "any relapse?" is a no: the question does not apply to the person.
NOT_APPLICABLE = ("n/a", "na", "not applicable", "doesn't apply", "doesnt apply", "does not apply", "not relevant")
NO_ANSWERS = (
    "no", "nope", "nah", "naw", "n", "never", "none", "i don't", "i dont", "i do not", "not really", "no way",
    "not at all", "i'm not", "im not", "i am not", "it isn't", "it's not", "its not", "i can't", "i cant",
    "i cannot", "i won't", "i wont", "negative", "nothing", "i haven't", "i havent", "no i don't", "no i dont",
    "nothing like that", "not that i know of", "no thanks", "hell no", "not at the moment", "i couldn't",
    "definitely not", "certainly not", "absolutely not", "of course not", "probably not", "totally not", "surely not",
    "non",  # French, said by people who mix it into their English
)
YES_ANSWERS = (
    "yes", "yeah", "yep", "yup", "ya", "yea", "yeh", "ye", "y", "sure", "correct", "right", "definitely",
    "absolutely", "of course", "certainly", "i do", "i am", "i'm", "im", "it is", "i have", "i will", "i can",
    "i could", "i would", "affirmative", "ok", "okay", "for sure", "totally", "true", "that's right",
    "thats right", "yes please", "i think so", "yessir", "yas", "ofc", "100%", "i guess so", "probably", "aye",
    "oui", "ouais",
)
PILL_DRUGS = frozenset({"opioids", "benzodiazepines", "stimulants"})
GENERIC_PILLS = re.compile(r"(?:the |my |some )?(?:pills?|tablets?|meds|medications?|medicines?)")
SUPPOSABLE = frozenset({"can_live_at_facility", "recent_treatment"})  # facts an "if" before them only supposes
# the questions a yes or no answers (mental health, court order, living at a facility)
YES_NO = frozenset(c.id for c in CRITERIA if c.asked and set(c.values) == {"yes", "no"})
BARE_ANSWERS = frozenset(NO_ANSWERS + YES_ANSWERS + HEDGE_ANSWERS + ("hard to say", "not certain", "unsure"))
YES_VALUES = {"mental_health": "yes", "court_ordered": "yes", "needs_supervision": "yes",
              "can_live_at_facility": "yes", "attend_commitment": "yes", "support": "some"}
NO_VALUES = {"mental_health": "no", "court_ordered": "no", "needs_supervision": "no", "can_live_at_facility": "no",
             "attend_commitment": "no", "recent_treatment": "none", "relapse": "none", "withdrawal": "none",
             "commitments": "none", "support": "none"}
GENERIC_CRITERIA = frozenset({"severity"})  # their words ("mild", "severe") also answer other questions
HEDGE_VALUES = {"attend_commitment": "unsure"}
# Bare words that answer the asked criterion, besides its values and button titles.
ANSWER_WORDS: dict[str, dict[str, str]] = {
    "substances": {"drinking": "alcohol", "mental health": "none", "mainly mental health": "none",
                   # slang read only as the answer to the substances question: "drink and blow", "piss and pot"
                   "blow": "stimulants", "sniff": "stimulants", "charlie": "stimulants", "piss": "alcohol",
                   "green": "cannabis", "bud": "cannabis"},
    "severity": {"bad": "severe", "bad enough": "moderate", "really bad": "severe", "very": "severe",
                 "medium": "moderate", "in between": "moderate", "so so": "moderate", "not bad": "mild",
                 "a little": "mild", "low": "mild", "high": "severe", "middle": "moderate"},
    "use_frequency": {"every day": "daily", "weekends": "weekly", "sometimes": "occasional"},
    "withdrawal": {"mild ones": "mild", "some": "mild", "a little": "mild", "bad": "dangerous",
                   "nothing dangerous": "mild", "nothing serious": "mild", "nothing crazy": "mild",
                   "serious": "dangerous", "severe": "dangerous", "serious ones": "dangerous", "shakes": "mild"},
    "recent_treatment": {"rehab": "residential_discharge", "inpatient": "residential_discharge",
                         "residential": "residential_discharge", "detox": "residential_discharge",
                         "iop": "completed_iop", "outpatient": "op_not_enough", "therapy": "op_not_enough",
                         "counseling": "op_not_enough"},
    "relapse": {"recently": "recent_relapse", "relapsed": "recent_relapse", "several": "multiple_relapses",
                "many": "multiple_relapses", "at risk": "at_risk", "risk": "at_risk", "close": "at_risk"},
    "mental_health": {"fine": "no", "all good": "no", "good": "no", "ok": "no", "okay": "no", "nothing": "no"},
    "home": {"safe": "stable", "good": "stable", "fine": "stable", "ok": "stable", "okay": "stable",
             "calm": "stable", "chaotic": "unstable", "bad": "unstable", "unsafe": "unstable",
             "triggers": "triggering", "triggering": "triggering"},
    "support": {"a lot": "strong", "lots": "strong", "yes a lot": "strong", "great": "strong",
                "a little": "some", "a bit": "some", "kind of": "some", "kinda": "some", "sort of": "some",
                "not really": "none", "nobody": "none", "no one": "none"},
    "commitments": {"job": "work", "work": "work", "working": "work", "school": "school", "college": "school",
                    "kids": "caregiving", "family": "caregiving", "caring": "caregiving"},
    "schedule": {"morning": "mornings", "day": "daytime", "days": "daytime", "day time": "daytime",
                 "afternoon": "daytime", "afternoons": "daytime", "evening": "evenings", "night": "evenings",
                 "nights": "evenings", "any": "flexible", "anytime": "flexible", "whenever": "flexible",
                 "early": "mornings", "late": "evenings"},
    "payment": {"self": "self_pay", "myself": "self_pay", "me": "self_pay", "private": "self_pay",
                "cash": "self_pay", "insured": "insurance"},
    "attend_commitment": {"maybe": "unsure", "probably": "unsure", "i'll try": "unsure", "i will": "yes"},
}
FILLER_WORDS = frozenset(
    {"i'd", "id", "say", "probably", "maybe", "mostly", "mainly", "its", "it's", "i", "guess", "um", "uh", "umm",
     "like", "pretty", "just", "think", "honestly", "well", "hmm", "definitely", "more", "so", "the", "is", "it",
     "im", "i'm", "would", "be", "am", "a", "an", "my", "oh", "ok", "okay", "only", "really"}
)
ASKED_ABOUT = frozenset({"you", "i", "it", "iop", "there", "we", "they", "the", "that", "this", "u"})
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "a": 1, "an": 1, "couple": 2, "few": 3,
    "several": 4, "handful": 5, "half": 1, "dozen": 12,
}
QUANTITY_WORDS = frozenset({"couple", "few", "handful", "dozen", "half"})
TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy"})
NUMBER_TOKEN = re.compile(r"^(\d{1,3})(?:\.\d+)?(?:ish|hrs?|hours?|h)?$")
NO_TIME_ANSWERS = ("none", "zero", "no time", "nothing", "no hours", "0")
WORD = re.compile(r"[a-z0-9%/']+")


@dataclass(frozen=True)
class Fact:
    """One intake fact stated in a message, with its evidence."""

    criterion: str  # a criterion id from bot.clinical.criteria
    value: str | int  # canonical value (see criteria.py)
    text: str  # the words of the message it came from (evidence)
    start: int  # char offsets in the message
    end: int


@dataclass(frozen=True)
class _Found:
    """A fact candidate before conflicts are resolved; `derived` when it came from flipping a negation."""

    fact: Fact
    derived: bool


def extract_facts(text: str, asked: str | None = None, nlp=None, _retry: bool = False,
                  learned: bool = False, guess: bool = False) -> list[Fact]:
    """Facts stated in `text`; `asked` is the criterion id the assistant just asked about, used to read short
    answers; `learned` lets its classifier read the answer (answers.py), for a message meant as an answer;
    `guess` takes the classifier's best reading, for an answer to a question asked again."""
    message = clean_text(text, MAX_CHARS)
    if not message.strip():
        return []
    learned = learned and (_retry or looks_english(message))  # the classifiers know English answers only
    if asked in BY_ID and not _retry:  # a value named with a typo is that value ("Modearte", "evnings")
        message = correct_typos(message, value_words(asked))
    try:
        doc = (nlp or load_pipeline())(message)
        found = [item for span in doc.spans["facts"] if (item := read_span(doc, span)) is not None]
        found = [item for item in found if not inside_another(item, found)]
        facts = resolve([item for item in only_named(found, message) if not compared_away(message, item.fact.start)])
        facts = without_generic_pills(facts)
        if asked != "commitments":  # "Work and the kids, so daytime": the other commitments said beside one
            facts = with_commitments_beside(facts, message)
        if asked in BY_ID:  # "no way" to the facility question is no answer about attending every session
            facts = [f for f in facts if not answers_only_its_own_question(f, asked)]
        if asked in BY_ID and not ASKS_MEANING.match(message):  # "define home" asks, it does not answer
            facts = prefer_asked(add_short_answer(facts, message, asked), asked)
            if asked == "substances" and every_substance_denied(doc, facts):  # "No alcohol. I do not drink."
                facts.append(whole_message_fact("substances", "none", message))
            facts = also_refined(facts, message, BY_ID[asked].also_asks)
            if learned:
                facts = with_learned_answer(facts, message, asked, guess)
            if asked == "severity" and (rating := severity_rating(message)):  # "8/10", "maybe 8 now" on a scale
                facts = [f for f in facts if f.criterion != asked] + [whole_message_fact(asked, rating, message)]
            if not any(f.criterion == asked for f in facts) and not _retry:
                corrected = correct_typos(message, answer_vocabulary(asked))
                if corrected != message:  # "qiuet house", "relasped 2 wks ago": read again, typos mended
                    return extract_facts(corrected, asked, nlp, _retry=True, learned=learned, guess=guess)
        return sorted((f for f in facts if is_valid(f)), key=lambda f: (f.start, f.criterion))
    except Exception:  # a chat turn must never fail because of the extractor
        logger.exception("fact extraction failed for a %d-character message", len(message))
        return []


@cache
def phrase_patterns() -> dict[str, list[str]]:
    """The plain-string fact patterns of data/patterns/facts.jsonl, by criterion (read once)."""
    by_label: dict[str, list[str]] = {}
    for pattern in srsly.read_jsonl(PATTERN_DIR / "facts.jsonl"):
        if isinstance(pattern.get("pattern"), str):
            by_label.setdefault(pattern.get("label"), []).append(pattern["pattern"])
    return by_label


@cache
def value_words(criterion_id: str) -> frozenset[str]:
    """The words of 5+ letters that name a criterion's values ("moderate", "evenings", "strained")."""
    return frozenset(word for value in BY_ID[criterion_id].values for word in value.split("_") if len(word) >= 5)


@cache
def answer_vocabulary(criterion_id: str) -> frozenset[str]:
    """The words of 4+ letters that answer a criterion: its values, labels and buttons, its short answer words,
    its phrase patterns and its context cues. Typos are mended toward these (correct_typos)."""
    criterion = BY_ID[criterion_id]
    texts = [*criterion.values, *criterion.value_labels.values(), *(title for title, _ in criterion.buttons),
             *ANSWER_WORDS.get(criterion_id, {}), *(p for _, p in CUES.get(criterion_id, ()))]
    texts += phrase_patterns().get(criterion_id, [])
    if criterion_id == "commitments":
        texts += [pattern for _, pattern in COMMITMENTS]
    words: set[str] = set()
    for text in texts:
        words |= pattern_words(text.lower().replace("_", " "))
    return frozenset(words)


# "a 28-day stay at a rehab", "my last stay in a facility": a stay that happened, not one that could
STAY_AS_NOUN = frozenset({"a", "my", "the", "his", "her", "our", "day", "week", "month", "last", "first", "long",
                          "short", "previous", "that", "this", "one"})


def read_span(doc, span) -> _Found | None:
    """The fact a matched span states, after negation, hedges and questions; None when it states none."""
    if in_question(doc, span) or is_hedged(doc, span) or a_stay_told(doc, span) or supposed(doc, span):
        return None
    criterion, value = span.label_, span.id_
    negation = (doc._.negations or {}).get(span_key(span))
    derived = negation is not None or denied_after(doc, span)
    if derived:
        value = FLIPS.get((criterion, value))
        if value is None:
            return None
    if criterion == "hours_available":
        value = hours_in(span)
        if value is None:
            return None
    start = doc[word_start(doc, span.start if negation is None else negation)].idx
    fact = Fact(criterion, value, doc.text[start:span.end_char], start, span.end_char)
    return _Found(fact, derived)


def every_substance_denied(doc, facts: list[Fact]) -> bool:
    """True when a reply names substances only to deny them ("Nothing. I do not drink."): no substance is kept."""
    negations = doc._.negations or {}
    denied = [span for span in doc.spans["facts"] if span.label_ == "substances" and span_key(span) in negations]
    return bool(denied) and not any(fact.criterion == "substances" for fact in facts)


def denied_after(doc, span) -> bool:
    """True for a sign denied after it, as a clause of its own: "Body shake no.", "Seizures never, shakes yes"."""
    after = [token for token in doc[span.end:span.end + 2] if not token.is_space]
    return (bool(after) and after[0].lower_ in POSTPOSED_DENIALS
            and (len(after) == 1 or after[1].is_punct))


def a_stay_told(doc, span) -> bool:
    """True for "stay at a facility" said of a stay that happened ("just off a 28-day stay at a rehab")."""
    return (span.label_ == "can_live_at_facility" and doc[span.start].lower_ in ("stay", "stays") and span.start > 0
            and doc[span.start - 1].lower_ in STAY_AS_NOUN)


def word_start(doc, i: int) -> int:
    """Index of the first token of the word holding token i ("do" for the "n't" of "don't")."""
    while i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].is_alpha:
        i -= 1
    return i


def cues_before(doc, span, kind: str) -> list:
    """Cue spans of `kind` that start in the span's clause, before the span."""
    clause_start, _ = clause_bounds(doc, span.start)
    return [cue for cue in doc.spans["cues"] if cue.id_ == kind and clause_start <= cue.start < span.start]


def in_question(doc, span) -> bool:
    """True when the span sits in a clause that asks something ("how many hours is IOP?")."""
    clause_start, clause_end = clause_bounds(doc, span.start)
    if clause_end < len(doc) and doc[clause_end].text == "?":
        return True
    if any(cue.start == clause_start for cue in cues_before(doc, span, "question")):
        return True
    return bool(cues_before(doc, span, "inquiry"))


def supposed(doc, span) -> bool:
    """True for a stay or a treatment only supposed: "If I go inpatient I'm grounded" says nothing of either."""
    return span.label_ in SUPPOSABLE and bool(cues_before(doc, span, "condition"))


def is_hedged(doc, span) -> bool:
    """True when "not sure if", "I don't know whether" ... comes before the span in its clause."""
    return bool(cues_before(doc, span, "hedge"))


def inside_another(item: _Found, found: list[_Found]) -> bool:
    """True when a longer match of another criterion holds this one: the "mild" of "withdrawal is mild" (a list's
    item still counts: the kids of "I can't leave my kids" are caregiving)."""
    fact = item.fact
    if BY_ID[fact.criterion].multiple:
        return False
    return any(other.fact.criterion != fact.criterion and other.fact.start <= fact.start <= fact.end <= other.fact.end
               and other.fact.end - other.fact.start > fact.end - fact.start for other in found)


COMPARED_AWAY = re.compile(r"\b(?:than|instead of|rather than|not(?: an?)?|heading (?:for|towards?|to|into)|"
                           r"on (?:the|its|my) way to|verging on|bordering on|edging (?:towards?|into))\s*$")


def compared_away(message: str, start: int) -> bool:
    """True for the value a comparison, a negation or a course sets aside: the "mild" of "more moderate than mild",
    the "daily" of "not a daily drinker", the "severe" of "heading for severe"."""
    return bool(COMPARED_AWAY.search(message[:start].lower()))


# A dangerous withdrawal sign is not taken back by a milder one told after it ("I start seeing things that aren't
# there, and the shaking is terrible"): symptoms add up; they do not correct each other.
WINS_IN_A_MESSAGE = {"withdrawal": "dangerous"}


def resolve(found: list[_Found]) -> list[Fact]:
    """One fact per single-valued criterion (last direct statement wins over flipped negations, but a dangerous
    withdrawal sign over any other); one per value for multiple criteria, where "none" gives way to any real value."""
    by_criterion: dict[str, list[_Found]] = {}
    for item in sorted(found, key=lambda item: item.fact.start):
        by_criterion.setdefault(item.fact.criterion, []).append(item)
    facts = []
    for criterion_id, items in by_criterion.items():
        if BY_ID[criterion_id].multiple:
            facts.extend(distinct_values(items))
        else:
            direct = [item for item in items if not item.derived]
            serious = [item for item in direct if item.fact.value == WINS_IN_A_MESSAGE.get(criterion_id)]
            facts.append((serious or direct or items)[-1].fact)
    return facts


# A sentence of its own that names one substance as the only one: "Opioids only.", "Just alcohol.", "Only weed"
ONLY_SENTENCE = re.compile(r"^\W*(?:(?:only|just|strictly)\s+(\w+)|(\w+)\s+(?:only|alone))\W*$", re.IGNORECASE)


def only_named(found: list[_Found], message: str) -> list[_Found]:
    """Without the vague "other" substance ("pills") when a sentence of the message says which substance it is
    and only that: "Started with pills, ended with fentanyl. Opioids only." names opioids alone."""
    if not any(item.fact.criterion == "substances" and item.fact.value == "other" for item in found):
        return found
    only = [(start, end) for start, end in sentence_spans(message) if ONLY_SENTENCE.match(message[start:end])]
    if not any(item.fact.criterion == "substances" and item.fact.value != "other" and start <= item.fact.start < end
               for item in found for start, end in only):
        return found
    return [item for item in found if not (item.fact.criterion == "substances" and item.fact.value == "other")]


def with_commitments_beside(facts: list[Fact], message: str) -> list[Fact]:
    """A message that names a commitment also gives the others its words name ("I work nights and study": school
    too), read with the commitments question's vocabulary."""
    named = {f.value for f in facts if f.criterion == "commitments"}
    if not named or "none" in named:
        return facts
    more = [value for value in commitment_values(message) if value not in named and value != "none"]
    return facts + [whole_message_fact("commitments", value, message) for value in more]


def without_generic_pills(facts: list[Fact]) -> list[Fact]:
    """"Pills" are another drug only when no drug taken as pills is named: "pills at first, percs" are opioids."""
    named = {f.value for f in facts if f.criterion == "substances"} & PILL_DRUGS
    return [f for f in facts if not (named and f.criterion == "substances" and f.value == "other"
                                     and GENERIC_PILLS.fullmatch(f.text.lower()))]


def distinct_values(items: list[_Found]) -> list[Fact]:
    """First fact per value; "none" only when nothing else was stated."""
    first: dict[object, Fact] = {}
    for item in items:
        first.setdefault(item.fact.value, item.fact)
    if len(first) > 1:
        first.pop("none", None)
    return list(first.values())


def is_valid(fact: Fact) -> bool:
    """True when the fact's criterion exists and accepts its value."""
    criterion = BY_ID.get(fact.criterion)
    if criterion is None:
        return False
    if criterion.numeric and isinstance(fact.value, bool):
        return False
    return criterion.accepts(fact.value)


# ---------------------------------------------------------------- numbers


def number_at(words: list[str], i: int) -> int | None:
    """The number that starts at words[i] (digits, "ten", "twenty five", "twenty-five"), or None."""
    word = words[i]
    if word in ("a", "an") and i + 1 < len(words) and words[i + 1] in QUANTITY_WORDS:
        return NUMBER_WORDS[words[i + 1]]
    match = NUMBER_TOKEN.match(word)
    if match:
        return int(match.group(1))
    if word in TENS:
        rest = words[i + 1:i + 3]
        if rest[:1] == ["-"]:
            rest = rest[1:]
        unit = NUMBER_WORDS.get(rest[0]) if rest else None
        return NUMBER_WORDS[word] + (unit if unit is not None and unit < 10 and rest[0] not in ("a", "an") else 0)
    return NUMBER_WORDS.get(word)


def first_number(words: list[str]) -> int | None:
    """The first number stated in a list of lower-case words."""
    for i in range(len(words)):
        value = number_at(words, i)
        if value is not None:
            return value
    return None


WEEKS_IN = {"fortnight": 2, "month": 4}


def hours_in(span) -> int | None:
    """Hours a week stated by an hours_available span ("2 hours a day" counts five weekdays)."""
    hours = first_number([token.lower_ for token in span])
    if hours is None:
        return None
    if span.id_ == "day":
        hours *= WEEKDAYS
    elif span.id_ in WEEKS_IN:  # "18 hours a fortnight", "16 hours a month"
        hours = round(hours / WEEKS_IN[span.id_])
    return min(max(hours, 0), MAX_HOURS)


# ---------------------------------------------------------------- short answers to the asked criterion


def answer_words(message: str) -> list[str]:
    """Lower-case words of a short answer, punctuation and emoji dropped."""
    return WORD.findall(message.lower())


def starts_with(words: list[str], phrases: tuple[str, ...]) -> str | None:
    """The longest phrase the words begin with, or None."""
    best = None
    for phrase in phrases:
        parts = phrase.split()
        if words[:len(parts)] == parts and (best is None or len(parts) > len(best.split())):
            best = phrase
    return best


def value_for_words(criterion_id: str, words: list[str]) -> list[str]:
    """Values of the asked criterion named by a short answer ("evenings", "self pay", "some")."""
    criterion = BY_ID[criterion_id]
    lookup = {value.replace("_", " "): value for value in criterion.values}
    lookup.update({title.lower(): value for title, value in criterion.buttons if value in criterion.values})
    lookup.update(ANSWER_WORDS.get(criterion_id, {}))
    content = [w for w in words if w not in FILLER_WORDS] or words
    text = " ".join(content)
    if text in lookup:
        return [lookup[text]]
    if len(words) > 6:
        return []
    padded = f" {' '.join(words)} "
    hits = sorted((key for key in lookup if f" {key} " in padded and not negated_word(padded, key)),
                  key=len, reverse=True)
    values: list[str] = []
    covered: list[str] = []
    for key in hits:
        if any(key in longer for longer in covered):
            continue
        covered.append(key)
        if lookup[key] not in values:
            values.append(lookup[key])
    return values if criterion.multiple else values[:1]


def told_after_asking(message: str) -> str:
    """What a message states after the questions it opens with ("Live there? No, I'm not doing live-in." -> "No,
    I'm not doing live-in."); empty when it states nothing after them."""
    spans = sentence_spans(message)
    asked = 0
    while asked < len(spans) and message[spans[asked][1] - 1] == "?":
        asked += 1
    if not asked or asked == len(spans):
        return ""
    rest = message[spans[asked][0]:].strip()
    return "" if is_question(answer_words(rest) or [""], rest) else rest


# A question about what the question means ("Define home, ha.") answers nothing: the question is asked again.
ASKS_MEANING = re.compile(r"\W*((idk|i don'?t know|i dunno|dunno|not sure|hmm+|um+|so|ok|okay|well|sorry)\W+)?"
                          r"(define\b|meaning\?|what do you mean|what does (that|this|it) mean|what counts as|"
                          r"how do you mean|depends what you mean)", re.IGNORECASE)
# An answer put off ("That's rather a long story.", "where do I even start") says nothing of which answer: no guess.
PUTS_OFF = re.compile(r"\b(long story|a long one|where (do|would|should|to) (i )?(even )?(start|begin)|"
                      r"hard to (say|explain|put)|how long have you got|that'?s a big question|"
                      r"(not|no) (fun|picnic|pleasant|nice|joke|walk in the park))\b", re.IGNORECASE)
# "As I said, wine.": an answer said to be given before, with nothing of this question's in it, is not guessed.
REFERS_BACK = re.compile(r"\W*(as|like) i (said|told you|mentioned)|\W*i (already )?(said|told you)\b", re.IGNORECASE)
# A question about the answer itself ("Does weekly therapy count? ...") comes with the answer.
ABOUT_THE_ANSWER = re.compile(r"\b(count|counts|considered|qualify|qualifies)\b", re.IGNORECASE)


def asks_first(message: str) -> bool:
    """True when a message opens with a real question ("Is everything available by video? ..."), not with an
    answer said as one ("Mild, I think? ...") or a question about the answer ("Does weekly therapy count? ...")."""
    spans = sentence_spans(message)
    first = message[spans[0][0]:spans[0][1]] if spans else ""
    return (first.endswith("?") and is_question(answer_words(first) or [""], first)
            and not ABOUT_THE_ANSWER.search(first))


def is_question(words: list[str], message: str) -> bool:
    """True when a reply asks something back ("how many hours is it?", "is IOP at night?")."""
    if words[0] in WH_WORDS:  # "when is IOP", not "when I was using I missed shifts"
        return message.rstrip().endswith("?") or not opens_clause(words)
    asks_about = len(words) > 1 and words[1] in ASKED_ABOUT
    return words[0] in AUX_WORDS and (message.rstrip().endswith("?") or asks_about) or asks_you(words)


DEGREE_WORDS = frozenset({"too", "that", "so", "very", "really", "super", "all", "real", "a", "an"})  # "not a good ..."


def negated_word(padded: str, key: str) -> bool:
    """True when the word right before `key`, past degree words, is a negation ("no job", "nothing too bad")."""
    before = padded[:padded.index(f" {key} ")].split()
    while before and (before[-1] in DEGREE_WORDS or before[-1] == "even"):  # "nothing too bad", "not even drinking"
        before.pop()
    return bool(before) and before[-1] in ("no", "not", "never", "without", "don't", "dont", "nor", "nothing",
                                           "isn't", "isnt", "wasn't", "wasnt", "aren't", "arent", "ain't", "aint",
                                           "nuh", "nae")  # Jamaican "it nuh serious", Scots "nae bad"


PRONOUNS = frozenset({"i", "i'm", "im", "it", "it's", "its"})
CLAUSE_BREAK = re.compile(r"[.,;:!?]+")
STANDALONE_NO = re.compile(r"\s*(no|nope|nah)\s*[,.!;:\u2014-]", re.IGNORECASE)


def plain_yes_no(message: str) -> str | None:
    """The yes or no a reply opens with, said as one: "no", "yeah", or "I couldn't" as a whole clause; None for
    "I don't want the hospital to know", where "I don't" opens a statement."""
    words = answer_words(message) or [""]
    said = starts_with(words, NO_ANSWERS) or starts_with(words, YES_ANSWERS)
    if said and said.split()[0] in PRONOUNS and answer_words(CLAUSE_BREAK.split(message)[0]) != said.split():
        return None
    return said


def closing_yes_no(message: str) -> str | None:
    """The yes or no a longer reply ends with, said as a clause of its own ("I'd rather not go back in. No.")."""
    clauses = [words for clause in CLAUSE_BREAK.split(message) if (words := answer_words(clause))]
    closing = " ".join(clauses[-1]) if len(clauses) > 1 else ""
    return closing if closing in NO_ANSWERS or closing in YES_ANSWERS else None


CONTRAST_WORDS = frozenset({"but", "though", "well", "except", "although", "only", "just", "unless", "apart"})
TAG_QUESTION = re.compile(r"[,\s]*\b(you know|ya know|y'?know|right|innit|eh|yeah|ok|okay|lol)\s*\?+\s*$",
                          re.IGNORECASE)
STANDALONE_YES = re.compile(r"\s*(yes|yeah|yep|yup|aye)\s*[,.!;:\u2014-]", re.IGNORECASE)


def plain_opening(message: str, asked: str) -> str | None:
    """The value a reply to a yes-or-no question opens with, said as a clause of its own ("No, ...", "Yes, ...")."""
    if asked not in YES_NO and asked != "attend_commitment":
        return None
    said = STANDALONE_NO.match(message) or STANDALONE_YES.match(message)
    rest = answer_words(message[said.end():]) if said else []
    if not said or rest[:1] and rest[0] in CONTRAST_WORDS:  # "No, but my doctor says it's anxiety"
        return None
    return (NO_VALUES if said.re is STANDALONE_NO else YES_VALUES)[asked]


def short_answer_values(criterion_id: str, message: str, says_more: bool = False,
                        plain_only: bool = False) -> list[str | int]:
    """What a short reply says about the asked criterion: values, a number, or UNKNOWN.

    When the message also states other facts (`says_more`), a bare yes / no / not sure is not
    taken as the answer: in "no withdrawal symptoms" the "no" belongs to withdrawal. With `plain_only`, a
    yes or no must be said as one ("no", "yeah"), not as "I don't ..." or "I'm ...". A hedge opening a later
    clause ("Ewan ko. I don't know, it's just heavy") leaves the question unanswered."""
    words = answer_words(message)
    if not words or is_question(words, message):
        return []
    criterion = BY_ID[criterion_id]
    if criterion.numeric:
        return hours_answer(words)
    named = value_for_words(criterion_id, words)
    if not named and len(words) > 6:  # "Mild. I feel rubbish for a day or two.": the value said first, on its own
        opening = answer_words(CLAUSE_BREAK.split(message)[0])
        named = value_for_words(criterion_id, opening) if len(opening) <= 3 else []
    if says_more and STANDALONE_NO.match(message):  # "No, I'll come and go.": the "No" answers ("yes, I have
        return [NO_VALUES[criterion_id]] if criterion_id in NO_VALUES else []  # insurance" may confirm its own fact)
    if says_more:
        return [value for value in named if value not in ("yes", "no", "none", UNKNOWN)]
    if named:
        return named
    if starts_with(words, NOT_APPLICABLE) and criterion_id in NO_VALUES:
        return [NO_VALUES[criterion_id]]
    if criterion_id in YES_NO and (closing := closing_yes_no(message)):
        # a plain "No." closing the reply outweighs a hedge before it: "I'd rather not go back in. No."
        return [(NO_VALUES if closing in NO_ANSWERS else YES_VALUES)[criterion_id]]
    if starts_with(words, HEDGE_ANSWERS + NOT_APPLICABLE):
        return [HEDGE_VALUES.get(criterion_id, UNKNOWN)]
    said = starts_with(words, NO_ANSWERS) or starts_with(words, YES_ANSWERS)
    if said and PUTS_OFF.search(message):  # "it's not fun": something, but not yet what (asked again)
        return []
    if said and criterion_id == "withdrawal" and DEPENDENCE.search(message.lower()):
        return []  # "I don't do well without them": not a no, and not yet which signs (asked again)
    if said and (not plain_only or plain_yes_no(message)):
        values = NO_VALUES if said in NO_ANSWERS else YES_VALUES
        return [values[criterion_id]] if criterion_id in values else []
    if any(starts_with(answer_words(clause) or [""], HEDGE_ANSWERS) for clause in CLAUSE_BREAK.split(message)[1:]):
        return [HEDGE_VALUES.get(criterion_id, UNKNOWN)]
    return []


def hours_answer(words: list[str]) -> list[str | int]:
    """Hours from a reply to the hours question: "10", "like 12", "a few", "none", "not sure"."""
    if starts_with(words, HEDGE_ANSWERS) and first_number(words) is None:
        return [UNKNOWN]
    if " ".join(words) in NO_TIME_ANSWERS or starts_with(words, ("no time", "none", "zero")):
        return [0]
    hours = first_number([w for w in words if w not in ("a", "an")])
    if hours is None:
        return []
    if (span := re.fullmatch(r"(\d{1,2}) (?:to |or )?(\d{1,2})", " ".join(words))) is not None:
        hours = max(int(span.group(1)), int(span.group(2)))  # "1-2": the top of the range
    per_day = any(w in ("day", "daily", "night", "nightly") for w in words)
    return [min(hours * WEEKDAYS if per_day else hours, MAX_HOURS)]


def prefer_asked(facts: list[Fact], asked: str) -> list[Fact]:
    """Drop generic-word facts (severity's "mild", "severe") whose words answer the asked criterion instead."""
    answers = [f for f in facts if f.criterion == asked]
    return [
        f for f in facts
        if f.criterion not in GENERIC_CRITERIA or f.criterion == asked
        or not any(f.start < a.end and a.start < f.end for a in answers)
    ]


# safety first, and a stay that just ended: overruled only by a sure reading
KEPT_FROM_PATTERNS = frozenset({("withdrawal", "dangerous"), ("recent_treatment", "residential_discharge")})
SURE = 0.9
SHORT_ANSWER_WORDS = 3
BEST_GUESS = 0.0  # the most likely value, unless that is "too vague to code"
AFTER_QUESTION = 0.8  # a statement after the person's own question is less often the answer: a surer reading
OVERRULE = 0.6  # what the patterns read ("out of control": severe) gives way only to a fairly sure reading


def with_learned_answer(facts: list[Fact], message: str, asked: str, guess: bool = False) -> list[Fact]:
    """The pending question's answer as its classifier reads it, when confident (answers.py), or its best
    reading when the question was asked again (`guess`: better than leaving it unknown, and the summary lets
    the person correct it). A message that states other facts and none for the question is about something
    else ("my wife is supportive" to the home question), and a question asked back is no answer: only what follows
    it is read, and needs a surer reading unless it opens with a plain yes or no ("Is it confidential? I don't want
    them to know." is no answer; "You mean shakes? Yeah, bad ones in the morning" is)."""
    after_question = False
    if asks_first(message) and (statement := told_after_asking(message)):
        after_question, message = plain_yes_no(statement) is None, statement
    words = answer_words(message)
    if is_question(words or [""], message):
        return facts
    if (message.rstrip().endswith("?") or PUTS_OFF.search(message) or REFERS_BACK.match(message)) and not any(
            f.criterion == asked for f in facts):
        return facts  # a question back in plain words ("Group have ASL interpreter every time?"), or an answer put off
    if any(answers_another(f, asked) for f in facts) and not any(f.criterion == asked for f in facts):
        return facts
    found = [f for f in facts if f.criterion == asked and f.value != UNKNOWN]
    if found and len(words) <= SHORT_ANSWER_WORDS:
        return facts  # "yep", "no way": the short-answer words are exact, a bag of words is not
    if found and plain_opening(message, asked) in {f.value for f in found}:
        return facts  # "No, I'll turn up when I can.": the plain no answers, whatever the words after it
    plain = found and asked in YES_NO and plain_yes_no(message)
    if any((asked, f.value) in KEPT_FROM_PATTERNS for f in found) or plain:
        needed = SURE  # a plain "No." opening the reply answers a yes-or-no question, whatever the reasons after it
    else:
        needed = OVERRULE if found else (BEST_GUESS if guess else MIN_CONFIDENCE)
    if after_question:
        needed = max(needed, AFTER_QUESTION)
    value = learned_value(asked, message, needed)
    if value is None:
        return facts
    learned = [f for f in facts if f.criterion != asked] + [whole_message_fact(asked, value, message)]
    return refined_answer(learned, message, asked) if asked == "severity" else learned  # "still had the job tho"


def answers_only_its_own_question(fact: Fact, asked: str) -> bool:
    """True for a fact read from a bare yes, no or hedge ("no way", "unsure", "hard to say"), which answers whatever
    was asked, when another criterion was asked."""
    return fact.criterion != asked and fact.text.lower() in BARE_ANSWERS


def answers_another(fact: Fact, asked: str) -> bool:
    """True when a fact answers another question of the form: not a list item named in passing ("missed a lot of
    school", "the drinking") and not what the form never asks ("a bottle a day" is how often)."""
    criterion = BY_ID[fact.criterion]
    return fact.criterion != asked and criterion.asked and not criterion.multiple


def whole_message_fact(criterion_id: str, value: object, message: str) -> Fact:
    """A fact whose evidence is the whole (stripped) reply."""
    evidence = message.strip()
    start = message.index(evidence)
    return Fact(criterion_id, value, evidence, start, start + len(evidence))


REFINERS = {"relapse": refine_relapse, "support": refine_support, "severity": refine_severity,
            "schedule": refine_schedule}


def also_refined(facts: list[Fact], message: str, also: str | None) -> list[Fact]:
    """The answer to the second thing a question asked (`also_asks`) with its qualifiers heard, in the sentence that
    states it only ("Finished IOP last week. No relapse, but I'm nervous." is at risk, not a relapse last week)."""
    stated = next((f for f in facts if f.criterion == also), None)
    if stated is None or also not in REFINERS:
        return facts
    start, end = next(((a, b) for a, b in sentence_spans(message) if a <= stated.start < b), (0, len(message)))
    value = REFINERS[also](stated.value, message[start:end])
    return facts if value in (None, stated.value) else (
        [f for f in facts if f.criterion != also] + [whole_message_fact(also, value, message)])


def refined_answer(facts: list[Fact], message: str, asked: str) -> list[Fact]:
    """The asked fact with the reply's qualifiers heard ("no relapse, but I'm nervous": at risk)."""
    stated = next((f for f in facts if f.criterion == asked), None)
    value = REFINERS[asked](stated.value if stated else None, message)
    if value is None or (stated and value == stated.value):
        return facts
    return [f for f in facts if f.criterion != asked] + [whole_message_fact(asked, value, message)]


# In an answer to the commitments question a time of day is the commitment's ("work, 9 to 5", "I work nights")
# unless said as when the person could come: "so evenings", "free mornings", "any time", or a sentence of its own.
AVAILABLE = re.compile(r"\b(free|available|availability|can come|could come|can do|could do|can make|could make|"
                       r"attend|so|then|except|but|any ?time|whenever|flexible|open|best|works)\b", re.IGNORECASE)


def when_available(facts: list[Fact], message: str) -> list[Fact]:
    """Without a schedule read in a commitments answer that tells only when the commitment is."""
    alone = {(start, end) for start, end in sentence_spans(message) if len(message[start:end].split()) <= 3}
    return [f for f in facts if f.criterion != "schedule" or AVAILABLE.search(message)
            or any(start <= f.start < end for start, end in alone)]


def commitments_answer(facts: list[Fact], message: str) -> list[Fact]:
    """The commitments a reply names, by the patterns and by the question's vocabulary together, and when the
    person could come if it says so."""
    facts = when_available(facts, message)
    named = commitment_values(message)
    stated = [f for f in facts if f.criterion == "commitments"]
    if named == ["none"] or (not named and not stated and starts_with(answer_words(message), NO_ANSWERS)):
        return [f for f in facts if f.criterion != "commitments"] + [whole_message_fact("commitments", "none", message)]
    kept = [f for f in stated if f.value != "none"
            and not (f.value == "work" and (no_work(message) or time_words_only(message)))
            and not (f.value == "caregiving" and not_caring(message))]
    values = list(dict.fromkeys([f.value for f in kept] + named))
    if not values:
        return facts
    return ([f for f in facts if f.criterion != "commitments"] + kept
            + [whole_message_fact("commitments", v, message) for v in values if v not in {f.value for f in kept}])


def add_short_answer(facts: list[Fact], message: str, asked: str, after_question: bool = False) -> list[Fact]:
    """Add the asked criterion's reading of a short reply when the message stated nothing about it;
    a multiple-valued criterion also takes further values the reply names ("work and school"). After a question
    (`after_question`), "I don't ..." or "I'm ..." is no yes or no: "Is it confidential? I don't want them to know."."""
    criterion = BY_ID[asked]
    asks_back = is_question(answer_words(message) or [""], message)
    statement = told_after_asking(message) if asks_back else ""
    if statement:  # "What's the going rate, six hours? I can do six a week.": the answer after the question
        return add_short_answer(facts, statement, asked, after_question=True)
    if criterion.numeric and not asks_back and (hours := hours_from(message)) is not None:
        return [f for f in facts if f.criterion != asked] + [whole_message_fact(asked, hours, message)]
    if asked == "commitments" and not asks_back:
        return commitments_answer(facts, message)
    # the question's vocabulary reads a statement, not a question back ("Group have ASL interpreter every time?"),
    # and a statement ending in a tag ("... not rock bottom, you know?") is one
    asked_back = asks_back or TAG_QUESTION.sub("", message).rstrip().endswith("?")
    if asked in REFINERS and not asked_back:
        facts = refined_answer(facts, message, asked)
    stated = {f.value for f in facts if f.criterion == asked}
    opening = plain_opening(message, asked)
    if opening and stated and opening not in stated and not criterion.multiple:
        # "No, I'll come when I can.": the plain yes or no answers the question; what follows says why
        return [f for f in facts if f.criterion != asked] + [whole_message_fact(asked, opening, message)]
    others = {f.criterion for f in facts} - {asked}
    if opening and not stated and others and criterion.also_asks not in others:
        # "Yes, I need the paper for court." to the attendance question: the yes is its answer (but "yes, I have
        # insurance" to the court-and-payment question confirms the insurance)
        return facts + [whole_message_fact(asked, opening, message)]
    if stated and not criterion.multiple:
        return facts
    says_more = any(f.criterion != asked for f in facts)
    values = [v for v in short_answer_values(asked, message, says_more, plain_only=after_question) if v not in stated]
    if not values and not stated and not asked_back:
        values = [v for v in [context_value(asked, message)] if v is not None]
    if stated:
        values = [v for v in values if v not in (UNKNOWN, "none")]
    if not values:
        return facts
    combined = facts + [whole_message_fact(asked, value, message) for value in values]
    if criterion.multiple and len({f.value for f in combined if f.criterion == asked}) > 1:
        combined = [f for f in combined if not (f.criterion == asked and f.value in ("none", UNKNOWN))]
    if asked in REFINERS and not asks_back:  # the qualifiers heard on the question's own reading too
        combined = refined_answer(combined, message, asked)
    return combined
