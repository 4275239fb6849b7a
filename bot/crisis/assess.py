"""Crisis detection for free-text intake messages: rule-based, negation-, tense- and idiom-aware; where the rules
find nothing, a small learned net (bot/crisis/net.py) may raise an uncertain signal.

    detect_crisis("I took all my pills an hour ago")
    -> CrisisSignal("overdose", "took all my pills", 2, 19)

Pipeline: blank English tokenizer -> safety_matcher (spaCy Matcher, patterns from data/safety/*.jsonl,
one file per clinical category) -> doc.spans["safety"]. A pattern's label is a category or "_cue"; its id
is "name" or "name@flag+flag" (categories, references and flags: docs/safety.md). A crisis match counts unless:

* an idiom decoy overlaps it ("dying to know", "cut back", "take my life back"), or its clause says it
  is benign ("I took all my meds this morning as prescribed");
* a negation word governs it ("I'm not suicidal", "no thoughts of self harm") or a denial follows it
  ("self harm: no");
* it is talk about a class of people ("people who self harm"), or sits in a question that is generic
  ("what happens if someone overdoses?") or hypothetical ("what if I have a seizure in detox?");
* it is history: a past cue in its clause ("years ago", "used to", "as a teen") and no now cue
  ("just", "right now", "tonight", "again", "keep"); the acute categories (overdose, medical emergency,
  dangerous withdrawal) also count weak past cues ("last week", "I had") and habits ("when I stop drinking").

High recall comes first: anything else that matches is a crisis. A pattern flagged "unsure" (wording that
may or may not mean a crisis, such as "I can't do this anymore") gives an uncertain signal, which the
assistant answers with a direct safety question; so does a detector that fails. A certain signal wins over
an uncertain one, then the most serious category (SEVERITY), then the earliest match. Pure functions.
"""

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

import bot.text as text_rules
from bot import ROOT
from bot.crisis.net import NET_CHECK, net_reading
from bot.crisis.terms import find_crisis_term, other_language
from bot.text import clean_text

logger = logging.getLogger(__name__)

PATTERN_DIR = ROOT / "data" / "safety"
SPANS_KEY = "safety"
CUE_LABEL = "_cue"
IDIOM_CUE = "idiom"
HABIT_ENDS = frozenset({"end", "ending", "stop", "done", "over"})  # "stop drinking": an idiom cue, no idiom of harm
SAFE_CUE = "said_safe"  # "I'm safe", "nobody's in danger", "nothing threatening"
MAX_CHARS = 20_000  # longer messages are cut (a crisis past this point is missed)

CATEGORIES = ("suicide", "self_harm", "overdose", "medical_emergency", "dangerous_withdrawal", "danger_to_others",
              "danger_at_home")
UNSPECIFIED = "unspecified"  # an uncertain signal with no category: the classifier alone, or a failed detector
OTHER_LANGUAGE = "other_language"  # a message in a language the rules cannot read, with no crisis term found
# Most serious first: a life at risk by the person's own hand now, then a poisoning in progress, then any
# other medical emergency, then a threat to someone else or to the person at home, then withdrawal that can
# turn fatal, then self-harm.
SEVERITY = ("suicide", "overdose", "medical_emergency", "danger_to_others", "danger_at_home",
            "dangerous_withdrawal", "self_harm", UNSPECIFIED, OTHER_LANGUAGE)
UNSURE_FLAG = "unsure"
# DIET's crisis class alone asks the safety question at this confidence or above, unless the message is an
# everyday idiom; otherwise the message is read as DIET's next intent. (A negated or past crisis still gets
# the question from DIET: "holding the razor rn. trying not to" is one.) Short messages get no question from
# DIET alone: the crisis messages it catches are sentences, its false alarms short answers and noise.
CLASSIFIER_CHECK_CONFIDENCE = 0.9
# ... and at this confidence when the message names no danger word (DANGER_WORDS): over the development sets
# that halves its questions on ordinary talk (persona messages 180 -> 91, hard negatives 78 -> 53) and keeps 55
# of the 56 crisis messages only the classifier catches without such a word.
CLASSIFIER_QUIET_CONFIDENCE = 0.99
CLASSIFIER_MIN_WORDS = 4  # and a message of at least this many words: on "purple monkey dishwasher" it guesses
# Context flags that look at the whole message, not the clause or sentence: flag -> cue id.
MESSAGE_CONTEXTS = {"means": "means", "resolve": "resolve", "resolve_weak": "resolve_weak", "anywd": "wd",
                    "anydrug": "drug", "other": "other", "passed_out": "passed_out", "welcome": "welcome"}
ACUTE = frozenset({"overdose", "medical_emergency", "dangerous_withdrawal"})
# A certain signal told with no now or recent cue in the whole message ("Seizures, hallucinations, the works." to the
# withdrawal question, "a psych hold in college for suicidal thoughts. That was 12 years ago.") is the safety
# question, not the full response, when the learned net reads the message as ordinary talk: below this probability.
# Each development set held out in turn (the net trained without it), 0.05 -> 0.2 outside the acute categories
# turned none of 424 rule-certain crisis messages into a question, and 4 of the 11 full responses the last five
# rounds raised on hard negatives at their first measurement would have been questions.
NET_DISAGREES = 0.2
# ... and told as now, in a message of NET_REST_WORDS words or more, below this. Each set from the fourteenth round on
# read by a net trained only on the sets written before it: 8 of the 38 full responses those rounds raised on hard
# negatives at their first measurement read below 0.05 with a now cue ("we're ending things after 12 years, it's
# mutual and calm, I just need my own support now"), and 1 of 1,176 rule-certain crisis messages of those words
# ("me deaf. life me want finish ... want die, true. help where?", 0.03), which gets the safety question.
NET_DISAGREES_NOW = 0.05
# The net is heard over an idiom only on the rest of the message, when that has at least this many words.
NET_REST_WORDS = 8
# The net's safety question over a crisis phrase the rules read as negated, past or general: at this or above. Each
# development set held out in turn, no hard negative or persona message the rules leave quiet reads 0.95 or more; a
# gamer's farewell typed in a chat ("gg its been real ... not gonna be on again ever") reads 0.98, "I took all my meds
# this morning like I'm supposed to" 0.97.
NET_OVERRULES = 0.975
# "lol", "lmao", "jk": said as a joke, a death or violence word is worth the safety question, not the full response
SOFTENED_BY_JOKE = frozenset({"suicide", "self_harm", "danger_to_others"})
# Words of acute danger. DIET's crisis class alone, on a message that answers the pending intake question,
# asks the safety question only when one of these is in it: the classifier also fires on plain answers
# ("my mom watches my daughter"), and an answer naming none of these is read as the answer it is.
DANGER_WORDS = re.compile(
    r"\b(die|dies|dying|dead|death|kill\w*|suicid\w*|kms|unaliv\w*|end (it|things|my life|everything)|ending it|"
    r"alive|exist|goodbye|burden|better off|hopeless|no point|no reason|trapped|way out|can'?t (go on|take it)|"
    r"give up|hurt\w*|harm\w*|cut|cutting|blade|razor|knife|blood\w*|bleed\w*|wrists?|overdos\w*|od'?d|narcan|"
    r"breath\w*|blue|unresponsive|wake|passed out|collaps\w*|unconscious|gun|pistol|rifle|loaded|weapon|rope|noose|"
    r"bridge|jump\w*|hit|hits|beat\w*|chok\w*|strangl\w*|threat\w*|hiding|locked|abus\w*|stab\w*|shoot\w*|"
    r"emergency|911|help me|please help|right now|rn|tonight)\b", re.IGNORECASE)


