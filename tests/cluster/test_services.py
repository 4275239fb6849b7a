"""PostgreSQL and Redis started from the project (bot/app/services.py): real servers in a private var/ directory."""

import json
import os
import stat

import pytest

from bot.app import services


def test_the_passwords_are_generated_into_a_private_secrets_file(postgres, redis, var_dir):
    secrets_file = var_dir / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    saved = json.loads(secrets_file.read_text())
    assert len({saved["postgres_password"], saved["database_password"], saved["redis_password"]}) == 3
    assert services.service_secrets(var_dir) == saved  # the same ones next time


def test_postgres_stores_rows_for_the_assistant_s_role(postgres):
    import psycopg2

    service, _ = postgres
    with psycopg2.connect(service.url()) as connection, connection.cursor() as cursor:
        cursor.execute("create table if not exists probe (id serial primary key, note text)")
        cursor.execute("insert into probe (note) values (%s) returning id", ["kept"])
        assert cursor.fetchone()[0] >= 1
        cursor.execute("select current_user, current_database()")
        assert cursor.fetchone() == ("intake", "intake")


def test_postgres_wants_the_password_and_listens_on_localhost_only(postgres):
    import psycopg2

    service, _ = postgres
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(service.url().replace(service.password, "wrong"), connect_timeout=5)
    with psycopg2.connect(service.url()) as connection, connection.cursor() as cursor:
        cursor.execute("show listen_addresses")
        assert cursor.fetchone() == ("127.0.0.1",)


def test_postgres_runs_as_a_non_root_user_from_a_private_data_directory(postgres, var_dir):
    service, process = postgres
    uid = os.stat(f"/proc/{process.pid}").st_uid
    assert uid != 0
    data = service.data_dir.stat()
    assert data.st_uid == uid and stat.S_IMODE(data.st_mode) == 0o700
    assert stat.S_IMODE(var_dir.stat().st_mode) & 0o007 == 0  # nobody else passes through var/
    assert not (service.home / "initdb-password").exists()


def test_redis_wants_the_password_and_keeps_nothing_on_disk(redis):
    import redis as redis_client

    service, _ = redis
    with pytest.raises(redis_client.AuthenticationError):
        redis_client.Redis(host="127.0.0.1", port=service.port, password="wrong").ping()
    client = service.client()
    client.set("probe", "value", ex=60)
    assert client.get("probe") == b"value"
    assert client.config_get("save") == {"save": ""}
    assert client.config_get("appendonly") == {"appendonly": "no"}
    assert client.config_get("bind")["bind"] == "127.0.0.1"
    assert service.password not in " ".join(service.command())  # `ps` shows command lines to everyone
    assert stat.S_IMODE(service.config_file.stat().st_mode) == 0o600


def test_both_stop_cleanly_and_postgres_keeps_its_rows_across_a_restart(var_dir, postgres, redis):
    import psycopg2

    pg, pg_process = postgres
    rd, rd_process = redis
    with psycopg2.connect(pg.url()) as connection, connection.cursor() as cursor:
        cursor.execute("create table if not exists kept (note text)")
        cursor.execute("insert into kept values ('still here')")
    assert services.stop(pg_process) == 0
    assert services.stop(rd_process) == 0
    assert not pg.ready() and not rd.ready()
    again = services.start(pg, var_dir / "postgres.log")
    try:
        services.wait_until_ready(pg, again)
        with psycopg2.connect(pg.url()) as connection, connection.cursor() as cursor:
            cursor.execute("select note from kept")
            assert cursor.fetchall() == [("still here",)]
    finally:
        assert services.stop(again) == 0
