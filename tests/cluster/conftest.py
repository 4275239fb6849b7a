"""Real PostgreSQL and Redis servers for the cluster tests, once per test module, in a private var/ directory."""

import shutil

import pytest

from bot.app import services
from tests.cluster.stack import cluster_var_dir, needs_packages


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

