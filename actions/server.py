"""The action server: Rasa SDK's app, reachable by the Rasa server only.

Every call but /health must carry the shared secret in the X-Action-Token header (set for the Rasa
server in endpoints.yml from $ACTION_SERVER_TOKEN) and be JSON with a valid Content-Length (checked from the
request's head, as the web app and the Rasa server do); a failing action answers with a short error that never
echoes the request (which holds the whole conversation). Started by bot.app.launcher:
`python -m actions.server --port 5055`.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.helpers import STATUS_CODES
from sanic.request import Request

from bot.conversation.answers import warm_up
from bot.web.http_server import Refused, refuse_a_bad_body_length

TOKEN_HEADER = "X-Action-Token"
TOKEN_ENV = "ACTION_SERVER_TOKEN"
MAX_BODY_BYTES = 2 * 1024 * 1024  # a tracker of a long conversation, with room to spare
logger = logging.getLogger(__name__)


def build_app(token: str) -> Sanic:
    """Rasa SDK's action app, behind the shared-secret and JSON checks."""
    app = create_app("actions", cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.signal("http.lifecycle.request")
    async def refuse_from_the_head(request: Request) -> None:
        refuse_a_bad_body_length(request, MAX_BODY_BYTES)

    @app.middleware("request")
    async def only_the_rasa_server(request: Request):
        if request.path == "/health" or request.route is None:
            return None  # no route, no action: Sanic's own errors (a refused head, 404, 405) reach the error handler
        if not token or not hmac.compare_digest(request.headers.get(TOKEN_HEADER, ""), token):
            return response.json({"error": "unauthorized"}, status=401)
        if request.method == "POST" and (request.content_type or "").split(";")[0].strip() != "application/json":
            return response.json({"error": "JSON only"}, status=415)
        return None

    async def failed(request: Request, exception: Exception):
        if isinstance(exception, Refused):
            return response.json({"error": str(exception)}, status=exception.status_code)
        if isinstance(exception, SanicException) and exception.status_code < 500:
            return response.json({"error": STATUS_CODES[exception.status_code].decode()}, status=exception.status_code)
        logger.error("An action failed: %s (the request is not logged).", type(exception).__name__)
        return response.json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    warm_up()  # the answer classifiers train in about a second, before the first conversation rather than in it
    build_app(os.environ.get(TOKEN_ENV, "")).run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port,
                                                 workers=1, access_log=False)


if __name__ == "__main__":
    main()
