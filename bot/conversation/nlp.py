"""The rule-based spaCy pipeline behind the fact extractor: blank English, an entity ruler, no model.

Pipeline: tokenizer -> entity_ruler (data/patterns/*.jsonl) -> fact_spans -> fact_negation.

* The entity ruler holds every pattern. Labels are criterion ids, pattern ids are values; the label
  "_cue" marks negation/hedge/question cues and the id "_ignore" marks decoys.
* fact_spans keeps, per label, the longest non-overlapping matches (so facts of different criteria may
  overlap: "sweats when I stop drinking" is withdrawal and alcohol), drops decoys, and stores them in
  doc.spans["facts"] and doc.spans["cues"].
* fact_negation records, for each fact, the negation word that negates it: doc._.negations[span key].

`python -m bot.conversation.nlp` builds the pipeline into .cache/nlp/<fingerprint>/ when missing and prints the path.
"""

import hashlib
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import bot.text as text_rules
from bot import ROOT

PATTERN_DIR = ROOT / "data" / "patterns"
DEFAULT_CACHE_DIR = ROOT / ".cache" / "nlp"
RULER_NAME = "entity_ruler"
CUE_LABEL = "_cue"
IGNORE_ID = "_ignore"
LIST_SEPARATORS = frozenset({",", "or", "and", "nor", "/", "&", "even"})
NEGATION_WINDOW = 8  # tokens a negation word reaches forward

# The shared lists of bot/text.py, plus what facts need (see there).
NEGATION_WORDS = text_rules.NEGATION_WORDS | {"nowhere", "nuh", "nae"}  # Jamaican "it nuh serious", Scots "nae bother"
CLAUSE_PUNCT = text_rules.CLAUSE_PUNCT | {"\n"}
CLAUSE_WORDS = text_rules.CLAUSE_WORDS | {"so", "since", "plus", "also"}
SUBJECT_WORDS = text_rules.SUBJECT_WORDS | {"me"}
LIST_WORDS = frozenset({"or", "nor"})

if not Doc.has_extension("negations"):
    Doc.set_extension("negations", default=None)


def span_key(span: Span) -> tuple[str, int, int]:
    """Key of a fact span in doc._.negations."""
    return (span.label_, span.start, span.end)


def is_clause_break(doc: Doc, i: int) -> bool:
    """True when token i separates clauses (punctuation, 'but', 'and I ...', a line break)."""
    token = doc[i]
    if token.text in CLAUSE_PUNCT or "\n" in token.text:
        return True
    if token.text == "-" and token.whitespace_ and i > 0 and doc[i - 1].whitespace_:
        return True
    lower = token.lower_
    if lower in CLAUSE_WORDS:
        return True
    return lower == "and" and i + 1 < len(doc) and doc[i + 1].lower_ in SUBJECT_WORDS


def clause_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """(start, end) token range of the clause holding token i; end is the index of the break token or len."""
    start = i
    while start > 0 and not is_clause_break(doc, start - 1):
        start -= 1
    end = i
    while end < len(doc) and not is_clause_break(doc, end):
        end += 1
    return start, end