def mentions_danger(text: str) -> bool:
    """True when a message names acute danger in any words of DANGER_WORDS."""
    return bool(DANGER_WORDS.search(text or ""))


# clinical denials, and the negations of languages mixed into English ("hindi ako suicidal", "main nahi ...")
NEGATION_WORDS = text_rules.NEGATION_WORDS | {"denies", "denied", "deny", "w/o", "zero", "hindi", "nahi", "nahin",
                                              "tak", "tidak", "bukan", "nao", "não", "nie"}
CESSATION_WORDS = frozenset({"stopped", "quit"})  # negate only right before the match: "I stopped cutting"
INTERJECTION_NEGATIONS = frozenset({"no", "nope", "nah"})
PRONOUNS = frozenset({"i", "im", "he", "she", "we", "they", "you", "it", "u", "my"})
# Words that may stand between a negation and what it negates ("I have never really wanted to ...").
BRIDGE_WORDS = frozenset({
    "really", "ever", "even", "actually", "currently", "honestly", "truly", "seriously", "at", "all", "have", "'ve",
    "ve", "had", "has", "having", "any", "a", "an", "been", "be", "being", "going", "gon", "na", "gonna", "to",
    "want", "wanted", "wanting", "wanna", "wan", "think", "thought", "thinking", "thoughts", "of", "about", "i",
    "'m", "am", "m", "im", "'d", "d", "would", "will", "'ll", "ll", "do", "did", "does", "plan", "planning", "plans",
    "intend", "intending", "intention", "intentions", "feel", "felt", "feeling", "feelings", "the", "moment",
    "right", "now", "like", "is", "was", "were", "are", "'s", "'re", "get", "got", "gotten", "done", "anything",
    "that", "urge", "urges", "desire", "tried", "try", "trying", "mean", "meant", "longer", "more", "considered",
    "considering", "contemplated", "experienced", "experiencing", "history", "signs", "symptoms", "sign", "risk",
    "current", "active", "slightest", "single", "bit", "little", "once", "or", "nor", "in", "my", "life",
    "talking", "talked", "mentioned", "mentioning",  # "he's not talking about hurting himself"
    "hx", "h/o", "prior", "previous", "past",  # clinical shorthand: "no hx DTs or sz"
    "tryna", "trynna", "finna", "bout",  # "i ain't tryna hurt myself"
    "dey", "go", "naman", "ako", "talaga", "po", "main", "mai",  # Pidgin, Tagalog, Hindi: "I no dey think to ..."
})
NEGATION_REACH = 7  # bridge words a negation reaches across
DENIAL_WORDS = frozenset({"no", "none", "never", "nope", "nah", "denies", "denied", "negative", "n/a"})
DENIAL_GAP = frozenset({":", "-", "?", "=", ",", "–", "—"})
PLEAS = frozenset({"help", "please", "pls", "plz"})  # now cues of urgency, which a question "in general" may use too
DENIAL_ADDRESS = frozenset({"sir", "ma'am", "maam", "mam", "mate", "doc"})
DENIAL_NOUNS = frozenset({"thoughts", "thought", "ideation", "urges", "feelings", "attempts", "history", "behavior",
                          "behaviour", "behaviors", "plan", "plans", "intent", "risk", "symptoms", "si", "hi"})
LIST_WORDS = frozenset({"or", "nor", "/", ","})
YES_WORDS = frozenset({"yes", "yeah", "yea", "yep", "yup", "ya", "mhm", "definitely", "absolutely", "constantly"})
CONDITION_WORDS = frozenset({"if", "when", "whenever", "once", "unless", "til", "till", "until"})

SENTENCE_PUNCT = text_rules.SENTENCE_PUNCT
CLAUSE_PUNCT = text_rules.CLAUSE_PUNCT
CLAUSE_WORDS = text_rules.CLAUSE_WORDS
JOIN_WORDS = frozenset({"and", "so", "or"})  # clause breaks when a subject follows: "..., and now I'm fine"
SUBJECT_WORDS = text_rules.SUBJECT_WORDS | {"now", "am", "have", "things", "everything", "life", "today", "honestly"}
QUESTION_STARTS = text_rules.WH_WORDS | text_rules.AUX_WORDS | {"was", "were"}
WH_WORDS = (text_rules.WH_WORDS - {"what's", "whats"}) | {"whenever"}
DEFINITION_STARTS = frozenset({"whats", "what's", "what", "wats", "wat", "define"})
DEFINITION_WORDS = 4  # a question this short that starts so asks what a word means
COMMA_FILLERS = frozenset({"like", "um", "uh", "umm", "er"})  # a comma after them does not end a clause
LEADING_FILLERS = frozenset({"like", "so", "and", "but", "also", "ok", "okay", "um", "uh", "well", "hey", "then"})
FIRST_PERSON = frozenset({"i", "me", "my", "im", "myself", "mine", "m", "'m", "we", "us", "our", "he", "she", "him",
                          "her", "his", "this"})


