"""The whole cluster profile for tests: PostgreSQL, Redis, two Rasa replicas, two action servers and nginx,
on free ports with a temporary var/, under the launcher's Supervisor (a killed server comes back)."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.app import services
from bot.app.cluster import Cluster, cluster_supervisor, wait_for_cluster
from bot.app.launcher import Ports, Supervisor
from bot.app.load_balancer import UPSTREAM_HEADER
from bot.app.model import ensure_model
from tests.e2e.stack import TEST_ORIGINS, TOKEN


def needs_packages(*commands: str) -> None:
    """Install the Debian packages when missing; skip, saying why, when they cannot be installed here."""
    try:
        services.ensure_packages(*commands)
    except services.PackageMissing as error:
        pytest.skip(f"the cluster profile's Debian packages are missing and cannot be installed here: {error}")


def cluster_var_dir() -> Path:
    """A var/ directory outside pytest's own, which is root's and 0700: PostgreSQL's user could not reach into it."""
    return Path(tempfile.mkdtemp(prefix="intake-cluster-"))


@dataclass
class ClusterStack:
    """A running cluster and a REST client for it, through nginx, noting which replica answered each message."""

    ports: Ports
    var_dir: Path
    supervisor: Supervisor
    cluster: Cluster
    served_by: list[str] = field(default_factory=list)  # X-Intake-Upstream of each message, in order
    reader: int = 0  # the replica tracker() reads from, directly (not through nginx: its rotation stays the messages')

    @property
    def url(self) -> str:
        return f"http://localhost:{self.ports.rasa}"

    def post(self, path: str, body: dict | None = None, timeout: float = 60) -> tuple[object, str]:
        """POST JSON through nginx; the reply and the replica that served it."""
        request = urllib.request.Request(self.url + path, json.dumps(body or {}).encode(),
                                         {"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read()), response.headers[UPSTREAM_HEADER]

    def new_sender(self) -> str:
        return self.post("/webhooks/rest/session")[0]["sender"]

    def say(self, sender: str, text: str) -> list[dict]:
        replies, upstream = self.post("/webhooks/rest/webhook", {"sender": sender, "message": text})
        self.served_by.append(upstream)
        return replies

    def tracker(self, sender: str, replica: int | None = None) -> dict:
        """The conversation as one replica (0, 1, ...; default `reader`) reads it, asked directly."""
        base = f"http://127.0.0.1:{self.cluster.rasa_ports[self.reader if replica is None else replica]}"
        with urllib.request.urlopen(f"{base}/conversations/{sender}/tracker?token={TOKEN}", timeout=30) as response:
            return json.loads(response.read())

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]

    def replica_of(self, upstream: str) -> int:
        """Which replica (0, 1, ...) an X-Intake-Upstream value names."""
        return self.cluster.rasa_ports.index(int(upstream.rsplit(":", 1)[1]))


def start_cluster(base: Path | None = None):
    """Start the stack, yield it, stop it (a generator for module fixtures)."""
    needs_packages("postgres", "initdb", "redis-server", "nginx")
    model = ensure_model()
    var_dir = base or cluster_var_dir()
    ports = Ports(rasa=services.free_port(), actions=services.free_port(), web=services.free_port())
    log_dir = var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    supervisor, cluster = cluster_supervisor(model, ports, var_dir, TOKEN, log_dir, origins=(TEST_ORIGINS,))
    watcher = threading.Thread(target=supervisor.supervise, args=(0.2,), daemon=True)
    try:
        supervisor.start()
        wait_for_cluster(supervisor, cluster, ports)
        watcher.start()
        yield ClusterStack(ports, var_dir, supervisor, cluster)
    finally:
        supervisor.stop()
        watcher.join(timeout=5)
        for process in supervisor.started:
            if process.poll() is None:
                process.kill()
        shutil.rmtree(var_dir, ignore_errors=True)
