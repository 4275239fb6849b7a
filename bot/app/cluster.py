"""The cluster profile: PostgreSQL, Redis, N Rasa replicas, M action servers and nginx, under one Supervisor.

`make run PROFILE=cluster` (docs/cluster.md). nginx listens where the single profile's Rasa server and action
server do (Ports), so the chat page, widget and console work unchanged; everything behind it gets a free port on
localhost. The replicas read endpoints.cluster.yml: consented conversations in PostgreSQL, the others and Rasa's
lock in Redis (components/cluster_stores.py). The records (intakes, events, the queue, audit: bot.records) go to the
same PostgreSQL database, schema `records`, through $INTAKE_RECORDS_URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.app.launcher import (
    Ports,
    Server,
    Supervisor,
    actions_server,
    allowed_origins,
    private_var_dir,
    rasa_server,
    shared_env,
    wait_until_up,
)
from bot.app.load_balancer import LoadBalancer
from bot.app.services import Postgres, Redis, ensure_packages, free_port, postgres, redis_server
from bot.records.database import URL_ENV

ENDPOINTS = "endpoints.cluster.yml"
REPLICAS_ENV, ACTION_SERVERS_ENV = "INTAKE_RASA_REPLICAS", "INTAKE_ACTION_SERVERS"
DEFAULT_REPLICAS = DEFAULT_ACTION_SERVERS = 2


def configured(name: str, default: int) -> int:
    """A count from the environment (at least 1)."""
    value = int(os.environ.get(name) or default)
    if value < 1:
        raise ValueError(f"${name} must be at least 1")
    return value


@dataclass(frozen=True)
class Cluster:
    """What runs where: the services, the replicas' and action servers' ports, and nginx in front."""

    postgres: Postgres
    redis: Redis
    balancer: LoadBalancer

    @property
    def rasa_ports(self) -> tuple[int, ...]:
        return self.balancer.rasa_ports

    @property
    def action_ports(self) -> tuple[int, ...]:
        return self.balancer.action_ports


def plan(var_dir: Path, ports: Ports, replicas: int | None = None, action_servers: int | None = None) -> Cluster:
    """Ports for everything behind nginx, and the services' passwords from var/secrets.json."""
    replicas = replicas or configured(REPLICAS_ENV, DEFAULT_REPLICAS)
    action_servers = action_servers or configured(ACTION_SERVERS_ENV, DEFAULT_ACTION_SERVERS)
    balancer = LoadBalancer(var_dir, ports.rasa, tuple(free_port() for _ in range(replicas)), ports.actions,
                            tuple(free_port() for _ in range(action_servers)))
    return Cluster(postgres(var_dir), redis_server(var_dir), balancer)


def cluster_env(cluster: Cluster) -> dict:
    """What endpoints.cluster.yml reads (where PostgreSQL and Redis are, their passwords), where the records are
    (bot.records.database; the URL holds the password: in the environment, never on a command line), and that the
    replicas take the client's address from nginx's X-Forwarded-For (the per-address limit on new conversations)."""
    return {"INTAKE_POSTGRES_PORT": str(cluster.postgres.port), "INTAKE_POSTGRES_PASSWORD": cluster.postgres.password,
            "INTAKE_REDIS_PORT": str(cluster.redis.port), "INTAKE_REDIS_PASSWORD": cluster.redis.password,
            URL_ENV: cluster.postgres.url(), "SANIC_PROXIES_COUNT": "1"}


def service_only_env() -> dict:
    """PostgreSQL, Redis and nginx get no secret of the assistant's: just a PATH."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}


def postgres_ready(service: Postgres):
    """Ready when it takes logins; then the assistant's role and database are made sure of."""
    def ready() -> bool:
        if not service.ready():
            return False
        service.ensure_database()
        return True
    return ready


def cluster_supervisor(model: Path, ports: Ports, var_dir: Path, token: str, log_dir: Path | None = None,
                       origins: tuple[str, ...] | None = None, session_key: str | None = None,
                       replicas: int | None = None, action_servers: int | None = None) -> tuple[Supervisor, Cluster]:
    """Every server of the cluster, not started yet, in starting order (stopped in the reverse order)."""
    ensure_packages("postgres", "initdb", "redis-server", "nginx")
    cluster = plan(private_var_dir(var_dir), ports, replicas, action_servers)
    for service in (cluster.postgres, cluster.redis, cluster.balancer):
        service.prepare()
    quiet = service_only_env()
    origins = origins or allowed_origins(ports)
    servers = [Server("postgres", cluster.postgres.command(), quiet, postgres_ready(cluster.postgres)),
               Server("redis", cluster.redis.command(), quiet, cluster.redis.ready)]
    servers += [actions_server(f"actions-{n + 1}", port) for n, port in enumerate(cluster.action_ports)]
    servers += [rasa_server(f"rasa-{n + 1}", model, port, origins, ENDPOINTS)
                for n, port in enumerate(cluster.rasa_ports)]
    servers.append(Server("nginx", cluster.balancer.command(), quiet))
    env = {**shared_env(ports, var_dir, token, session_key), **cluster_env(cluster)}
    return Supervisor(servers, env, log_dir), cluster


def wait_for_cluster(supervisor: Supervisor, cluster: Cluster, ports: Ports) -> None:
    """Wait until every replica, every action server and nginx in front of them answer."""
    for n, port in enumerate(cluster.rasa_ports):
        wait_until_up(f"http://127.0.0.1:{port}/", supervisor.process(f"rasa-{n + 1}"))
    for n, port in enumerate(cluster.action_ports):
        wait_until_up(f"http://127.0.0.1:{port}/health", supervisor.process(f"actions-{n + 1}"))
    wait_until_up(f"http://localhost:{ports.rasa}/", supervisor.process("nginx"))


def cluster_profile(model: Path, ports: Ports, var_dir: Path, tokens: dict) -> tuple[Supervisor, list, str]:
    """For `make run PROFILE=cluster`: the supervisor, the URLs to wait for (each server, then nginx), what runs
    behind nginx. The servers' output goes to var/log/<server>.log."""
    log_dir = private_var_dir(var_dir) / "log"
    log_dir.mkdir(mode=0o700, exist_ok=True)
    services, cluster = cluster_supervisor(model, ports, var_dir, tokens["rasa_token"], log_dir,
                                           session_key=tokens["session_key"])
    health = [(f"actions-{n + 1}", f"http://127.0.0.1:{port}/health") for n, port in enumerate(cluster.action_ports)]
    health += [(f"rasa-{n + 1}", f"http://127.0.0.1:{port}/") for n, port in enumerate(cluster.rasa_ports)]
    health += [("nginx", f"http://localhost:{ports.rasa}/"), ("nginx", f"http://localhost:{ports.actions}/health")]
    return services, health, behind_nginx(cluster)


def behind_nginx(cluster: Cluster) -> str:
    """The lines `make run` adds for the cluster profile: what runs behind nginx, and where."""
    def listed(ports: tuple[int, ...]) -> str:
        return ", ".join(str(port) for port in ports)

    return (f"  Behind nginx:      {len(cluster.rasa_ports)} Rasa replicas (ports {listed(cluster.rasa_ports)}), "
            f"{len(cluster.action_ports)} action servers (ports {listed(cluster.action_ports)})\n"
            f"  PostgreSQL:        127.0.0.1:{cluster.postgres.port} (var/postgres; conversations with consent, "
            "intakes, events, the queue, audit)\n"
            f"  Redis:             127.0.0.1:{cluster.redis.port} (memory only; conversations without consent)\n"
            "  Logs:              var/log/<server>.log\n")