@dataclass(frozen=True)
class CrisisSignal:
    """A crisis stated in a message, with its evidence."""

    category: str  # one of CATEGORIES, or UNSPECIFIED
    text: str  # the matched words (evidence)
    start: int  # char offsets in the message
    end: int
    certain: bool = True  # False: worth a direct safety question, not the full crisis response


@dataclass(frozen=True)
class _Context:
    """Cue spans of one doc by kind, and its crisis matches."""

    cues: dict[str, list[Span]]
    crises: list[Span]


# ---------------------------------------------------------------- pipeline


class SafetyMatcher:
    """Runs the crisis and cue patterns and stores every match in doc.spans["safety"]."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")

    def add_patterns(self, patterns: list[dict]) -> None:
        """Add entity-ruler style patterns ({"label", "id", "pattern"}); lines without a pattern are skipped."""
        for entry in patterns:
            if "pattern" not in entry:
                continue
            key = f"{entry['label']}|{entry.get('id', '')}"
            pattern = entry["pattern"]
            if isinstance(pattern, str):
                dropped = " ".join(dropped_g(word) or word for word in pattern.split())
                self.phrases.add(key, [self.nlp.make_doc(text) for text in dict.fromkeys((pattern, dropped))])
            else:
                self.matcher.add(key, [with_spoken_forms(pattern)])

    def __call__(self, doc: Doc) -> Doc:
        strings = self.nlp.vocab.strings
        found = set(self.matcher(doc)) | set(self.phrases(doc))
        spans = []
        for match_id, start, end in sorted(found, key=lambda m: (m[1], m[2], m[0])):
            label, _, span_id = strings[match_id].partition("|")
            spans.append(Span(doc, start, end, label=label, span_id=span_id))
        doc.spans[SPANS_KEY] = spans
        return doc


def dropped_g(word: str) -> str:
    """The word said with its g dropped ("havin" for "having"), or "" when it has no "-ing" to drop."""
    return word[:-1] if word.endswith("ing") and len(word) > 5 else ""


# Scots (Doric) forms of common words, matched wherever a pattern lists the word: "taen the hale box", "a' ma pills"
SCOTS_FORMS = {"taken": ["taen", "tane"], "all": ["aa", "a'"], "whole": ["hale", "hail"], "now": ["noo"], "my": ["ma"]}


def spoken_forms(words: list[str]) -> list[str]:
    """Other spellings of a list's words as people say them: the g dropped ("havin"), Scots forms ("hale")."""
    extra = [dropped_g(word) for word in words if dropped_g(word)]
    extra += [form for word in words for form in SCOTS_FORMS.get(word, []) if form not in words]
    return extra


def with_spoken_forms(pattern: list[dict]) -> list[dict]:
    """A token pattern that also matches its words as people say them: "havin a fit", "taen the hale box"."""
    tokens = []
    for token in pattern:
        lower = token.get("LOWER")
        if isinstance(lower, str) and (forms := spoken_forms([lower])):
            token = {**token, "LOWER": {"IN": [lower, *forms]}}
        elif isinstance(lower, dict) and isinstance(lower.get("IN"), list):
            extra = spoken_forms(lower["IN"])
            token = {**token, "LOWER": {**lower, "IN": lower["IN"] + extra}} if extra else token
        tokens.append(token)
    return tokens


@Language.factory("safety_matcher")
def make_safety_matcher(nlp: Language, name: str) -> SafetyMatcher:
    """Factory for the safety_matcher component (patterns are added after creation)."""
    return SafetyMatcher(nlp)


def pattern_files() -> list[Path]:
    """The safety pattern files, in a stable order."""
    return sorted(PATTERN_DIR.glob("*.jsonl"))


def build_safety_pipeline() -> Language:
    """A new blank-English pipeline with the patterns of data/safety/*.jsonl."""
    nlp = spacy.blank("en")
    component = nlp.add_pipe("safety_matcher")
    for path in pattern_files():
        component.add_patterns(list(srsly.read_jsonl(path)))
    return nlp


@lru_cache(maxsize=1)
def load_safety_pipeline() -> Language:
    """The safety pipeline, built on first use and memoised per process."""
    return build_safety_pipeline()


# ---------------------------------------------------------------- detection


@dataclass(frozen=True)
class Assessment:
    """What the rules make of a message: its most serious signal, and what decides whether DIET's crisis
    class alone may raise a safety question."""

    signal: CrisisSignal | None
    # an everyday idiom ("I'd kill for a coffee", "my feet are killing me") or a plain statement that no one is in
    # danger ("she's safe", "nobody's in danger right now"): no learned signal alone asks the safety question
    quiet: bool = False


def detect_crisis(text: str, nlp=None) -> CrisisSignal | None:
    """The most serious crisis signal in `text`, or None."""
    return assess_crisis(text, nlp).signal


