"""The trained assistant's NLU as a plain parse function: the only replay module that imports Rasa.

The model is loaded once per process with Rasa's own Agent (the same graph the chat server runs:
DIET, the ResponseSelector, the fallback, the knowledge search, the crisis rules and the spaCy intake
rules), and each text is parsed with the message processor's parse_message, as the server does.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

CACHE_SIZE = 20_000  # distinct texts remembered per process (a few hundred bytes each)


def quiet_rasa() -> None:
    """No Rasa or TensorFlow chatter: Rasa's structured debug log would print every message text."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    for name in ("rasa", "tensorflow", "absl", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)


class NluParser:
    """Parses texts with the trained model; build one per process (loading takes a few seconds).

    Parsing does not depend on the conversation (the NLU sees one message), so the result for a text
    that was already parsed is reused: calls repeat "yes", "no", "yeah", "not really" all the time.
    The cache is bounded (least recently used texts go first), so memory stays flat.
    """

    def __init__(self, model_path: Path | str, cache_size: int = CACHE_SIZE) -> None:
        quiet_rasa()
        import warnings

        with warnings.catch_warnings():  # Rasa's and TensorFlow's imports warn about their own dependencies
            warnings.simplefilter("ignore")
            from rasa.core.agent import Agent

            self.agent = Agent.load(str(model_path))
        self.loop = asyncio.new_event_loop()
        self.cache: OrderedDict[str, dict] = OrderedDict()
        self.cache_size = cache_size
        self.parsed = self.reused = 0

    def __call__(self, texts: Sequence[str]) -> list[dict]:
        """One result per text: {"intent": {"name", "confidence"}, "entities": [...]} (read-only)."""
        return [self.parse(text) for text in texts]

    def parse(self, text: str) -> dict:
        """The intent and entities of one text, as the chat server's NLU reads it."""
        if text in self.cache:
            self.cache.move_to_end(text)
            self.reused += 1
            return self.cache[text]
        data = self.loop.run_until_complete(self.agent.parse_message(text))
        result = {"intent": data.get("intent") or {}, "entities": data.get("entities") or []}
        self.parsed += 1
        if self.cache_size:
            self.cache[text] = result
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        return result


def load_parser(model_path: Path | str | None = None, cache_size: int = CACHE_SIZE) -> NluParser:
    """The NLU of the given model, or of the current trained model (trained first if the inputs changed)."""
    if model_path is None:
        from bot.app.model import ensure_model

        model_path = ensure_model()
    return NluParser(model_path, cache_size)
