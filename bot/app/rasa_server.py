"""`python -m bot.app.rasa_server [rasa run options]`: `rasa run` with its auth token taken from the environment.

A command line is readable by every user of the machine (`ps`, /proc/<pid>/cmdline); the environment only
by the same user. The launcher puts the token in $INTAKE_RASA_TOKEN and every other option on the command
line; this module adds `--auth-token` to Rasa's own argument list inside the process (the kernel's copy of
the command line, which `ps` shows, does not change) and runs Rasa's command-line entry point, so the server
starts exactly as `rasa run` would, with the same logging and options.
"""

from __future__ import annotations

import os
import sys

TOKEN_ENV = "INTAKE_RASA_TOKEN"
# Sanic reads a body up to this before the channels' own 64 KB check (its default is 100 MB). A 64 KB message
# of escaped non-ASCII text with metadata fits; the action server keeps the default (trackers are larger).
REQUEST_MAX_BYTES = 1_000_000


def rasa_argv(options: list[str], token: str) -> list[str]:
    """Rasa's argument list: `rasa run` with the options, and the token when there is one."""
    if any(option == "--auth-token" or option.startswith("--auth-token=") for option in options):
        raise SystemExit(f"give the token in ${TOKEN_ENV}, not on the command line")
    return ["rasa", "run", *options, *(["--auth-token", token] if token else [])]


def main(options: list[str] | None = None) -> None:
    token = os.environ.pop(TOKEN_ENV, "").strip()  # not passed on to anything this process starts
    if not token:
        raise SystemExit(f"${TOKEN_ENV} is not set: the Rasa HTTP API would answer without a token")
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(REQUEST_MAX_BYTES))  # read by Sanic when Rasa creates its app
    sys.argv = rasa_argv(sys.argv[1:] if options is None else options, token)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