def assess_crisis(text: str, nlp=None, learned: bool = True) -> Assessment:
    """The most serious crisis signal of a message, and the context for the classifier's safety net; where the
    rules find none and the message is no everyday idiom, the learned net's uncertain one (`learned`)."""
    message = plain_letters(clean_text(text, MAX_CHARS))
    if not message.strip():
        return Assessment(None)
    try:
        doc = (nlp or load_safety_pipeline())(message)
        context = read_context(doc)
        signals = crisis_signals(doc, context)
        if not signals:
            if term := find_crisis_term(message):  # another language: the safety question
                return Assessment(CrisisSignal(term.category, term.text, term.start, term.end, False))
            if other_language(message):  # unread, so not known to be safe: the safety question, with interpreters
                return Assessment(CrisisSignal(OTHER_LANGUAGE, "", 0, 0, False))
            # an everyday idiom ("I'd kill for a coffee", "burned my hand on the stove"), not one that only sets a
            # habit's end apart from a life's ("stop drinking"), or a statement of safety
            idioms = [cue for cue in context.cues.get(IDIOM_CUE, []) if cue[0].lower_ not in HABIT_ENDS]
            calm = bool(idioms) or bool(context.cues.get(SAFE_CUE))
            # the net speaks where the rules saw nothing, not for an idiom (it reads "I cut myself shaving" at 0.99):
            # only when it still hears a crisis with the idioms taken out ("love you all, sorry for everything,
            # goodbye ... burnt out"); nor on a crisis phrase the rules read as negated or past unless it is all but
            # sure ("I JUST HIT MY HEAD AGAINST THE WALL LIKE 20 TIMES AND I CANT STOP")
            rest = without_spans(message, idioms)  # and with words enough of its own: not "I'm going to" alone
            beyond_idioms = (learned and idioms and not context.cues.get(SAFE_CUE)
                             and len(rest.split()) >= NET_REST_WORDS and net_probability(rest) >= NET_CHECK)
            quiet = not learned or (calm and not beyond_idioms) or (read_as_not_happening(doc, context)
                                                                    and net_probability(message) < NET_OVERRULES)
            return Assessment(None if quiet else learned_signal(message), calm)
    except Exception as error:  # fail safe: a detector that cannot read the message does not call it safe
        logger.error("crisis detection failed for a %d-character message (%s)", len(message), type(error).__name__)
        return Assessment(CrisisSignal(UNSPECIFIED, "", 0, 0, certain=False))
    # an acute sign inside a longer match of a wish or an act is read as part of it ("thoughts of [not waking] up")
    signals = [signal for signal in signals if not (signal.category in ACUTE and any(
        other.start <= signal.start and signal.end <= other.end and other.end - other.start > signal.end - signal.start
        and other.category not in ACUTE for other in signals))]
    best = min(signals, key=lambda s: (not s.certain, SEVERITY.index(s.category), s.start, -(s.end - s.start)))
    certain = best.certain and not (learned and net_probability(message) < disagreement(message, context))
    return Assessment(CrisisSignal(best.category, text[best.start:best.end], best.start, best.end, certain))


def disagreement(message: str, context: _Context) -> float:
    """The net's reading below which a certain rule match is only the safety question: NET_DISAGREES with no now cue,
    NET_DISAGREES_NOW with one in a message of some words (the net knows too little of "she's unresponsive")."""
    if not told_as_now(context):
        return NET_DISAGREES
    return NET_DISAGREES_NOW if len(message.split()) >= NET_REST_WORDS else 0.0


LEET = re.compile(r"(?<=[a-z])[!1@3$0](?=[a-z])", re.IGNORECASE)
LETTER_FOR = {"!": "i", "1": "i", "@": "a", "3": "e", "$": "s", "0": "o"}


def plain_letters(message: str) -> str:
    """Letters for the symbols written inside words to get past filters ("unal!ve", "k1ll", "s3wer"); same length,
    so offsets into the message still hold."""
    return LEET.sub(lambda found: LETTER_FOR[found.group()], message)


def without_spans(message: str, spans: list[Span]) -> str:
    """The message with the spans' words blanked out (same length)."""
    for span in spans:
        message = message[:span.start_char] + " " * (span.end_char - span.start_char) + message[span.end_char:]
    return message


def told_as_now(context: _Context) -> bool:
    """True when the message has a now or recent cue not read as a duration, a time to come, a life since or the
    time of a safety ("I'm safe now")."""
    safe = context.cues.get(SAFE_CUE, [])
    return any(not any(said.start <= cue.start <= said.end + 1 for said in safe) for cue in current_cues(context.cues))


def current_cues(cues: dict[str, list[Span]]) -> list[Span]:
    """The now and recent cues not read as a duration, a time to come or a life since (`not_recent`)."""
    return uncancelled(cues, "now", "not_recent") + uncancelled(cues, "recent", "not_recent")


def net_probability(message: str) -> float:
    """How sure the learned net is that a message is a crisis; 0 where it knows none of its words."""
    reading = net_reading(message)
    return reading.probability if reading is not None else 0.0


def learned_signal(message: str) -> CrisisSignal | None:
    """The learned net's uncertain signal (bot/crisis/net.py), quoting the sentence it finds most alarming."""
    reading = net_reading(message)
    if reading is None or reading.probability < NET_CHECK:
        return None
    spans = text_rules.sentence_spans(message) or [(0, len(message))]
    start, end = max(spans, key=lambda span: net_reading(message[span[0]:span[1]]).probability)
    return CrisisSignal(reading.category, message[start:end], start, end, certain=False)


def crisis_signals(doc: Doc, context: _Context | None = None) -> list[CrisisSignal]:
    """Every crisis match in a processed doc that survives the filters."""
    context = context or read_context(doc)
    return [signal for span in context.crises if (signal := signal_for(doc, span, context)) is not None]


def read_context(doc: Doc) -> _Context:
    """Split the doc's matches into cue spans by kind and crisis spans."""
    cues: dict[str, list[Span]] = {}
    crises = []
    for span in doc.spans[SPANS_KEY]:
        if span.label_ == CUE_LABEL:
            cues.setdefault(span.id_, []).append(span)
        elif span.label_ in CATEGORIES:
            crises.append(span)
    cues.setdefault("wd", []).extend(stopped_drugs(doc, cues.get("drug", [])))
    return _Context(cues, crises)


STOP_WORDS = frozenset({"stopped", "stop", "stopping", "quit", "quitting", "came", "coming", "tapered", "tapering",
                        "skipped", "kicked", "kicking", "ran", "run", "running"})
RUN_WORDS = frozenset({"ran", "run", "running"})  # a stop only as "ran out of"
BETWEEN_STOP_AND_DRUG = frozenset({"off", "out", "of", "the", "my", "his", "her", "their", "all", "cold", "a", "them"})


