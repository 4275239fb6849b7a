"""The tokens of a local install (Rasa's HTTP API, the counselor console), in var/secrets.json.

Created on first start, readable by the owner only from the moment the file exists (mode 0600, in a
0700 directory). The launcher and the console both read them from here.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from bot import ROOT

SECRETS_FILE = ROOT / "var" / "secrets.json"


NEW_TOKENS = {"rasa_token": 32, "counselor_token": 24, "session_key": 32,  # name -> random bytes
              "reference_key": 32}  # the keyed pseudonyms (bot.records.pseudonyms)


def ensure_secrets(path: Path = SECRETS_FILE, names: dict[str, int] = NEW_TOKENS) -> dict:
    """Tokens for Rasa's HTTP API, the counselor console, the conversation ids and the pseudonymous references (or
    the `names` given: the cluster's passwords), generated on first use (and a name added later to an older file)."""
    tokens = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: secrets.token_urlsafe(size) for name, size in names.items() if name not in tokens}
    if not missing:
        return tokens
    tokens.update(missing)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(tokens, file, indent=2)
    partial.replace(path)
    return tokens


def counselor_token(secrets_file: Path | None = None) -> str:
    """$COUNSELOR_TOKEN when set, else the counselor_token in var/secrets.json (generated on first start)."""
    from_env = os.environ.get("COUNSELOR_TOKEN", "").strip()
    if from_env:
        return from_env
    return ensure_secrets(secrets_file or SECRETS_FILE)["counselor_token"]
