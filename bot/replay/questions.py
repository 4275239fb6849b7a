"""Which criterion an agent's question asks about, from the cue words in bot/clinical/criteria.py.

    asked_about("Okay. Any treatment before?")            -> Asked("recent_treatment", None)
    asked_about("And do you get the shakes when you stop?") -> Asked("withdrawal", "dangerous")

The last sentence that asks something and names a criterion wins (agents acknowledge first, then
ask: "That sounds hard. Are you working right now?"). Within it, the criterion whose cues cover
the most characters wins, and on a tie the one named first. `yes_value` is what a plain "yes" means, when the cue says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.clinical.criteria import QUESTION_CUES
from bot.text import sentences as text_sentences

ASKING_STARTS = ("how", "what", "what's", "whats", "why", "when", "where", "which", "who", "is", "are", "do",
                 "does", "did", "can", "could", "would", "will", "have", "has", "had", "any", "anything",
                 "tell", "and", "so", "okay", "ok", "were", "was", "ever")


@dataclass(frozen=True)
class Asked:
    """The criterion a question asks about, and what a plain "yes" to it means (None: no value)."""

    criterion: str
    yes_value: str | None = None


@dataclass(frozen=True)
class _Cue:
    criterion: str
    pattern: re.Pattern
    weight: int
    yes_value: str | None


@lru_cache(maxsize=1)
def _cues() -> tuple[_Cue, ...]:
    """QUESTION_CUES compiled once: each cue matches at the start of a word."""
    cues = []
    for criterion_id, entries in QUESTION_CUES.items():
        for entry in entries:
            words, _, value = entry.partition("=")
            pattern = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, words.lower().split())))
            cues.append(_Cue(criterion_id, pattern, len(words), value or None))
    return tuple(cues)


def asked_about(text: str) -> Asked | None:
    """The criterion the agent's turn asks about, or None when it asks about none."""
    sentences = text_sentences(text.lower())
    questions = [s for s in sentences if s.endswith("?") or s.split()[0].strip(",") in ASKING_STARTS]
    for sentence in reversed(questions or sentences):
        best = _best_criterion(sentence)
        if best:
            return best
    return None


def _best_criterion(sentence: str) -> Asked | None:
    """The criterion whose cues cover most of the sentence (first in QUESTION_CUES on a tie)."""
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    yes_values: dict[str, str] = {}
    for cue in _cues():
        found = cue.pattern.search(sentence)
        if found:
            scores[cue.criterion] = scores.get(cue.criterion, 0) + cue.weight
            first[cue.criterion] = min(first.get(cue.criterion, found.start()), found.start())
            if cue.yes_value and cue.criterion not in yes_values:
                yes_values[cue.criterion] = cue.yes_value
    if not scores:
        return None
    best = max(scores, key=lambda c: (scores[c], -first[c]))
    return Asked(best, yes_values.get(best))