def stopped_drugs(doc: Doc, drugs: list[Span]) -> list[Span]:
    """A stop told of any drug the drug cues know, as a withdrawal cue ("stopped the xannies friday", "came off
    the lean"): the withdrawal cues list the common names, the drug cues the slang."""
    found = []
    for drug in drugs:
        i = drug.start - 1
        while i >= 0 and drug.start - i <= 4 and doc[i].lower_ in BETWEEN_STOP_AND_DRUG:
            i -= 1
        between = {token.lower_ for token in doc[i + 1:drug.start]}
        if i >= 0 and drug.start - i <= 4 and doc[i].lower_ in STOP_WORDS and (
                doc[i].lower_ not in RUN_WORDS or "out" in between):
            found.append(Span(doc, i, drug.end, label=CUE_LABEL))
    return found


def parse_id(span_id: str) -> tuple[str, frozenset[str]]:
    """("name", flags) from a pattern id "name@flag+flag"."""
    name, _, flags = span_id.partition("@")
    return name, frozenset(filter(None, flags.split("+")))


def signal_for(doc: Doc, span: Span, context: _Context) -> CrisisSignal | None:
    """The crisis a matched span states after idioms, negation, questions and tense; None when it states none."""
    name, flags = parse_id(span.id_)
    cues = context.cues
    if overlapping(idioms_of(doc, cues), span.start, span.end):
        return None
    clause = clause_bounds(doc, span.start, span.end)
    sentence = sentence_bounds(doc, span.start, span.end)
    if denied_or_benign(doc, span, context, flags, clause, sentence):
        return None
    now = bool(within(cues.get("now", []), *clause))
    recent_cues = recent_of(cues)
    recent = now or bool(within(recent_cues, *clause))
    again = repeated_now(doc, span, cues.get("now", []) + recent_cues, cues)
    withdrawal = bool(within(cues.get("wd", []), *sentence))
    drugs = bool(within(cues.get("drug", []), *sentence))
    anywhere = {flag: bool(cues.get(cue)) for flag, cue in MESSAGE_CONTEXTS.items()}
    stopping_soon = planned_stop(doc, cues)
    anywhere["anywd"] = anywhere["anywd"] or stopping_soon
    if not requirements_met(flags, now=now, recent=recent, wd=withdrawal, drug=drugs, **anywhere):
        return None
    category = span.label_
    if "to_wd" in flags and anywhere["anywd"]:
        category = "dangerous_withdrawal"
    elif "to_od" in flags and anywhere["anydrug"]:
        category = "overdose"
    # A past withdrawal seizure or DTs told next to a stop planned for tonight or cold turkey is not history: it is
    # what that stop may bring ("im stopping tonight ... last time i quit like this i had a seizure").
    # And a crisis of the past said to happen again now is not history either (`repeated_now`).
    history_counts = not (stopping_soon and category == "dangerous_withdrawal") and not again
    if history_counts and not recent and is_history(doc, span, category, flags, clause, sentence, cues):
        return None
    if history_counts and not now and within(cues.get("past_strong", []), *clause):  # "the last time I quit I..."
        return None
    if history_counts and category in ACUTE and not recent and within(cues.get("past_sentence", []), *sentence):
        return None  # "I had DTs last year, hallucinations, I was in the ICU": history, told as an intake answer
    start = doc[word_start(doc, span.start)].idx
    # said as a joke, in hyperbole or in passing ("the whole thing", "because of the DTs"): the safety question
    softened = ((category in SOFTENED_BY_JOKE and cues.get("joke")) or within(cues.get("soften", []), *sentence)
                or (category == "suicide" and asks_if_normal(span, sentence, cues) and not told_as_now(context)))
    # "I have had thoughts of suicide": since when is not said, so asked, not assumed to be now
    perfect = not recent and category not in ACUTE and had_right_before(span, clause, cues)
    # "we're ending things after 12 years", "Me and she done. Ah end it Sunday.", "Handed in my notice, ending it
    # there": most likely a couple parting or a job left, so asked, not assumed (unless told as now: "... tonight")
    shared = category == "suicide" and (overlapping(cues.get("shared_end", []), span.start, span.end) or (
        name == "end_it" and bool(cues.get("parting")) and not now and not within(cues.get("resolve", []), *clause)))
    certain = (UNSURE_FLAG not in flags and not softened and not again and not perfect and not shared
               and not mentioned(doc, span, sentence))
    return CrisisSignal(category, doc.text[start:span.end_char], start, span.end_char, certain)


QUOTES = frozenset({"'", '"', "\u2018", "\u2019", "\u201c", "\u201d"})
# Before a quotation: the writer's own earlier words, or a form's question ("my 'I want to die' earlier", "Re 'any
# thoughts of harming others'"), not what someone else said or wrote.
OWN_WORDS = frozenset({"my", "re", "re:", "question", "item", "box", "ticked", "checked", "ticking", "checking"})
OWN_MESSAGE = frozenset({"message", "text", "comment", "answer", "reply", "post", "joke"})
ANSWERED_NO = frozenset({"no", "nope", "none", "never", "zero", "0", "n/a", "nah", "nil"})


def mentioned(doc: Doc, span: Span, sentence: tuple[int, int]) -> bool:
    """True when a crisis phrase is quoted as the writer's own earlier words or a form's question, or answered no
    right after its quotation marks ("my last message about 'ending it' was about the tenancy", "Re 'any thoughts
    of harming others' - no"); what someone else is quoted saying is not this."""
    opening = [t for t in doc[max(sentence[0], span.start - 3):span.start] if t.text in QUOTES]
    closing = [t for t in doc[span.end:min(sentence[1], span.end + 3)] if t.text in QUOTES]
    if not opening or not closing:
        return False
    before = [t.lower_ for t in doc[max(0, opening[-1].i - 4):opening[-1].i]]
    after = [t.lower_ for t in doc[closing[0].i + 1:closing[0].i + 3] if not t.is_punct or t.lower_ in ANSWERED_NO]
    own = bool(before) and (before[-1] in OWN_WORDS or ("my" in before and OWN_MESSAGE.intersection(before)))
    return own or bool(after[:1] and after[0] in ANSWERED_NO)


def repeated_now(doc: Doc, span: Span, now: list[Span], cues: dict[str, list[Span]]) -> bool:
    """True when a later sentence says a crisis told of the past is happening again now ("I overdosed last year.
    I've got the same amount ready tonight"): the safety question, not history."""
    return any(cue.start >= span.end and within(now, *sentence_bounds(doc, cue.start, cue.end))
               for cue in cues.get("repeat", []))


