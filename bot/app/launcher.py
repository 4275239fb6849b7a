"""Start the action server and the Rasa server together, restart either when it exits; Ctrl-C stops both."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from bot import ROOT
from bot.app.model import ensure_model
from bot.records.database import URL_ENV
from bot.records.tokens import SECRETS_FILE, ensure_secrets


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


RESTART_BASE_S = 1.0  # the first restart after a crash waits 1 s, then 2, 4, 8 ...
RESTART_CAP_S = 30.0  # ... never more than 30 s
STABLE_S = 60.0  # a server that stayed up this long starts its backoff again from 1 s
LOUD_AFTER = 5  # failed starts in a row before the restart line becomes a warning


def restart_delay(failures: int, base: float = RESTART_BASE_S, cap: float = RESTART_CAP_S) -> float:
    """Seconds to wait before restarting a server that has failed `failures` times in a row (1, 2, 4 ... cap)."""
    return min(cap, base * 2.0 ** min(max(failures - 1, 0), 30))


@dataclass
class Server:
    """One supervised server: its name (and log file), its command, and its current process. A server with a
    `ready` check (a database) is waited for before the next one starts, runs in a session of its own (Ctrl-C in
    the terminal reaches the launcher, which stops it after the others); one with an `env` of its own gets only
    that."""

    name: str
    command: list[str]
    env: dict | None = None
    ready: Callable[[], bool] | None = None
    process: subprocess.Popen | None = None
    started: float = 0.0  # time.monotonic() of the last start
    failures: int = 0  # exits in a row, each less than STABLE_S after its start
    restart_at: float | None = None  # when it exited: time.monotonic() of its restart


class Supervisor:
    """Starts the servers with one environment and restarts any that exits, with backoff, until stop()."""

    def __init__(self, servers: list[Server], env: dict, log_dir: Path | None = None):
        self.servers = servers
        self.env = env  # the same ACTION_SERVER_TOKEN and INTAKE_SESSION_KEY on every restart
        self.log_dir = log_dir
        self.started: list[subprocess.Popen] = []  # every process it ever started
        self._lock = threading.Lock()  # no restart can slip in while stop() is stopping
        self._stopping = threading.Event()

    def process(self, name: str) -> subprocess.Popen:
        return next(server.process for server in self.servers if server.name == name)

    def start(self, ready_timeout: float = 60) -> None:
        """Start the servers in order, waiting for each that has a `ready` check (a database before its users)."""
        for server in self.servers:
            self._launch(server, "w")
            if server.ready:
                wait_until(server.ready, server.process, server.name, ready_timeout)

    def _launch(self, server: Server, mode: str) -> None:
        output = open(self.log_dir / f"{server.name}.log", mode) if self.log_dir else None
        try:
            server.process = subprocess.Popen(server.command, cwd=ROOT, env=server.env or self.env, stdout=output,
                                              stderr=subprocess.STDOUT, preexec_fn=private_files,
                                              start_new_session=server.ready is not None)
        finally:
            if output:
                output.close()  # the server has its own copy
        self.started.append(server.process)
        server.started, server.restart_at = time.monotonic(), None

    def check(self) -> None:
        """One round: note the servers that exited; restart those whose delay is over."""
        with self._lock:
            if self._stopping.is_set():
                return
            now = time.monotonic()
            for server in self.servers:
                if server.restart_at is None and server.process.poll() is not None:
                    self._exited(server, now)
                elif server.restart_at is not None and now >= server.restart_at:
                    self._launch(server, "a")

    def _exited(self, server: Server, now: float) -> None:
        """Schedule the restart and say so in one line (never anything of a conversation)."""
        server.failures = 1 if now - server.started >= STABLE_S else server.failures + 1
        delay = restart_delay(server.failures)
        server.restart_at = now + delay
        at = time.strftime("%H:%M:%S", time.localtime(time.time() + delay))
        code = server.process.returncode
        if server.failures >= LOUD_AFTER:
            line = (f"WARNING: the {server.name} server has failed {server.failures} starts in a row (exit code "
                    f"{code}); still restarting it, next in {delay:.0f} s at {at}: check its output")
        else:
            line = f"the {server.name} server exited with code {code}; restarting it in {delay:.0f} s at {at}"
        print(f"[launcher {time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No server is noted as exited or restarted inside this block (a test sees what happens while one is down)."""
        with self._lock:
            yield

    def supervise(self, interval: float = 0.5) -> None:
        """Check every `interval` seconds until stop() (Ctrl-C interrupts it in the main thread)."""
        while not self._stopping.wait(interval):
            self.check()

    def stop(self) -> None:
        """No more restarts; stop the servers (the Rasa server first, as before), and those with a `ready` check (the
        databases the others use) only once the others have stopped."""
        with self._lock:
            self._stopping.set()
        started = [server for server in reversed(self.servers) if server.process]
        stop(*(server.process for server in started if not server.ready))
        stop(*(server.process for server in started if server.ready))


def private_var_dir(var_dir: Path) -> Path:
    """var/: created if missing, readable by its owner only."""
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    var_dir.chmod(0o700)
    return var_dir


