"""One trained assistant per test run: Rasa server + action server on free ports, temporary data."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.app.launcher import Ports, start_services, stop, wait_until_up
from bot.app.model import ensure_model
from bot.app.services import free_port

TOKEN = "e2e-test-token"
TEST_ORIGINS = r"http://(localhost|127\.0\.0\.1):\d+$"  # the test web app runs on a free port


def post_json(url: str, body: dict, timeout: float = 60) -> object:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Assistant:
    """A running assistant and a REST client for it."""

    ports: Ports
    var_dir: Path
    log_dir: Path
    processes: tuple = field(default_factory=tuple)

    @property
    def webhook(self) -> str:
        return f"http://localhost:{self.ports.rasa}/webhooks/rest/webhook"

    def new_sender(self) -> str:
        """A conversation id issued by the server (the REST channel refuses any other)."""
        request = urllib.request.Request(self.webhook.rsplit("/", 1)[0] + "/session", b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["sender"]

    def say(self, sender: str, text: str) -> list[dict]:
        """Send one message and return the bot's replies."""
        return post_json(self.webhook, {"sender": sender, "message": text})

    def tracker(self, sender: str) -> dict:
        url = f"http://localhost:{self.ports.rasa}/conversations/{sender}/tracker?token={TOKEN}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.log_dir.glob("*.log"))


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Assistant:
    """Start both servers once for the whole run (the model is trained at most once)."""
    model = ensure_model()
    os.environ.setdefault("INTAKE_RATE_BURST", "100000")  # the sets are said faster than any person types
    base = tmp_path_factory.mktemp("assistant")
    ports = Ports(rasa=free_port(), actions=free_port())
    running = Assistant(ports, base / "var", base / "logs")
    running.log_dir.mkdir()
    actions, rasa = start_services(model, ports, running.var_dir, TOKEN, log_dir=running.log_dir,
                                   origins=(TEST_ORIGINS,))
    running.processes = (actions, rasa)
    try:
        wait_until_up(f"http://localhost:{ports.actions}/health", actions)
        wait_until_up(f"http://localhost:{ports.rasa}/", rasa)
        yield running
    finally:
        stop(rasa, actions)


@pytest.fixture
def sender(assistant) -> str:
    """A fresh conversation id, issued by the server."""
    return assistant.new_sender()


COUNSELOR_TOKEN = "e2e-counselor-token"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium's own connections are refused on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "results" / "screenshots"


@dataclass
class Web:
    """The web app (widget pages and console) pointed at the test assistant."""

    url: str
    db_path: Path


@pytest.fixture(scope="session")
def web(assistant) -> Web:
    """bot.web on a free port, reading the test assistant's intake database, with a known counselor token."""
    from bot.web.server import WebConfig, serve

    db_path = assistant.var_dir / "intake.db"
    server = serve(WebConfig(f"http://localhost:{assistant.ports.rasa}", TOKEN, COUNSELOR_TOKEN, db_path), 0)
    try:
        yield Web(f"http://localhost:{server.server_port}", db_path)
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download). Per module: Playwright's sync API keeps
    an event loop running in this thread while it is open, which would break later tests' asyncio.run()."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