def recent_of(cues: dict[str, list[Span]]) -> list[Span]:
    """The recent cues not read as a duration or a kept answer ("for a few days", "it's still no")."""
    return uncancelled(cues, "recent", "not_recent")


def idioms_of(doc: Doc, cues: dict[str, list[Span]]) -> list[Span]:
    """The idioms of a message, without those cancelled by a word next to them or by an act done on purpose in
    their clause ("burned myself on the stove tonight on purpose")."""
    return [c for c in uncancelled(cues, "idiom", "not_idiom")
            if not within(cues.get("deliberate", []), *clause_bounds(doc, c.start, c.end))]


def denied_or_benign(doc: Doc, span: Span, context: _Context, flags: frozenset[str], clause: tuple[int, int],
                     sentence: tuple[int, int]) -> bool:
    """True when a crisis phrase is negated, denied, benign in its clause or about people in general."""
    cues = context.cues
    if "neg" not in flags and is_negated(doc, span, clause[0], cues.get("pseudo", []), context.crises):
        return True
    # "... but that isn't true", "it's a figure of speech"
    untrue = any(cue.start >= span.end for cue in within(cues.get("untrue", []), *sentence))
    return untrue or bool(within(cues.get("benign", []), *clause)) or is_denied(doc, span) or is_generic(
        doc, span, clause, sentence, cues)


def read_as_not_happening(doc: Doc, context: _Context) -> bool:
    """True when the rules read a crisis phrase of the message as negated, denied, benign, general or past (the
    learned net then stays quiet too: "I'm not having chest pain", "I used to cut myself")."""
    for span in context.crises:
        _, flags = parse_id(span.id_)
        clause = clause_bounds(doc, span.start, span.end)
        sentence = sentence_bounds(doc, span.start, span.end)
        if denied_or_benign(doc, span, context, flags, clause, sentence) or is_history(
                doc, span, span.label_, flags, clause, sentence, context.cues):
            return True
    return False


def planned_stop(doc: Doc, cues: dict[str, list[Span]]) -> bool:
    """True when the message plans a stop soon ("quitting tomorrow", "going cold turkey"), not negated and not
    a condition ("if I stop tomorrow ...")."""
    for cue in cues.get("stop_soon", []):
        if overlapping(cues.get("past", []), cue.start, cue.end):  # "detox last year and now ...": no stop to come
            continue
        clause_start = clause_bounds(doc, cue.start, cue.end)[0]
        before = {t.lower_ for t in doc[max(clause_start, cue.start - 3):cue.start]}
        if before & CONDITION_WORDS or is_negated(doc, cue, clause_start, cues.get("pseudo", []), []):
            continue
        return True
    return False


def word_start(doc: Doc, i: int) -> int:
    """Index of the first token of the word holding token i ("do" for the "n't" of "don't")."""
    while i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].is_alpha:
        i -= 1
    return i


def requirements_met(flags: frozenset[str], **present: bool) -> bool:
    """True when the pattern needs no context, or one of the contexts it names is there (now, recent: in the
    clause; wd, drug: in the sentence; the MESSAGE_CONTEXTS flags: anywhere in the message)."""
    needs = flags & present.keys()
    return not needs or any(present[need] for need in needs)


# ---------------------------------------------------------------- clauses and cues


def is_break(doc: Doc, i: int, words: bool = True) -> bool:
    """True when token i ends a sentence, or (with `words`) a clause."""
    token = doc[i]
    text = token.text
    if "\n" in text or text in SENTENCE_PUNCT or (text and set(text) <= {"?", "!", "."}):
        return True
    if not words:
        return False
    if text == "," and ((i > 0 and doc[i - 1].lower_ in COMMA_FILLERS) or list_comma(doc, i)):
        return False  # "not like, thinking of ending things", "no confusion, seizures, or hallucinations"
    if text in CLAUSE_PUNCT or (text == "-" and token.whitespace_ and i > 0 and doc[i - 1].whitespace_):
        return True
    lower = token.lower_
    if lower in CLAUSE_WORDS:  # but "since then I've ..." is one clause
        return not (lower == "then" and i > 0 and doc[i - 1].lower_ in {"since", "until", "till"})
    return lower in JOIN_WORDS and i + 1 < len(doc) and doc[i + 1].lower_ in SUBJECT_WORDS


def list_comma(doc: Doc, i: int) -> bool:
    """True for a comma inside a list of words: before "or" or "nor", or before one word and another comma or
    "or" ("confusion, seizures, or hallucinations")."""
    after = [token.lower_ for token in doc[i + 1:i + 3]]
    if after[:1] and after[0] in ("or", "nor"):
        return len(after) < 2 or after[1] not in SUBJECT_WORDS
    return len(after) == 2 and doc[i + 1].is_alpha and after[0] not in SUBJECT_WORDS and after[1] in (",", "or", "nor")


def _bounds(doc: Doc, start: int, end: int, words: bool) -> tuple[int, int]:
    """Token range around [start, end) up to the nearest breaks; the right bound is the break token's index."""
    left = start
    while left > 0 and not is_break(doc, left - 1, words):
        left -= 1
    right = end
    while right < len(doc) and not is_break(doc, right, words):
        right += 1
    return left, right


def clause_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the clause around tokens [start, end)."""
    return _bounds(doc, start, end, words=True)


def sentence_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence around tokens [start, end)."""
    return _bounds(doc, start, end, words=False)


def within(spans: list[Span], start: int, end: int) -> list[Span]:
    """The spans that lie inside tokens [start, end)."""
    return [span for span in spans if start <= span.start and span.end <= end]


def overlapping(spans: list[Span], start: int, end: int) -> list[Span]:
    """The spans that share a token with [start, end)."""
    return [span for span in spans if span.start < end and start < span.end]


def uncancelled(cues: dict[str, list[Span]], kind: str, cancelling: str) -> list[Span]:
    """The cues of `kind` that share no token with a cue of kind `cancelling` ("3 days" in "for 3 days")."""
    return [cue for cue in cues.get(kind, []) if not overlapping(cues.get(cancelling, []), cue.start, cue.end)]


