"""The trained Rasa model, cached by a fingerprint of everything training reads."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from bot import ROOT

# bot/shorthand.py: the tokenizer component reads its symbols while training.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "components", "bot/shorthand.py")
# Read at run time, not by training: the spaCy rules, the answer classifiers' and the crisis net's examples
# (bot/conversation/answers.py, bot/crisis/net.py, used by the router), the server-side pieces (channels, tracker
# stores), and the components that learn nothing (the router runs after the trained classifiers; the safety
# policy is fixed).
NOT_TRAINING_INPUTS = ("data/patterns", "data/safety", "data/answers.yml", "data/crisis_examples.yml",
                       "components/channels.py", "components/router.py", "components/safety_policy.py",
                       "components/tracker_store.py", "components/speedups.py", "components/cluster_stores.py")


def training_files(root: Path = ROOT) -> list[Path]:
    """Every file whose change requires a new model, in a stable order."""
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                      and not any(p.is_relative_to(root / skip) for skip in NOT_TRAINING_INPUTS)]
        elif path.exists():
            files.append(path)
    return sorted(files)


def model_fingerprint(root: Path = ROOT) -> str:
    """A short hash of the training inputs and the Rasa and spaCy versions."""
    digest = hashlib.sha256(f"rasa {version('rasa')} spacy {version('spacy')}".encode())
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    """Where the model for the current training inputs lives."""
    return root / "models" / f"intake-{model_fingerprint(root)}.tar.gz"


def ensure_model(root: Path = ROOT) -> Path:
    """Train the model unless one for these exact inputs exists, with the crisis net trained meanwhile (both
    cached by their inputs); returns the model's path."""
    from bot.crisis.net import crisis_net

    path = model_path(root)
    if path.exists():
        crisis_net()  # the learned crisis net, trained once for its examples and cached beside the model
        print(f"Model is up to date: {path.relative_to(root)}")
        return path
    print("Training the Rasa model (the training data changed or no model exists yet)...", flush=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    training = subprocess.Popen(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", path.name[: -len(".tar.gz")],
         "--out", str(path.parent), "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=root, env=env,
    )
    try:
        crisis_net()  # on the core TensorFlow leaves free: about a minute less on a fresh clone
    finally:
        if training.wait() != 0:
            raise subprocess.CalledProcessError(training.returncode, training.args)
    for old in path.parent.glob("intake-*.tar.gz"):
        if old != path:
            old.unlink()
    return path
