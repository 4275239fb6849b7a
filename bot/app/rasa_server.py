"""`python -m bot.app.rasa_server [rasa run options]`: `rasa run` with its auth token taken from the environment.

A command line is readable by every user of the machine (`ps`, /proc/<pid>/cmdline); the environment only
by the same user. The launcher puts the token in $INTAKE_RASA_TOKEN and every other option on the command
line; this module adds `--auth-token` to Rasa's own argument list inside the process (the kernel's copy of
the command line, which `ps` shows, does not change) and runs Rasa's command-line entry point, so the server
starts exactly as `rasa run` would, with the same logging and options.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable

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
    import rasa.core.run
    from rasa.__main__ import main as rasa_main

    rasa.core.run.configure_app = with_guarded_heads(rasa.core.run.configure_app)
    rasa_main()


def with_guarded_heads(configure_app: Callable) -> Callable:
    """Rasa's configure_app, whose app refuses a bad Content-Length from the request's head: Sanic 21.12 alone reads
    a body declared "-1" without end and answers "abc" with a 500 (the web app's guard, bot/web/http_server.py)."""
    from bot.web.http_server import refuse_a_bad_body_length

    @functools.wraps(configure_app)
    def configure(*args, **kwargs):
        app = configure_app(*args, **kwargs)

        @app.signal("http.lifecycle.request")
        async def refuse_from_the_head(request) -> None:
            refuse_a_bad_body_length(request, REQUEST_MAX_BYTES)

        return app

    return configure


if __name__ == "__main__":
    main()