def shared_env(ports: Ports, var_dir: Path, token: str, session_key: str | None = None) -> dict:
    """service_env plus the secrets every Rasa and action server shares: a new ACTION_SERVER_TOKEN each start, the
    session key that signs conversation ids (bot.app.sessions), the Rasa token (never on a command line: ps shows
    those)."""
    return {**service_env(ports, var_dir), "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
            "INTAKE_SESSION_KEY": session_key or secrets.token_urlsafe(32), "INTAKE_RASA_TOKEN": token}


def actions_server(name: str, port: int) -> Server:
    return Server(name, [sys.executable, "-m", "actions.server", "--port", str(port)])


def rasa_server(name: str, model: Path, port: int, origins: tuple[str, ...],
                endpoints: str = "endpoints.yml") -> Server:
    return Server(name, [
        sys.executable, "-m", "bot.app.rasa_server", "--model", str(model),
        "--interface", "127.0.0.1", "--port", str(port),
        "--enable-api", "--cors", *origins, "--credentials", "credentials.yml", "--endpoints", endpoints])


def supervisor(model: Path, ports: Ports, var_dir: Path, token: str, log_dir: Path | None = None,
               origins: tuple[str, ...] | None = None, session_key: str | None = None) -> Supervisor:
    """The action server and the Rasa server, not started yet, sharing one new ACTION_SERVER_TOKEN."""
    env = shared_env(ports, private_var_dir(var_dir), token, session_key)
    return Supervisor([actions_server("actions", ports.actions),
                       rasa_server("rasa", model, ports.rasa, origins or allowed_origins(ports))], env, log_dir)


def start_services(model: Path, ports: Ports, var_dir: Path, token: str, log_dir: Path | None = None,
                   origins: tuple[str, ...] | None = None, session_key: str | None = None):
    """Start the action server and the Rasa server, unsupervised; returns the two processes."""
    services = supervisor(model, ports, var_dir, token, log_dir, origins, session_key)
    services.start()
    return services.process("actions"), services.process("rasa")


def wait_until(ready: Callable[[], bool], process: subprocess.Popen, what: str, timeout: float = 180) -> None:
    """Poll `ready()` until it holds, or fail when the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} process exited with code {process.returncode}")
        if ready():
            return
        time.sleep(0.5)
    raise TimeoutError(f"{what} was not ready within {timeout:.0f} s")


def answers(url: str) -> bool:
    """True when `url` answers at all."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Poll `url` until it answers, or fail when the process dies or time runs out."""
    wait_until(lambda: answers(url), process, url, timeout)


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
    """Where the console's token is; never the token itself (the output may be logged or seen by others)."""
    if os.environ.get("COUNSELOR_TOKEN", "").strip():
        return "token: $COUNSELOR_TOKEN"
    return f"token: counselor_token in var/secrets.json{', new' if first_start else ''}"


def single_profile(model: Path, ports: Ports, tokens: dict) -> tuple[Supervisor, list[tuple[str, str]], str]:
    """The action server and the Rasa server, the URLs to wait for, and nothing more to say."""
    services = supervisor(model, ports, ROOT / "var", tokens["rasa_token"], session_key=tokens["session_key"])
    health = [("actions", f"http://localhost:{ports.actions}/health"), ("rasa", f"http://localhost:{ports.rasa}/")]
    return services, health, ""


def start_purging(stopping: threading.Event) -> str:
    """Purge what is older than the retention now and every INTAKE_PURGE_HOURS (bot/app/retention.py); the note to
    print ("" when INTAKE_PURGE_HOURS is 0)."""
    from bot.app.retention import purge_regularly, purge_schedule

    days, hours = purge_schedule()
    if hours <= 0:
        return "Records are not purged automatically (INTAKE_PURGE_HOURS=0): run `make purge`.\n"
    purge_regularly(stopping, days, hours * 3600)
    return f"Records older than {days} days are purged now and every {hours:g} hours.\n"


def run(ports: Ports = Ports(), profile: str = "single") -> None:
    """Train if needed, start everything (the single or the cluster profile), print where to go, wait for Ctrl-C."""
    from bot.records.tokens import counselor_token
    from bot.web.server import WebConfig, serve

    private_files()  # this process writes the intake database too (the console)
    model = ensure_model()
    first_start = not SECRETS_FILE.exists()
    tokens = ensure_secrets()
    if profile == "cluster":
        from bot.app.cluster import cluster_profile

        services, health, note = cluster_profile(model, ports, ROOT / "var", tokens)
    else:
        services, health, note = single_profile(model, ports, tokens)
    web = None
    stopping = threading.Event()  # ends the scheduled purge
    signal.signal(signal.SIGTERM, stop_on_sigterm)  # `kill` or a service manager: stop as cleanly as Ctrl-C
    try:
        services.start()
        for name, url in health:
            wait_until_up(url, services.process(name))
        purge_note = start_purging(stopping)
        records = services.env.get(URL_ENV) or ROOT / "var" / "intake.db"  # where the servers keep them
        web = serve(WebConfig(f"http://localhost:{ports.rasa}", tokens["rasa_token"], counselor_token(),
                              records, allowed_origins(ports)), ports.web)
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
            f"{note}{purge_note}"
            "A server that exits is restarted. Press Ctrl-C to stop.\n",
            flush=True,
        )
        services.supervise()
    except KeyboardInterrupt:
        print("\nStopping...")
    finally:
        stopping.set()
        if web:
            web.shutdown()
        services.stop()


def stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt
