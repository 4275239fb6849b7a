"""The FAQ knowledge (data/knowledge/faq.yml) and a BM25 search over it for unsure questions.

The same file holds the Rasa responses of the faq/<topic> retrieval intents, so an answer is
written once. Search ranks topics by their title, answer and training phrasings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import ROOT
from bot.shorthand import spell_out
from bot.text import AUX_WORDS, CLAUSE_SUBJECTS, WH_WORDS, asks_you, sentences

KNOWLEDGE_FILE = ROOT / "data" / "knowledge" / "faq.yml"
SOURCES_FILE = ROOT / "data" / "knowledge" / "sources.yml"
FAQ_TRAINING_FILE = ROOT / "data" / "nlu" / "faq.yml"
STOPWORDS = frozenset(
    "a an the and or of to in on for is are be do does did i im i'm me my you your it its this that "
    "what how much many can could would should will with at by as if so about any there their them".split()
)


@dataclass(frozen=True)
class Entry:
    """One answer of the knowledge file."""

    topic: str
    title: str
    text: str
    sources: tuple[str, ...]
    figures: dict
    disagreement: str = ""

    @property
    def response(self) -> str:
        """The Rasa response that says this answer."""
        return f"utter_faq/{self.topic}"


@dataclass(frozen=True)
class Match:
    """A search result: the entry and how well it matched."""

    entry: Entry
    score: float


def load_entries(path: Path = KNOWLEDGE_FILE) -> dict[str, Entry]:
    """Every answer in the knowledge file, by topic."""
    responses = yaml.safe_load(path.read_text())["responses"]
    entries = {}
    for key, variants in responses.items():
        custom = variants[0].get("custom", {})
        topic = key.split("/", 1)[1]
        entries[topic] = Entry(topic, custom.get("title", topic), " ".join(variants[0]["text"].split()),
                               tuple(custom.get("sources", ())), custom.get("figures", {}),
                               custom.get("disagreement", ""))
    return entries


def source_titles(path: Path = SOURCES_FILE) -> dict[str, str]:
    """Each source document's id and the short title people see for it."""
    return {str(key): str(value) for key, value in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def training_phrasings(path: Path = FAQ_TRAINING_FILE) -> dict[str, list[str]]:
    """The faq/<topic> training examples, by topic."""
    phrasings: dict[str, list[str]] = {}
    for block in yaml.safe_load(path.read_text())["nlu"]:
        topic = block["intent"].split("/", 1)[1]
        phrasings[topic] = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    return phrasings


def words(text: str) -> list[str]:
    """Lowercase content words with a light plural/verb stemming."""
    tokens = re.findall(r"[a-z0-9]+", spell_out(text).lower().replace("i.o.p", "iop"))
    return [re.sub(r"(ing|es|s)$", "", t) if len(t) > 4 else t for t in tokens if t not in STOPWORDS]


class KnowledgeIndex:
    """BM25 over one document per topic."""

    def __init__(self, entries: dict[str, Entry], phrasings: dict[str, list[str]], k1: float = 1.2, b: float = 0.75):
        self.entries = entries
        self.docs = {t: Counter(words(" ".join([e.title, e.title, e.text, *phrasings.get(t, [])])))
                     for t, e in entries.items()}
        self.avg_len = sum(sum(d.values()) for d in self.docs.values()) / max(len(self.docs), 1)
        df = Counter(w for d in self.docs.values() for w in d)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def score(self, query: list[str], topic: str) -> float:
        """BM25 score of one topic for the query words."""
        doc = self.docs[topic]
        length = sum(doc.values())
        total = 0.0
        norm = self.k1 * (1 - self.b + self.b * length / self.avg_len)
        for w in set(query):
            tf = doc.get(w, 0)
            if tf:
                total += self.idf[w] * tf * (self.k1 + 1) / (tf + norm)
        return total

    def search(self, question: str, limit: int = 3) -> list[Match]:
        """The best-matching entries, best first."""
        query = words(question)
        ranked = sorted(((self.score(query, t), t) for t in self.docs), reverse=True)
        return [Match(self.entries[t], s) for s, t in ranked[:limit] if s > 0]


@lru_cache(maxsize=1)
def knowledge_index() -> KnowledgeIndex:
    """The index over the repository's knowledge file, built on first use."""
    return KnowledgeIndex(load_entries(), training_phrasings())


def best_answer(question: str, threshold: float) -> Entry | None:
    """The entry that answers `question`, or None when nothing matches well enough."""
    matches = knowledge_index().search(question, limit=1)
    return matches[0].entry if matches and matches[0].score >= threshold else None


SELECTOR_THRESHOLD = 0.5  # ResponseSelector confidence to answer without searching
SURE_FAQ = 0.9  # when the intent classifier is this sure it is a question about programs...
SELECTOR_THRESHOLD_WHEN_SURE = 0.3  # ...the selector's best topic is considered from this confidence,
AGREEING_SEARCH_RESULTS = 3  # and answers when it is among the search's best few topics
NOT_COVERED = "not_covered"  # the selector's topic for questions in the FAQ's words that it cannot answer
OVERRULE_NOT_COVERED = 10.0  # BM25 score at which a search agreeing with the selector's runner-up overrules it
SEARCH_THRESHOLD = 7.0  # BM25 score to answer from search; off-topic questions score below ~5


# A question the FAQ may answer names a program, a treatment or one of the FAQ's subjects, or
# refers back to the conversation ("how much does it cost", "can I keep my job"). "how much does a
# gym membership cost" or "how many hours of sleep does a teenager need" share words with topics
# but are about something else, so they get the honest "I don't have that information".
PROGRAM_TERMS = re.compile(
    r"\b(i\.?o\.?p\.?|iops?|op|php|out-?patient|outpat[ei]nt|out patient|in-?patient|residential|rehab|"
    r"programs?|programmes?|treatment|therap(?:y|ies|ist|eutic)|counsel+(?:ing|or)|groups?|sessions?|detox\w*|"
    r"withdrawals?|sober\w*|clean|recovery|relaps\w*|levels?(?: of care)?|partial|hospitali[sz]\w*|"
    r"intensi?ve|step(?:ping)? (?:down|up)|addiction|substances?|drugs?|alcohol|drinking|insurance|insured|"
    r"medicaid|medicare|self[- ]?pay|court|judge|probation|dui|mandate\w*|attend\w*|absen\w*|urine|ua|"
    r"urinalysis|screens?|breathaly\w*|facility|tracks?)\b", re.IGNORECASE)
REFERS_BACK = re.compile(r"\b(it|that|this|they|them|those|i|me)\b", re.IGNORECASE)


def about_programs(question: str) -> bool:
    """True when the question is about treatment programs or refers back to them (see PROGRAM_TERMS)."""
    return bool(PROGRAM_TERMS.search(question) or REFERS_BACK.search(question))


def choose_answer(
    selector_topic: str | None, selector_confidence: float, question: str, faq_confidence: float = 0.0,
    runner_up: str | None = None,
) -> tuple[Entry | None, str]:
    """The entry to answer with and how it was found ("selector", "search"), or (None, "none"/"not_covered").

    Nothing answers a question that is not about programs (about_programs). A selector unsure of
    its topic is trusted only when the intent is surely a question and the search agrees. Its "not
    covered" stands unless its runner-up topic (best topic but not_covered) is also a strong search match.
    """
    if not about_programs(question):
        return None, "none"
    if selector_topic == NOT_COVERED and selector_confidence >= SELECTOR_THRESHOLD:
        found = best_answer(question, OVERRULE_NOT_COVERED)
        return (found, "search") if found and found.topic == runner_up else (None, "not_covered")
    index = knowledge_index()
    entries = index.entries
    if selector_topic in entries and selector_confidence >= SELECTOR_THRESHOLD:
        return entries[selector_topic], "selector"
    if (selector_topic in entries and faq_confidence >= SURE_FAQ
            and selector_confidence >= SELECTOR_THRESHOLD_WHEN_SURE
            and any(m.entry.topic == selector_topic for m in index.search(question, AGREEING_SEARCH_RESULTS))):
        return entries[selector_topic], "selector"
    found = best_answer(question, SEARCH_THRESHOLD)
    return (found, "search") if found else (None, "none")


QUESTION_START = re.compile(  # not "can't", "don't"
    rf"^\s*({'|'.join(sorted((AUX_WORDS - {'am'}) | {'any', 'anything'}))})\b(?!['\u2019]t)", re.IGNORECASE)
# A question word, unless a subject follows it: "when I was using I missed shifts" tells (bot/text.opens_clause).
QUESTION_WORD = re.compile(rf"\b({'|'.join(sorted(WH_WORDS, key=len, reverse=True))})\b"
                           rf"(?!\s+(?:{'|'.join(sorted(CLAUSE_SUBJECTS, key=len, reverse=True))})\b)", re.IGNORECASE)
# A question clause after a story: "my son uses every day, does he have to detox first",
# "I have a DUI and the court wants rehab, would IOP count": an auxiliary verb, then its subject.
QUESTION_CLAUSE = re.compile(
    r"(?:[,;:.!\-]|\b(?:and|but|so|also|now|then))\s*"
    r"(?:is|are|am|do|does|did|can|could|will|would|should|may|might|must|has|have)\s+"
    r"(?:i|you|he|she|it|we|they|there|this|that|my|your|his|her|our|their|the|a|an|iop|op|php|"
    r"outpatient|intensive|someone|somebody|anyone|people|treatment|rehab|insurance)\b", re.IGNORECASE)


# A question asked as a request: "I need info on court-ordered outpatient", "tell me about IOP".
QUESTION_REQUEST = re.compile(
    r"\b(tell me|explain|i need (?:to know|info\w*)|i(?:'d| would) like to know|i want to know|wondering|"
    r"curious (?:about|whether|if)|looking for info\w*|info(?:rmation)? (?:on|about))\b", re.IGNORECASE)


def looks_like_question(text: str) -> bool:
    """True for "how long is IOP?", "it says OP, what does that mean", "tell me about IOP"; False for facts."""
    return "?" in text or asks_you(re.findall(r"[a-z']+", text.lower())) or bool(
        QUESTION_START.match(text) or QUESTION_WORD.search(text) or QUESTION_CLAUSE.search(text)
        or QUESTION_REQUEST.search(text))


# A program named in a question: the narrower cousin of PROGRAM_TERMS, without the words a person
# uses about their own use ("drinking", "clean", "relapse"), which an intake answer is full of.
PROGRAM_NAMES = re.compile(
    r"\b(i\.?o\.?p\.?|iops?|op|php|out-?patient|out patient|in-?patient|residential|rehab|programs?|"
    r"treatment|therap(?:y|ies)|counsel+ing|groups?|sessions?|detox|insurance|court|levels? of care|"
    r"partial hospitali[sz]ation|intensive)\b", re.IGNORECASE)


def last_sentence(text: str) -> str:
    """The final sentence of a message ("I'm 19 and work days. Can I do IOP?" -> "Can I do IOP?")."""
    found = sentences(text)
    return found[-1] if found else ""


def ends_with_program_question(text: str) -> bool:
    """True when a message, however much story comes first, ends by asking about a program."""
    question = last_sentence(text)
    return looks_like_question(question) and bool(PROGRAM_NAMES.search(question))
