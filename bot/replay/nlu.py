"""The trained assistant's NLU as a plain parse function: the only replay module that imports Rasa.

The model is loaded once per process with Rasa's own Agent (the same graph the chat server runs:
DIET, the ResponseSelector, the fallback, the knowledge search, the crisis rules and the spaCy intake
rules), and each text is parsed with the message processor's parse_message, as the server does.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Sequence


def quiet_rasa() -> None:
    """No Rasa or TensorFlow chatter: Rasa's structured debug log would print every message text."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    for name in ("rasa", "tensorflow", "absl", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)


class NluParser:
    """Parses texts with the trained model; build one per process (loading takes a few seconds)."""

    def __init__(self, model_path: Path | str) -> None:
        quiet_rasa()
        import warnings

        warnings.filterwarnings("ignore")
        from rasa.core.agent import Agent

        self.agent = Agent.load(str(model_path))
        self.loop = asyncio.new_event_loop()

    def __call__(self, texts: Sequence[str]) -> list[dict]:
        """One parse result per text: {"text", "intent", "entities", ...}."""
        return [self.loop.run_until_complete(self.agent.parse_message(text)) for text in texts]


def load_parser(model_path: Path | str | None = None) -> NluParser:
    """The NLU of the given model, or of the current trained model (trained first if the inputs changed)."""
    if model_path is None:
        from bot.model import ensure_model

        model_path = ensure_model()
    return NluParser(model_path)
