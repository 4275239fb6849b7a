"""Real PostgreSQL and Redis servers for the cluster tests, once per test module, in a private var/ directory."""

import shutil
import tempfile
from pathlib import Path

import pytest

from bot import services


def needs_packages(*commands: str) -> None:
    """Install the Debian packages when missing; skip, saying why, when they cannot be installed here."""
    try:
        services.ensure_packages(*commands)
    except services.PackageMissing as error:
        pytest.skip(f"the cluster profile's Debian packages are missing and cannot be installed here: {error}")


def cluster_var_dir() -> Path:
    """A var/ directory outside pytest's own, which is root's and 0700: PostgreSQL's user could not reach into it."""
    return Path(tempfile.mkdtemp(prefix="intake-cluster-"))


@pytest.fixture(scope="module")
def var_dir():
    path = cluster_var_dir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(var_dir):
    """A running PostgreSQL with the assistant's role and database, and its process."""
    needs_packages("postgres", "initdb")
    service = services.postgres(var_dir)
    process = services.start(service, var_dir / "postgres.log")
    try:
        services.wait_until_ready(service, process)
        service.ensure_database()
        yield service, process
    finally:
        services.stop(process)


@pytest.fixture(scope="module")
def redis(var_dir):
    """A running Redis and its process."""
    needs_packages("redis-server")
    service = services.redis_server(var_dir)
    process = services.start(service, var_dir / "redis.log")
    try:
        services.wait_until_ready(service, process)
        yield service, process
    finally:
        services.stop(process)
