"""PostgreSQL and Redis for the cluster profile: Debian's servers, run from the project's var/ directory.

Each service is a description (where its files are, its port, its password) that gives the command to run
it in the foreground, a readiness check, and a one-off preparation (PostgreSQL's initdb). The launcher's
Supervisor runs the commands; `start` / `wait_until_ready` / `stop` run one on its own (tests). PostgreSQL
runs as a non-root user: the `postgres` system user when this process is root. Redis keeps nothing on disk.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bot.records.tokens import ensure_secrets

SERVICE_SECRETS = {"postgres_password": 32, "database_password": 32, "redis_password": 32}  # name -> random bytes
PACKAGES = {"postgres": "postgresql", "redis-server": "redis-server", "nginx": "nginx"}  # command -> Debian package
POSTGRES_USER = "postgres"  # the system user PostgreSQL runs as when this process is root
HOST = "127.0.0.1"


class PackageMissing(RuntimeError):
    """A server's Debian package is not installed and could not be installed here."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
            return True
        except OSError:
            return False


def remembered_port(var_dir: Path, name: str) -> int:
    """The port `name` had last time (var/cluster.json), while it is free, else a new one, remembered: backups and
    `python -m bot purge` find PostgreSQL where it was."""
    path = var_dir / "cluster.json"
    ports = json.loads(path.read_text()) if path.exists() else {}
    if not ports.get(name) or not port_is_free(ports[name]):
        ports[name] = free_port()
        path.write_text(json.dumps(ports, indent=2))
    return ports[name]


def running_port(var_dir: Path, name: str) -> int | None:
    """The port `name` was given by the latest start in this var/ directory, if any."""
    path = var_dir / "cluster.json"
    return json.loads(path.read_text()).get(name) if path.exists() else None


def find_command(command: str) -> str | None:
    """The path of a server's program: on PATH, or (PostgreSQL) in Debian's /usr/lib/postgresql/<version>/bin."""
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{command}"), key=lambda p: int(p.parts[-3]))
    return str(versions[-1]) if versions else shutil.which(command, path="/usr/sbin:/usr/bin:/sbin:/bin")


