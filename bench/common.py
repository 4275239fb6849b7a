"""What the in-process benchmarks share: Rasa's logging kept quiet, and the trained model to load."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


def quiet_model(model: Path | None) -> Path | None:
    """Quiet Rasa's logs and return the model archive (default: the one for the current inputs), or None
    with a message when it is not trained."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.disable(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from bot.app.model import model_path

    model = model or model_path()
    if not model.exists():
        print(f"No model at {model}; train first: .venv/bin/python -m bot train", file=sys.stderr)
        return None
    print(f"model: {model}")
    return model
