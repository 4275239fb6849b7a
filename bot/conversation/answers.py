"""Answers to the pending question read by example: a small classifier per criterion, learned from how
people answered it (data/answers.yml, written from the development personas by bench/answer_data.py).

The phrase patterns know words; people answer "it took pretty much everything" or "lowkey bad?? failing 2
classes". Read across writers (each persona set held out in turn), the classifier reads such answers far
better than the patterns (docs/conversations.md), so for the question on the table it decides when it is
confident, and the patterns decide otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from bot import ROOT
from bot.text import marked

ANSWERS_FILE = ROOT / "data" / "answers.yml"
# Single-valued criteria with words for answers; lists (substances, commitments) and hours stay with the patterns.
LEARNED = ("severity", "withdrawal", "recent_treatment", "relapse", "mental_health", "home", "support", "schedule",
           "court_ordered", "can_live_at_facility", "payment", "attend_commitment")
VAGUE = "vague"  # an answer too vague to code ("depends", "eh"): the question is asked again
MIN_CONFIDENCE = 0.5
# Safety first: "no withdrawal" read from a vague answer ("stopping doesn't agree with me") would skip the detox
# check, so it is taken only when the classifier is fairly sure, even as a best guess.
SURER_FOR = {("withdrawal", "none"): 0.7}


@dataclass(frozen=True)
class Reading:
    """The value a classifier reads in an answer, and how sure it is."""

    value: str
    confidence: float


@cache
def examples() -> dict[str, dict[str, list[str]]]:
    """{criterion: {value: [answers]}} from data/answers.yml (read once)."""
    if not ANSWERS_FILE.exists():
        return {}
    return yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8")) or {}


@cache
def classifier(criterion: str):
    """(vectorizer, model) for a criterion, trained on first use; None without examples."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    by_value = examples().get(criterion) or {}
    texts = [text for texts in by_value.values() for text in texts]
    labels = [value for value, texts in by_value.items() for _ in texts]
    if len(set(labels)) < 2:
        return None
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w[\w']*\b",
                                 preprocessor=marked)
    model = LogisticRegression(max_iter=3000, C=5.0).fit(vectorizer.fit_transform(texts), labels)
    return vectorizer, model


def read_answer(criterion: str, text: str) -> Reading | None:
    """The classifier's best value for an answer to `criterion`, or None when it knows none of its words."""
    trained = classifier(criterion) if criterion in LEARNED else None
    if trained is None:
        return None
    vectorizer, model = trained
    features = vectorizer.transform([text])
    if features.nnz == 0:
        return None
    probabilities = model.predict_proba(features)[0]
    best = int(probabilities.argmax())
    return Reading(str(model.classes_[best]), float(probabilities[best]))


def learned_value(criterion: str, text: str, min_confidence: float = MIN_CONFIDENCE) -> str | None:
    """The value to take from an answer by example: a confident reading that is not a vague answer."""
    reading = read_answer(criterion, text)
    if reading is None or reading.value == VAGUE:
        return None
    if reading.confidence < max(min_confidence, SURER_FOR.get((criterion, reading.value), 0.0)):
        return None
    return reading.value


def warm_up() -> None:
    """Train every classifier now (a second or two), so the first answer is not slow."""
    for criterion in LEARNED:
        classifier(criterion)