def outside(spans: list[Span], span: Span) -> list[Span]:
    """The spans that do not share a token with `span`."""
    return [other for other in spans if not (other.start < span.end and span.start < other.end)]


# ---------------------------------------------------------------- filters


def is_negator(doc: Doc, i: int, pseudo: list[Span], gap: int) -> bool:
    """True when token i negates what follows it (not an interjection "no I ..." or a pseudo-negation)."""
    token = doc[i]
    lower = token.lower_
    if lower in CESSATION_WORDS:
        return gap == 0
    if token.norm_ not in NEGATION_WORDS and lower not in NEGATION_WORDS:
        return False
    if lower in INTERJECTION_NEGATIONS and i + 1 < len(doc) and doc[i + 1].lower_ in PRONOUNS:
        return False
    return not overlapping(pseudo, i, i + 1)


def negated_before(doc: Doc, start: int, window: int = 3) -> bool:
    """True when one of the few words before `start` is a negation ("she's not using right now")."""
    return any(token.norm_ in NEGATION_WORDS or token.lower_ in NEGATION_WORDS
               for token in doc[max(start - window, 0):start])


def is_negated(doc: Doc, span: Span, clause_start: int, pseudo: list[Span], crises: list[Span]) -> bool:
    """True when a negation word before the span, across bridge words only, negates it. Another crisis
    match is crossed when a list word follows it ("no suicidal or homicidal thoughts")."""
    i, gap = span.start - 1, 0
    while i >= clause_start and gap <= NEGATION_REACH:
        if is_negator(doc, i, pseudo, gap):
            return True
        listed = next((c for c in crises if c.start <= i < c.end and c.end < span.start
                       and doc[c.end].lower_ in LIST_WORDS), None)
        if listed is not None:
            i, gap = listed.start - 1, gap + 1
            continue
        item = doc[i + 1].lower_ in LIST_WORDS and i + 1 < span.start  # "no seizures or hallucinations"
        filler_comma = doc[i].text == "," and i > 0 and doc[i - 1].lower_ in COMMA_FILLERS  # "not like, thinking"
        in_list = doc[i].text == "," and list_comma(doc, i)
        if doc[i].lower_ not in BRIDGE_WORDS and not item and not filler_comma and not in_list:
            return False
        i, gap = i - 1, gap + 1
    return False


def is_denied(doc: Doc, span: Span) -> bool:
    """True for checklist answers that deny the span: "suicidal thoughts: no", "self harm? never"."""
    i = span.end
    while i < len(doc) and doc[i].lower_ in DENIAL_NOUNS:
        i += 1
    while i < len(doc) and doc[i].text in DENIAL_GAP:
        i += 1
    if i >= len(doc) or doc[i].lower_ not in DENIAL_WORDS:
        return False
    if i + 1 < len(doc) and doc[i + 1].lower_ in DENIAL_ADDRESS:
        i += 1  # "thoughts of killing myself, no sir."
    return i + 1 >= len(doc) or doc[i + 1].is_punct or doc[i + 1].is_space


def is_question(doc: Doc, sentence: tuple[int, int]) -> bool:
    """True when the sentence ends with "?" or starts with a question word that does not open a clause of its
    own ("how do I ..." asks; "when I'm high I ..." tells)."""
    start, end = sentence
    if end < len(doc) and "?" in doc[end].text:
        return True
    words = [t for t in doc[start:end] if not t.is_space and not t.is_punct]
    while len(words) > 1 and words[0].lower_ in LEADING_FILLERS:  # "like, can you have seizures from it"
        words = words[1:]
    if not words or words[0].lower_ not in QUESTION_STARTS:
        return False
    return not text_rules.opens_clause([t.lower_ for t in words[:2]], WH_WORDS)


def answered_yes(doc: Doc, sentence: tuple[int, int]) -> bool:
    """True when the next sentence opens with a yes: "it asks if I have thoughts of not waking up. yes. every night"."""
    words = [t.lower_ for t in doc[sentence[1]:sentence[1] + 4] if not (t.is_punct or t.is_space)]
    if len(words) > 1 and words[1] in ("or", "/"):  # "yes or no"
        return False
    return bool(words) and (words[0] in YES_WORDS or words[:2] in (["i", "do"], ["i", "have"]))


def is_generic(doc: Doc, span: Span, clause: tuple[int, int], sentence: tuple[int, int], cues) -> bool:
    """True for talk about a class of people, and for generic or hypothetical questions; never for one answered
    with a yes ("it asks if I have thoughts of not waking up. yes. every night")."""
    if answered_yes(doc, sentence) or cues.get("not_hypothetical") or asks_if_normal(span, sentence, cues):
        return False  # "... ok it's not hypothetical", "I'm the friend"
    if asked_in_general(doc, span, sentence, cues):
        return True  # "How do I help a friend who says they feel suicidal? Not right now, just in general"
    people = uncancelled(cues, "class", "not_class")
    if outside(within(people, *clause), span):  # "residents", but not "one of our residents"
        return True
    now_or_recent = bool(within(cues.get("now", []) + recent_of(cues), *sentence))
    if not now_or_recent and any(cue.start < span.start for cue in within(cues.get("asked_if", []), *sentence)):
        return True  # "another form asking if I want to die", "why does the intake ask if I've had thoughts of..."
    return is_question(doc, sentence) and is_generic_question(doc, span, clause, sentence, cues, now_or_recent)


def asks_if_normal(span: Span, sentence: tuple[int, int], cues) -> bool:
    """True when a crisis is asked about as "is it normal to ..." with no one else named: most often of oneself ("Is
    it normal to want to die every single day when you're three weeks off the bottle?")."""
    return any(0 <= span.start - cue.end <= 2 for cue in within(cues.get("asks_normal", []), *sentence))


def asked_in_general(doc: Doc, span: Span, sentence: tuple[int, int], cues) -> bool:
    """True for a question the message says is asked in general, with nothing else in it told as now (the crisis
    phrase's own tense aside: "what are the signs someone's overdosing? ... I just want to know")."""
    return bool(cues.get("in_general")) and is_question(doc, sentence) and not [
        cue for cue in current_cues(cues)
        if cue.text.lower() not in PLEAS and not overlapping([span], cue.start, cue.end)]