def _longest_per_label(matches: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """Per label, keep the longest matches that do not overlap (earlier start, then a decoy, wins a tie)."""
    ordered = sorted(matches, key=lambda m: (m[0], -(m[3] - m[2]), m[2], m[1] != IGNORE_ID, m[1]))
    taken: dict[str, set[int]] = {}
    kept = []
    for label, value, start, end in ordered:
        used = taken.setdefault(label, set())
        if any(i in used for i in range(start, end)):
            continue
        used.update(range(start, end))
        kept.append((label, value, start, end))
    return sorted(kept, key=lambda m: (m[2], m[3], m[0]))


class FactSpans:
    """Collects the entity ruler's matches per criterion into doc.spans["facts"] and doc.spans["cues"]."""

    def __init__(self, nlp: Language, ruler_name: str):
        self.nlp = nlp
        self.ruler_name = ruler_name

    def __call__(self, doc: Doc) -> Doc:
        ruler = self.nlp.get_pipe(self.ruler_name)
        strings = self.nlp.vocab.strings
        matches = []
        for match_id, start, end in ruler.match(doc):
            label, _, value = strings[match_id].partition(ruler.ent_id_sep)
            matches.append((label, value, start, end))
        facts, cues = [], []
        for label, value, start, end in _longest_per_label(matches):
            if value == IGNORE_ID:
                continue
            span = Span(doc, start, end, label=label, span_id=value)
            (cues if label == CUE_LABEL else facts).append(span)
        doc.spans["facts"] = facts
        doc.spans["cues"] = cues
        return doc


@Language.factory("fact_spans", default_config={"ruler_name": RULER_NAME})
def make_fact_spans(nlp: Language, name: str, ruler_name: str) -> FactSpans:
    """Factory for the fact_spans component."""
    return FactSpans(nlp, ruler_name)


def is_negation_word(token: Token) -> bool:
    """True for not, n't, no, never, without, nobody ..."""
    return token.norm_ in NEGATION_WORDS or token.lower_ in NEGATION_WORDS


def _negating_word(doc: Doc, fact: Span, facts: list[Span], pseudo: list[Span]) -> int | None:
    """Index of the negation word that negates `fact`, or None. A fact whose own words are negative
    ("no insurance", "not court ordered") is never negated again."""
    if any(is_negation_word(token) for token in fact):
        return None
    clause_start, _ = clause_bounds(doc, fact.start)
    for i in range(fact.start - 1, max(clause_start, fact.start - NEGATION_WINDOW) - 1, -1):
        if not is_negation_word(doc[i]):
            continue
        if any(cue.start <= i < cue.end for cue in pseudo) and not even_before(doc, fact, i):
            continue
        owner = next((other for other in facts if other is not fact and other.start <= i < other.end), None)
        if owner is None:
            return i
        # "I don't have a job or kids": the job fact owns "n't", which carries over only across "or".
        if owner.end <= fact.start and doc[owner.end].lower_ in LIST_WORDS:
            return i
    return None


def even_before(doc: Doc, fact: Span, i: int) -> bool:
    """True for the "not" of "not even" right before a substance ("nothing else, not even weed"), where it
    negates; elsewhere "not even" does not ("not even a week ago", "not even sure")."""
    between = [token.lower_ for token in doc[i + 1:fact.start]]
    return fact.label_ == "substances" and bool(between) and between[0] == "even" and all(
        word in ("a", "an", "the", "any", "one") for word in between[1:])


@Language.component("fact_negation")
def fact_negation(doc: Doc) -> Doc:
    """Record which facts a preceding negation word in the same clause negates (doc._.negations)."""
    facts = list(doc.spans["facts"]) if "facts" in doc.spans else []
    pseudo = [cue for cue in doc.spans["cues"] if cue.id_ == "pseudo"] if "cues" in doc.spans else []
    negations = {}
    previous = None
    for fact in sorted(facts, key=lambda span: span.start):
        word = _negating_word(doc, fact, facts, pseudo)
        inherited = previous is not None and span_key(previous) in negations and in_one_list(doc, previous, fact)
        if word is None and inherited and not any(is_negation_word(token) for token in fact):
            word = negations[span_key(previous)]  # "never had shakes, sweats or seizures": the whole list
        if word is not None:
            negations[span_key(fact)] = word
        previous = fact
    doc._.negations = negations
    return doc


def in_one_list(doc: Doc, first: Span, second: Span) -> bool:
    """True when only list separators (",", "or", "and", "nor", "/") stand between two facts."""
    between = doc[first.end:second.start]
    return 0 < len(between) <= 3 and all(token.lower_ in LIST_SEPARATORS for token in between)


def pattern_files() -> list[Path]:
    """The pattern files, in a stable order."""
    return sorted(PATTERN_DIR.glob("*.jsonl"))


def pipeline_fingerprint() -> str:
    """First 16 hex digits of a sha256 over the patterns, this module, extract.py and spaCy's version."""
    digest = hashlib.sha256()
    sources = [*pattern_files(), Path(__file__).resolve(), Path(__file__).resolve().parent / "extract.py"]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(spacy.__version__.encode())
    return digest.hexdigest()[:16]


def build_pipeline() -> Language:
    """Build the pipeline in memory from data/patterns/*.jsonl."""
    nlp = spacy.blank("en")
    config = {"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False}
    ruler = nlp.add_pipe(RULER_NAME, config=config)
    for path in pattern_files():
        ruler.add_patterns(list(srsly.read_jsonl(path)))
    nlp.add_pipe("fact_spans")
    nlp.add_pipe("fact_negation")
    return nlp


def pipeline_path(cache_dir: Path | None = None) -> Path:
    """Where the pipeline for the current fingerprint lives on disk."""
    return Path(cache_dir or DEFAULT_CACHE_DIR) / pipeline_fingerprint()


def save_pipeline(cache_dir: Path | None = None) -> Path:
    """Build and save the pipeline under cache_dir/<fingerprint>/ unless it is there; return that folder."""
    target = pipeline_path(cache_dir)
    if (target / "config.cfg").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)  # a half-written folder from an interrupted save
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{os.getpid()}.tmp"
    build_pipeline().to_disk(staging)
    try:
        os.replace(staging, target)
    except OSError:  # another process saved it first
        shutil.rmtree(staging, ignore_errors=True)
    return target


@lru_cache(maxsize=8)
def _load_from(cache_dir: Path) -> Language:
    """Load (saving first when needed) the pipeline cached under cache_dir."""
    try:
        path = save_pipeline(cache_dir)
    except OSError:  # read-only checkout: fall back to building in memory
        return build_pipeline()
    return spacy.load(path)


def load_pipeline(cache_dir: Path | None = None) -> Language:
    """The pipeline saved under cache_dir/<fingerprint>/ (default .cache/nlp), built first when missing; memoised."""
    return _load_from(Path(cache_dir or DEFAULT_CACHE_DIR))


def forget_loaded_pipelines() -> None:
    """Drop the per-process memo of load_pipeline (tests)."""
    _load_from.cache_clear()


def main() -> int:
    """CLI: make sure the pipeline is on disk and print its folder."""
    print(save_pipeline(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
