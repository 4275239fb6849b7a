"""The records database for storage-level tests: a SQLite file, and the same tests again on a real PostgreSQL.

PostgreSQL is Debian's postgresql 15 started from the project (bot/app/services.py), once per test run, in a private
directory on a free port, as a non-root user (as tests/cluster does); each test starts with no `records` schema.
When the package is missing and cannot be installed here, the PostgreSQL runs are skipped, saying why.
"""

from __future__ import annotations

import shutil

import pytest

from bot.app import services

BACKENDS = ("sqlite", "postgresql")
_server: dict = {}  # the one test PostgreSQL of this run, or why there is none


def postgres_for_tests(config: pytest.Config) -> services.Postgres:
    """The run's PostgreSQL, started on first use and stopped when pytest ends; skips when it cannot run here."""
    if "skip" in _server:
        pytest.skip(_server["skip"])
    if "service" not in _server:
        from tests.cluster.stack import cluster_var_dir

        try:
            services.ensure_packages("postgres", "initdb")
        except services.PackageMissing as error:
            _server["skip"] = f"PostgreSQL's Debian package is missing and cannot be installed here: {error}"
            pytest.skip(_server["skip"])
        var_dir = cluster_var_dir()
        service = services.postgres(var_dir)
        process = services.start(service, var_dir / "postgres.log")

        def stop() -> None:
            services.stop(process)
            shutil.rmtree(var_dir, ignore_errors=True)

        config.add_cleanup(stop)
        services.wait_until_ready(service, process)
        service.ensure_database()
        _server["service"] = service
    return _server["service"]


def as_superuser(service: services.Postgres, *statements: str) -> None:
    """Run statements in the assistant's database as `postgres` (tests only)."""
    import psycopg2

    connection = psycopg2.connect(service.url(services.POSTGRES_USER, service.database))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def empty(service: services.Postgres) -> None:
    """No records schema, and no connection of the assistant's role left from the test before."""
    as_superuser(service, "select pg_terminate_backend(pid) from pg_stat_activity "
                          f"where usename = '{service.user}' and pid != pg_backend_pid()",
                 "drop schema if exists records cascade")


@pytest.fixture(params=BACKENDS)
def records_at(request, tmp_path):
    """Where a test keeps its records: a new SQLite file, or the URL of the test PostgreSQL (emptied after)."""
    if request.param == "sqlite":
        yield tmp_path / "intake.db"
        return
    service = postgres_for_tests(request.config)
    empty(service)
    yield service.url()
    empty(service)