def asked_of_now(doc: Doc, sentence: tuple[int, int], cues) -> bool:
    """True when a now, recent or day cue after the question, not negated, says it is asked of now ("is it normal
    to hear voices when you detox? day 2, they're telling me stuff")."""
    return not cues.get(SAFE_CUE) and any(
        cue.start >= sentence[1] and not negated_before(doc, cue.start)
        for cue in cues.get("now", []) + recent_of(cues) + cues.get("day_count", []))


def is_generic_question(doc: Doc, span: Span, clause: tuple[int, int], sentence: tuple[int, int], cues,
                        now_or_recent: bool) -> bool:
    """True for a question about a crisis asked in general, of the screening, of signs or of a hypothetical."""
    if not now_or_recent and within(cues.get("whom_to_tell", []), *sentence):
        return True  # "are self-harm urges something I should tell my counselor about?"
    words = [t.lower_ for t in doc[sentence[0]:sentence[1]] if not (t.is_punct or t.is_space)]
    if len(words) <= DEFINITION_WORDS and words[0] in DEFINITION_STARTS:
        return True  # "whats DTs", "what is narcan"
    telling = any(cue.start < span.start for cue in within(cues.get("screening", []), *sentence))
    if telling and now_or_recent:
        return False  # "what if I told you I took 40 pills tonight?": told as a question, happening now
    if asked_of_now(doc, sentence, cues):
        return False
    if any(cue.start < span.start for cue in within(cues.get("hypothetical", []), *clause)):
        return True
    if any(cue.start < span.start for cue in within(cues.get("asks_signs", []), *sentence)):
        return True  # "what are the signs, blue lips and that?"
    if telling:
        return True  # "what happens if I say I have suicidal thoughts at the assessment?" asks about the screening
    # a generic cue counts unless it starts inside the span ("does mixing alcohol and xanax ...?" opens the question)
    if all(span.start <= cue.start < span.end for cue in within(cues.get("generic", []), *clause)):
        return False
    if within(cues.get("now", []), *clause) and any(
            cue.start > 0 and doc[cue.start - 1].lower_ in ("my", "our") for cue in cues.get("other", [])):
        return False  # "is it normal if someone ... now they're gurgling? asking for my roommate": one person, now
    words = [t.lower_ for t in doc[clause[0]:clause[1]] if not (span.start <= t.i < span.end)]
    return not FIRST_PERSON.intersection(words)


def fronted(cues: list[Span], doc: Doc, clause_start: int, sentence_start: int, crises: list[Span]) -> bool:
    """True when a cue opens an earlier clause of the sentence that states no crisis ("Years ago, I ...")."""
    for cue in cues:
        if not sentence_start <= cue.start < clause_start:
            continue
        start, end = clause_bounds(doc, cue.start, cue.end)
        if cue.start == start and not within(crises, start, end):
            return True
    return False


def set_in_the_past(doc: Doc, span: Span, sentence: tuple[int, int], past: list[Span],
                    cues: dict[str, list[Span]]) -> bool:
    """True when a sentence without a now cue is set in the past, earlier in it ("I've had the DTs before,
    seeing ...") or by the sentence before ("I had the DTs two years ago. Hallucinating, sweating buckets.")."""
    if within(cues.get("now", []), *sentence):
        return False
    if any(cue.end <= span.start for cue in within(past, *sentence)):
        return True
    if sentence[0] == 0:
        return False
    previous = sentence_bounds(doc, sentence[0] - 1, sentence[0])
    if within(cues.get("now", []) + cues.get("recent", []), *previous):  # "Since then I've twice come round ..."
        return False
    return bool(within(past + cues.get("past_sentence", []), *previous))


def is_history(doc: Doc, span: Span, category: str, flags: frozenset[str], clause: tuple[int, int],
               sentence: tuple[int, int], cues: dict[str, list[Span]]) -> bool:
    """True when the span tells of the past (or, for acute categories, a habit), with no now cue around."""
    past = uncancelled(cues, "past", "not_past")
    crises = [s for s in doc.spans[SPANS_KEY] if s.label_ in CATEGORIES]
    # a past cue may end on the token that closes its clause ("had the DTs before, ...", "before but ...")
    if within(past, clause[0], clause[1] + 1) or fronted(past, doc, clause[0], sentence[0], crises):
        return True
    if clause[1] < len(doc) and doc[clause[1]].text == ",":  # a count or a time said after it: "DTs, twice."
        after = clause_bounds(doc, clause[1] + 1, clause[1] + 2)
        if after[1] - after[0] <= 3 and within(past, *after) and not within(
                cues.get("now", []) + cues.get("recent", []), *after):
            return True
    # "... a suicide attempt, but that was seven years ago"; "Inside I cut myself a lot. Haven't done it since."
    told_after = (sentence[0], sentence_bounds(doc, sentence[1] + 1, sentence[1] + 2)[1]
                  if sentence[1] + 1 < len(doc) else sentence[1])
    if not within(cues.get("now", []), *sentence) and any(
            cue.start >= span.end for cue in within(cues.get("past_ref", []), *told_after)):
        return True
    if category not in ACUTE:
        return False
    if flags & {"was", "habit"} or set_in_the_past(doc, span, sentence, past, cues):
        return True
    # a habit word that is part of the sign itself is no habit ("not breathing normally")
    habits = [cue for cue in cues.get("habit", []) if not (span.start <= cue.start and cue.end <= span.end)]
    # "3 days after she stopped drinking" counts the days to now, no time of the past
    if within(uncancelled(cues, "past_weak", "day_count"), *clause) or within(habits, *clause):
        return True
    if fronted(habits, doc, clause[0], sentence[0], []):  # "When I stop drinking I see things, and shake"
        return True
    return had_right_before(span, clause, cues)


def had_right_before(span: Span, clause: tuple[int, int], cues: dict[str, list[Span]]) -> bool:
    """True when a perfect "have had" / "I had" stands right before the span ("I've had thoughts of suicide")."""
    return any(span.start - 2 <= cue.end <= span.start for cue in within(cues.get("had", []), *clause))