def ensure_packages(*commands: str) -> dict[str, str]:
    """Each command's path, installing the missing Debian packages (apt-get, as root) first."""
    missing = [PACKAGES[command] for command in commands if not find_command(command)]
    if missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise PackageMissing(f"install the Debian packages {' '.join(missing)} (apt-get install -y ...)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
            done = subprocess.run(step, env=env, capture_output=True, text=True)
            if done.returncode:
                raise PackageMissing(f"`{' '.join(step)}` failed: {done.stderr.strip()[-500:]}")
    paths = {command: find_command(command) for command in commands}
    if not_found := [command for command, path in paths.items() if not path]:
        raise PackageMissing(f"{', '.join(not_found)} not found after installing {' '.join(missing)}")
    return paths


def service_secrets(var_dir: Path) -> dict:
    """The services' passwords, generated into var/secrets.json (0600) on first use."""
    return ensure_secrets(var_dir / "secrets.json", SERVICE_SECRETS)


def as_service_user() -> list[str]:
    """The command prefix that runs a program as the non-root service user (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={POSTGRES_USER}", f"--regid={POSTGRES_USER}", "--init-groups", "--"]


def service_user() -> pwd.struct_passwd:
    """The user PostgreSQL runs as: `postgres` (created if missing) when root, else this process's user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(POSTGRES_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        POSTGRES_USER], check=True)
        return pwd.getpwnam(POSTGRES_USER)


def private_dir(path: Path, owner: pwd.struct_passwd | None = None) -> Path:
    """Create `path` (mode 0700), owned by `owner` when given."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    if owner is not None and os.geteuid() == 0:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return path


def let_service_user_through(var_dir: Path) -> None:
    """var/ stays closed to everyone but its owner, except that the service user's group may pass through it
    (mode 0710, no listing) to reach its own 0700 directory."""
    if os.geteuid() == 0:
        os.chown(var_dir, -1, service_user().pw_gid)
        var_dir.chmod(0o710)


@dataclass(frozen=True)
class Postgres:
    """A private PostgreSQL cluster in var/postgres: data, unix socket, and the database the assistant uses."""

    var_dir: Path
    port: int
    superuser_password: str
    password: str  # the assistant's own role, owner of its database
    user: str = "intake"
    database: str = "intake"

    @property
    def home(self) -> Path:
        return self.var_dir / "postgres"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def socket_dir(self) -> Path:
        return self.home / "run"

    def url(self, user: str | None = None, database: str | None = None) -> str:
        """An SQLAlchemy / libpq URL over TCP on localhost (the assistant's role unless `user` is given)."""
        password = self.superuser_password if user == POSTGRES_USER else self.password
        return f"postgresql://{user or self.user}:{password}@{HOST}:{self.port}/{database or self.database}"

    def prepare(self) -> None:
        """initdb once (superuser `postgres` with its password, password logins over TCP only)."""
        owner = service_user()
        let_service_user_through(self.var_dir)
        for directory in (self.home, self.socket_dir):
            private_dir(directory, owner)
        if (self.data_dir / "PG_VERSION").exists():
            return
        password_file = self.home / "initdb-password"
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(self.superuser_password)
        if os.geteuid() == 0:
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        try:
            done = subprocess.run([*as_service_user(), find_command("initdb"), "-D", str(self.data_dir),
                                   f"--username={POSTGRES_USER}", f"--pwfile={password_file}", "--encoding=UTF8",
                                   "--auth-local=peer", "--auth-host=scram-sha-256", "--no-instructions"],
                                  capture_output=True, text=True)
        finally:
            password_file.unlink(missing_ok=True)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[-800:]}")

    def command(self) -> list[str]:
        """The server in the foreground, on localhost TCP and a unix socket in var/postgres/run."""
        return [*as_service_user(), find_command("postgres"), "-D", str(self.data_dir), "-p", str(self.port),
                "-c", f"listen_addresses={HOST}", "-c", f"unix_socket_directories={self.socket_dir}",
                "-c", "unix_socket_permissions=0700", "-c", "max_connections=200"]

    def ready(self) -> bool:
        """True when the server accepts a login."""
        import psycopg2

        try:
            psycopg2.connect(self.url(POSTGRES_USER, "postgres"), connect_timeout=2).close()
            return True
        except psycopg2.OperationalError:
            return False

    def ensure_database(self) -> None:
        """The assistant's role (its password as in var/secrets.json) and database, created when missing."""
        import psycopg2
        from psycopg2 import sql

        connection = psycopg2.connect(self.url(POSTGRES_USER, "postgres"))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("select 1 from pg_roles where rolname = %s", [self.user])
                verb = "alter" if cursor.fetchone() else "create"
                cursor.execute(sql.SQL(verb + " role {} login password {}").format(
                    sql.Identifier(self.user), sql.Literal(self.password)))
                cursor.execute("select 1 from pg_database where datname = %s", [self.database])
                if not cursor.fetchone():
                    cursor.execute(sql.SQL("create database {} owner {}").format(
                        sql.Identifier(self.database), sql.Identifier(self.user)))
        finally:
            connection.close()


@dataclass(frozen=True)
class Redis:
    """A Redis server on localhost with a password and no persistence: nothing it holds reaches the disk."""

    var_dir: Path
    port: int
    password: str
    max_memory: str = "512mb"  # beyond it, the least recently used keys with an expiry go first

    @property
    def config_file(self) -> Path:
        return self.var_dir / "redis" / "redis.conf"

    def config(self) -> str:
        """redis.conf: the password is here, not on the command line (`ps` shows command lines to everyone)."""
        return "\n".join([
            f"port {self.port}", f"bind {HOST}", "protected-mode yes", f"requirepass {self.password}",
            'save ""', "appendonly no", f"dir {self.config_file.parent}", "daemonize no", 'logfile ""',
            f"maxmemory {self.max_memory}", "maxmemory-policy volatile-lru", ""])

    def prepare(self) -> None:
        """Write redis.conf (0600) in var/redis."""
        private_dir(self.config_file.parent)
        descriptor = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(self.config())

    def command(self) -> list[str]:
        return [find_command("redis-server"), str(self.config_file)]

    def client(self, **options):
        import redis

        return redis.Redis(host=HOST, port=self.port, password=self.password, **options)

    def ready(self) -> bool:
        """True when the server answers PING with the password."""
        import redis

        try:
            return bool(self.client(socket_timeout=2).ping())
        except redis.RedisError:
            return False


def postgres(var_dir: Path, port: int | None = None) -> Postgres:
    """The PostgreSQL service of this var/ directory (on the port it had last time, when free), with its passwords
    from var/secrets.json."""
    secrets = service_secrets(var_dir)
    return Postgres(var_dir, port or remembered_port(var_dir, "postgres"), secrets["postgres_password"],
                    secrets["database_password"])


def redis_server(var_dir: Path, port: int | None = None) -> Redis:
    """The Redis service of this var/ directory (on the port it had last time, when free), with its password."""
    return Redis(var_dir, port or remembered_port(var_dir, "redis"), service_secrets(var_dir)["redis_password"])


def start(service: Postgres | Redis, log_file: Path) -> subprocess.Popen:
    """Prepare and start one service on its own (the launcher uses its Supervisor instead)."""
    service.prepare()
    with open(log_file, "a") as output:
        return subprocess.Popen(service.command(), stdout=output, stderr=subprocess.STDOUT,
                                preexec_fn=lambda: os.umask(0o077))


def wait_until_ready(service: Postgres | Redis, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll the service until it is ready; fail when its process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not service.ready():
        if process.poll() is not None:
            raise RuntimeError(f"{type(service).__name__} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{type(service).__name__} was not ready within {timeout:.0f} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen, timeout: float = 30) -> int:
    """Stop a service cleanly (SIGINT: PostgreSQL's fast shutdown, Redis's and nginx's shutdown); its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
