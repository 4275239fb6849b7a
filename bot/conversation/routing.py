"""Which way one message goes: the single routing decision, a pure function of what the NLU read.

The order is the clinical one: a certain crisis first; then whether the message states facts or asks
about programs; then, for a question, which answer of the knowledge file (or the honest "I don't have
that information"). The pending question's own vocabulary is applied after this, by the form
(`bot.conversation.extract.add_short_answer`), because the NLU does not see the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.clinical.knowledge import (
    NOT_COVERED,
    QUESTION_START,
    SURE_FAQ,
    choose_answer,
    ends_with_program_question,
    looks_like_question,
)
from bot.conversation.changes import asks_to_change
from bot.crisis.assess import (
    CLASSIFIER_CHECK_CONFIDENCE,
    CLASSIFIER_MIN_WORDS,
    CLASSIFIER_QUIET_CONFIDENCE,
    UNSPECIFIED,
    Assessment,
    CrisisSignal,
    mentions_danger,
)

CRISIS = "crisis"
FAQ = "faq"  # the retrieval intent whose answers live in data/knowledge/faq.yml
FALLBACK = "nlu_fallback"
INFORM = "inform"  # an answer to an intake question
OUT_OF_SCOPE = "out_of_scope"
INTAKE_INTENTS = (INFORM, "start_intake")
CATEGORY_ENTITY = "crisis_category"  # the crisis category, which fills the slot the crisis response names
CHECK_ENTITY = "safety_check"  # an uncertain signal: the words the safety question quotes
QUOTE_WORDS = 8  # the safety question quotes at most this many of the person's words
SAFETY_PROPERTY = "safety"  # parse-result key: {"classifier_only": True} when DIET alone raised the check


@dataclass(frozen=True)
class Reading:
    """What the NLU read in one message, before any decision."""

    text: str
    intent: str  # after the FallbackClassifier (may be nlu_fallback)
    confidence: float
    ranking: tuple[tuple[str, float], ...] = ()  # DIET's intents, best first
    selector_topic: str | None = None  # the ResponseSelector's FAQ topic
    selector_confidence: float = 0.0
    selector_runner_up: str | None = None  # its best topic other than not_covered
    facts: frozenset[str] = frozenset()  # the criteria the intake rules found
    crisis: Assessment = Assessment(None)

    def best_guess(self, skip: str = FALLBACK) -> tuple[str, float]:
        """The most likely intent other than `skip` (and the fallback)."""
        return next(((name, conf) for name, conf in self.ranking if name not in (skip, FALLBACK)), ("", 0.0))


@dataclass(frozen=True)
class Route:
    """The decision: the intent, the crisis signal if any, the FAQ answer if any, and whether facts count."""

    intent: str
    confidence: float
    signal: CrisisSignal | None = None  # certain: the crisis response; uncertain: a safety question
    faq_topic: str | None = None
    found_by: str | None = None  # "selector", "search", "none" or "not_covered" when the knowledge was asked
    keep_facts: bool = True
    classifier_only: bool = False  # the signal is DIET's crisis class alone, on a message naming no acute danger

    @property
    def safety_question(self) -> bool:
        """True when the message calls for a direct safety question rather than the full response."""
        return self.signal is not None and not self.signal.certain

    def quote(self, text: str) -> str:
        """The words a safety question quotes back: the evidence, or the message's first words."""
        words = ((self.signal.text if self.signal else "") or text).split()
        return " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")


def route(reading: Reading) -> Route:
    """The one routing decision for a message."""
    signal = reading.crisis.signal
    if signal is not None and signal.certain:
        return Route(CRISIS, 1.0, signal, keep_facts=False)
    intent, confidence = reading.intent, reading.confidence
    classifier_only = False
    if intent == CRISIS:
        if signal is None and classifier_alone_worth_asking(reading):
            signal = CrisisSignal(UNSPECIFIED, reading.text, 0, len(reading.text), certain=False)
            classifier_only = not mentions_danger(reading.text)
        intent, confidence = reading.best_guess(skip=CRISIS) if reading.ranking else (FALLBACK, 1.0)
        intent = intent or FALLBACK
    intent = statement_or_question(reading, intent, confidence)
    if (said := plain_yes_or_no(reading.text)) is not None:
        intent, confidence = said, 1.0
    if asks_to_change(reading.text):
        intent = INFORM  # "the hours part is wrong" names the answer to change: the form asks it again
    if intent not in (FAQ, FALLBACK) or (intent == FALLBACK and reading.best_guess()[0] in INTAKE_INTENTS):
        return Route(intent, confidence, signal, classifier_only=classifier_only)
    entry, found_by = answer_for(reading, intent)
    if entry is None:
        return Route(FALLBACK, confidence, signal, found_by=found_by, classifier_only=classifier_only)
    return Route(FAQ, confidence, signal, entry.topic, found_by, classifier_only=classifier_only)


