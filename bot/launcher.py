"""Start the action server and the Rasa server together; Ctrl-C stops both."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.model import ROOT, ensure_model
from bot.tokens import SECRETS_FILE, ensure_secrets


@dataclass(frozen=True)
class Ports:
    """Where each service listens on localhost."""

    rasa: int = 5005
    actions: int = 5055
    web: int = 8080


def service_env(ports: Ports, var_dir: Path) -> dict:
    """Environment shared by both servers: endpoints, databases, no telemetry."""
    return {
        **os.environ,
        "ACTION_ENDPOINT_URL": f"http://localhost:{ports.actions}/webhook",
        "RASA_TRACKER_DB": str(var_dir / "tracker.db"),
        "INTAKE_DB": str(var_dir / "intake.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",  # the action server listens on localhost only
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }


def allowed_origins(ports: Ports) -> tuple[str, ...]:
    """The web origins that may call the Rasa server from a browser: $INTAKE_ALLOWED_ORIGINS (space or comma
    separated; a provider's sites), else this install's own chat page and console."""
    configured = os.environ.get("INTAKE_ALLOWED_ORIGINS", "").replace(",", " ").split()
    return tuple(configured) or (f"http://localhost:{ports.web}", f"http://127.0.0.1:{ports.web}")


def private_files() -> None:
    """In a server process: files it creates are readable by the owner only (databases, logs)."""
    os.umask(0o077)


def start_services(model: Path, ports: Ports, var_dir: Path, token: str, log_dir: Path | None = None,
                   origins: tuple[str, ...] | None = None, session_key: str | None = None):
    """Start the action server and the Rasa server; returns the two processes."""
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    var_dir.chmod(0o700)
    env = service_env(ports, var_dir)
    python = sys.executable

    def output(name: str):
        return open(log_dir / f"{name}.log", "w") if log_dir else None

    env["ACTION_SERVER_TOKEN"] = secrets.token_urlsafe(32)  # shared by the two servers, new on every start
    env["INTAKE_SESSION_KEY"] = session_key or secrets.token_urlsafe(32)  # signs conversation ids (bot.sessions)
    actions = subprocess.Popen(
        [python, "-m", "actions.server", "--port", str(ports.actions)],
        cwd=ROOT, env=env, stdout=output("actions"), stderr=subprocess.STDOUT, preexec_fn=private_files,
    )
    rasa = subprocess.Popen(
        [python, "-m", "rasa", "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(ports.rasa),
         "--enable-api", "--auth-token", token, "--cors", *(origins or allowed_origins(ports)),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=ROOT, env=env, stdout=output("rasa"), stderr=subprocess.STDOUT, preexec_fn=private_files,
    )
    return actions, rasa


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Poll `url` until it answers, or fail when the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop(*processes: subprocess.Popen) -> None:
    """Stop processes politely, then firmly."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def counselor_login_note(first_start: bool, tokens: dict) -> str:
    """Where the console's token is; the token itself only when it was just generated."""
    if os.environ.get("COUNSELOR_TOKEN", "").strip():
        return "token: $COUNSELOR_TOKEN"
    if first_start:
        return f"token (new, also in var/secrets.json): {tokens['counselor_token']}"
    return "token: counselor_token in var/secrets.json"


def run(ports: Ports = Ports()) -> None:
    """Train if needed, start everything, print where to go, and wait for Ctrl-C."""
    from bot.tokens import counselor_token
    from bot.web.server import WebConfig, serve

    private_files()  # this process writes the intake database too (the console)
    model = ensure_model()
    first_start = not SECRETS_FILE.exists()
    tokens = ensure_secrets()
    actions, rasa = start_services(model, ports, ROOT / "var", tokens["rasa_token"], session_key=tokens["session_key"])
    web = None
    try:
        wait_until_up(f"http://localhost:{ports.actions}/health", actions)
        wait_until_up(f"http://localhost:{ports.rasa}/", rasa)
        web = serve(WebConfig(f"http://localhost:{ports.rasa}", tokens["rasa_token"], counselor_token(),
                              ROOT / "var" / "intake.db"), ports.web)
        login = counselor_login_note(first_start, tokens)
        print(
            "\nThe intake assistant is running.\n"
            f"  Chat page:         http://localhost:{ports.web}/   <- open this to talk to it\n"
            f"  Widget demo:       http://localhost:{ports.web}/demo.html (embed: <script src=.../widget.js>)\n"
            f"  Counselor console: http://localhost:{ports.web}/console  ({login})\n"
            f"  REST channel:      POST http://localhost:{ports.rasa}/webhooks/rest/session, then .../webhook\n"
            f"  socket.io channel: http://localhost:{ports.rasa}/socket.io/\n"
            f"  Rasa HTTP API:     http://localhost:{ports.rasa}/ (token in var/secrets.json)\n"
            f"  Action server:     http://localhost:{ports.actions}/health\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while actions.poll() is None and rasa.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping...")
    finally:
        if web:
            web.shutdown()
        stop(rasa, actions)
