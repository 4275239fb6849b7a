"""The tokens of a local install (Rasa's HTTP API, the counselor console), in var/secrets.json.

Created on first start, readable by the owner only from the moment the file exists (mode 0600, in a
0700 directory). The launcher and the console both read them from here.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from bot.model import ROOT

SECRETS_FILE = ROOT / "var" / "secrets.json"


def ensure_secrets(path: Path = SECRETS_FILE) -> dict:
    """Tokens for Rasa's HTTP API and the counselor console, generated on first start."""
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tokens = {"rasa_token": secrets.token_urlsafe(32), "counselor_token": secrets.token_urlsafe(24)}
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return json.loads(path.read_text())
    with os.fdopen(descriptor, "w") as file:
        json.dump(tokens, file, indent=2)
    return tokens


def counselor_token(secrets_file: Path | None = None) -> str:
    """$COUNSELOR_TOKEN when set, else the counselor_token in var/secrets.json (generated on first start)."""
    from_env = os.environ.get("COUNSELOR_TOKEN", "").strip()
    if from_env:
        return from_env
    return ensure_secrets(secrets_file or SECRETS_FILE)["counselor_token"]
