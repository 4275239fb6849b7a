"""A learned safety net under the crisis rules: a small classifier from crisis messages written blind by other
people (data/crisis_examples.yml, written by bench/crisis_examples.py) and ordinary intake talk.

The rules know phrases; strangers write "sizing on the floor", "did it again lol, deeper this time". When the
rules find nothing and the net is fairly sure, the person gets the direct safety question, never the full
response (docs/safety.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path

import yaml

from bot import ROOT
from bot.text import marked

logger = logging.getLogger(__name__)

EXAMPLES_FILE = ROOT / "data" / "crisis_examples.yml"
CACHE_DIR = ROOT / "models"  # the trained net is kept beside the Rasa model, keyed by its examples
NONE = "none"
# The net's crisis probability from which it asks the safety question. Chosen by leaving each development set out
# in turn (bench/crisis_examples.py --cv): 0.5 -> 0.6 kept 1,298 of 1,301 held-out crisis messages and cut its
# questions on held-out hard negatives from 2.7% to 1.8%, on held-out persona messages from 81 to 33 in 23,155.
NET_CHECK = 0.6


@dataclass(frozen=True)
class NetReading:
    """The most likely crisis category of a message, and the probability that it is a crisis at all."""

    category: str
    probability: float


class CrisisNet:
    """Word (negation-marked) and character n-grams, one logistic regression over the categories and `none`."""

    def __init__(self, texts: list[str], labels: list[str]):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._hstack = hstack
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                     token_pattern=r"(?u)\b\w[\w']*\b", preprocessor=marked)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                     lowercase=True)
        features = hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()
        self.model = LogisticRegression(max_iter=3000, C=10.0, class_weight="balanced").fit(features, labels)
        self.none_index = list(self.model.classes_).index(NONE)

    def read(self, text: str) -> NetReading:
        features = self._hstack([self.words.transform([text]), self.chars.transform([text])]).tocsr()
        probabilities = self.model.predict_proba(features)[0]
        best = max((i for i in range(len(probabilities)) if i != self.none_index), key=lambda i: probabilities[i])
        return NetReading(str(self.model.classes_[best]), float(1.0 - probabilities[self.none_index]))


def train(crisis: dict[str, list[str]], ordinary: list[str]) -> CrisisNet:
    """A net from crisis messages by category and ordinary messages."""
    texts = [text for texts in crisis.values() for text in texts] + ordinary
    labels = [category for category, texts in crisis.items() for _ in texts] + [NONE] * len(ordinary)
    return CrisisNet(texts, labels)


def cached_net_path() -> Path:
    """Where the net trained on the current examples is kept (a hash of them and of scikit-learn's version)."""
    digest = hashlib.sha256(EXAMPLES_FILE.read_bytes() + version("scikit-learn").encode()).hexdigest()[:16]
    return CACHE_DIR / f"crisis-net-{digest}.joblib"


@cache
def crisis_net() -> CrisisNet | None:
    """The net from data/crisis_examples.yml: loaded from its cache, else trained (half a minute) and cached;
    None without the file."""
    import joblib

    if not EXAMPLES_FILE.exists():
        return None
    path = cached_net_path()
    if path.exists():
        try:
            return joblib.load(path)
        except Exception as error:  # a damaged cache is trained again
            logger.warning("crisis net cache unreadable (%s); training it again", type(error).__name__)
    examples = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    net = train(examples.get("crisis") or {}, examples.get(NONE) or [])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        joblib.dump(net, partial)
        os.replace(partial, path)
        for old in path.parent.glob("crisis-net-*.joblib"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        logger.warning("crisis net not cached (%s)", type(error).__name__)
    return net


@lru_cache(maxsize=4096)
def net_reading(text: str) -> NetReading | None:
    """The net's reading of a message, or None without a net or words it knows (remembered: the rules ask for the
    same message's reading up to four times)."""
    net = crisis_net()
    return net.read(text) if net is not None and text.strip() else None