def classifier_alone_worth_asking(reading: Reading) -> bool:
    """DIET's crisis class alone asks the safety question when sure (surer still on a message with no danger word),
    on 4+ words, and not on an idiom or a message that says no one is in danger."""
    needed = CLASSIFIER_CHECK_CONFIDENCE if mentions_danger(reading.text) else CLASSIFIER_QUIET_CONFIDENCE
    return (reading.confidence >= needed and not reading.crisis.quiet
            and len(reading.text.split()) >= CLASSIFIER_MIN_WORDS)


# A whole message that is only a yes or a no is one, whatever the classifier leans to: "no" is also the start of
# hundreds of intake answers ("no court", "no withdrawal"), so DIET reads a bare "no" near the line between deny and
# inform. In the form either counts as an answer; at "Delete everything?" or "Start over?" only deny does.
PLAIN_NO = frozenset({"no", "nope", "nah", "na", "n", "no no", "nope nope", "negative", "no way", "nah mate"})
PLAIN_YES = frozenset({"yes", "yeah", "yep", "yup", "yea", "ya", "y", "yes please", "yeah sure", "sure", "yes yes"})


def plain_yes_or_no(text: str) -> str | None:
    """ "affirm" or "deny" for a message that is only a yes or a no ("No.", "yep!"); None for anything more."""
    words = " ".join(re.findall(r"[a-z]+", text.lower()))
    return "deny" if words in PLAIN_NO else "affirm" if words in PLAIN_YES else None


def statement_or_question(reading: Reading, intent: str, confidence: float) -> str:
    """Re-reads the intent where the classifier mistakes a question for a statement or the reverse."""
    selector_sure = reading.selector_confidence >= SURE_FAQ and reading.selector_topic not in (None, NOT_COVERED)
    if intent == INFORM and selector_sure and ends_with_program_question(reading.text):
        return FAQ  # "my son drinks daily and can't go away. Could he do IOP and keep school?"
    if intent == INFORM and not reading.facts and asks_outright(reading.text):
        return FAQ  # "Do you have anything online I could do from home?" asks; it tells nothing
    if not reading.facts or looks_like_question(reading.text) and intent != FALLBACK:
        return intent
    if intent == FAQ and (len(reading.facts) >= 2 or confidence < SURE_FAQ):
        return INFORM  # "completed intensive outpatient 2 weeks ago" states a fact; it asks nothing
    if intent == FALLBACK and reading.best_guess()[0] in INTAKE_INTENTS:
        return INFORM  # unsure, but most likely an intake message, and it states facts
    if intent == OUT_OF_SCOPE:
        return INFORM  # "my PO said I gotta do a program, I'm on probation" states facts: not off-topic
    return intent


def asks_outright(text: str) -> bool:
    """True for a question in so many words: it opens with an auxiliary ("do you", "can I"), runs to four
    words or more and ends with "?" (a short reply with "?" may still be an answer: "evenings?")."""
    return text.strip().endswith("?") and bool(QUESTION_START.match(text)) and len(text.split()) >= 4


def answer_for(reading: Reading, intent: str):
    """The knowledge file's answer to a question, and how it was found."""
    faq_confidence = reading.best_guess()[1] if reading.best_guess()[0] == FAQ else 0.0
    faq_like = intent == FAQ or faq_confidence > 0
    topic = reading.selector_topic if faq_like else None
    return choose_answer(topic, reading.selector_confidence, reading.text, faq_confidence,
                         reading.selector_runner_up)
