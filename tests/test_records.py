"""The records database (bot/records/database.py): one interface, the same behaviour on SQLite and on a real
PostgreSQL (tests/backends.py), tables made from the one schema; then what only PostgreSQL needs (its own schema
beside Rasa's tables, lost connections replaced, servers starting together, one writer at a time)."""

import json
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records import callbacks, console_store, database, storage, work_queue
from bot.records.schema import RECORDS, REPLAY, TABLES
from bot.records.storage import delete_conversation, get_intake, list_events, open_db, record_event, save_intake
from bot.replay.runs import add_rows, finish_run, open_runs_db, start_run
from tests.backends import as_superuser, postgres_for_tests, records_at  # noqa: F401  (a fixture)

ANSWERS = {"substances": ["alcohol"], "severity": "moderate", "home": "stable", "support": "strong"}


@pytest.fixture
def db(records_at):  # noqa: F811
    db = open_db(records_at)
    yield db
    db.close()


@pytest.fixture
def postgres_db(request):
    """The records in the test PostgreSQL only (what SQLite has no counterpart of)."""
    from tests.backends import empty

    service = postgres_for_tests(request.config)
    empty(service)
    db = open_db(service.url())
    yield service, db
    db.close()
    empty(service)


def save(db, conversation="conv-1", answers=ANSWERS):
    intake = make_intake(answers)
    save_intake(db, f"{conversation}:0", conversation, intake, recommend_level(intake), consent_version="test-1")


# --- the same on both ----------------------------------------------------------------------------------------------

def test_an_intake_is_stored_once_however_often_it_is_saved_and_reads_back_decoded(db):
    save(db)
    first = get_intake(db, "conv-1:0")
    save(db)
    save(db)
    row = get_intake(db, "conv-1:0")
    assert db.count("intakes") == 1 and row["started_at"] == first["started_at"]
    assert row["level"] == "iop" and row["criteria"]["substances"] == ["alcohol"] and row["reasons"][0]["sources"]
    assert isinstance(row["review"], int)  # an int on both, not a boolean


def test_events_are_listed_newest_first_and_carry_no_text(db):
    record_event(db, "crisis", "conv-9", "suicide")
    record_event(db, "handoff", "conv-9", "requested")
    assert [event["kind"] for event in list_events(db)] == ["handoff", "crisis"]
    assert list_events(db, kind="crisis", limit=1)[0]["category"] == "suicide"
    assert set(list_events(db)[0]) == {"id", "kind", "conversation_id", "category", "status", "created_at"}
    with pytest.raises(ValueError):
        record_event(db, "chat", "conv-9", "hello")


def test_deleting_a_conversation_erases_its_rows_and_keeps_safety_events_without_its_id(db):
    save(db, "c1")
    save(db, "c2")
    console_store.save_disposition(db, "c1:0", "follow_up", "call back", "Dana")
    record_event(db, "crisis", "c1", "suicide")
    callbacks.save_request(db, callbacks.read_request({"conversation_id": "c1", "contact": "5552013344",
                                                       "best_time": "any", "consent": True}))
    work_queue.sync(db)
    deleted = delete_conversation(db, "c1")
    assert deleted == {"intakes": 1, "events": 1, "callbacks": 1, "queue_items": 3, "dispositions": 1}
    assert get_intake(db, "c1:0") is None and get_intake(db, "c2:0") is not None
    assert [(event["conversation_id"], event["category"]) for event in list_events(db)] == [("", "suicide")]
    assert [(item["kind"], item["reference"]) for item in work_queue.list_items(db, status=None)["items"]
            if item["kind"] != "intake"] == [("crisis", "")]


def test_both_create_every_table_with_the_schema_s_columns_and_indexes(records_at):  # noqa: F811
    db = open_db(records_at)
    runs = open_runs_db(records_at if database.is_url(records_at) else Path(records_at).with_name("replay.db"))
    for table in RECORDS:
        assert [column[0] for column in db.execute(f"select * from {table.name} where 1 = 0").description] == \
            list(table.column_names)
    for table in REPLAY:
        assert [column[0] for column in runs.execute(f"select * from {table.name} where 1 = 0").description] == \
            list(table.column_names)
    index_query = ("select indexname from pg_indexes where schemaname = 'records'" if db.dialect == "postgresql"
                   else "select name from sqlite_master where type = 'index'")
    indexes = {row[0] for row in db.execute(index_query).fetchall()}
    assert {index.name(table.name) for table in RECORDS for index in table.indexes} <= indexes


def test_opening_again_adds_what_an_older_database_lacks_and_keeps_its_rows(records_at):  # noqa: F811
    db = database.connect(records_at)
    if db.dialect == "postgresql":
        db.execute("create schema records")
    db.execute('create table dispositions ("intake_id" text primary key, "disposition" text, "note" text)')
    db.execute("insert into dispositions (intake_id, disposition, note) values ('c1:0', 'agree', 'kept')")
    db.close()
    db = open_db(records_at)
    assert db.rows("dispositions") == [{"intake_id": "c1:0", "disposition": "agree", "note": "kept", "counselor": None,
                                        "updated_at": None, "placed_level": None}]
    assert db.table_names() >= {table.name for table in RECORDS}


def test_insert_upsert_update_rows_count_and_delete(db):
    first = db.insert("audit", {"at": "2026-01-01T00:00:00+00:00", "counselor": "Dana", "action": "a", "target": "",
                                "detail": ""})
    second = db.insert("audit", {"at": "2026-01-02T00:00:00+00:00", "counselor": "Lee", "action": "b", "target": "",
                                 "detail": ""})
    assert isinstance(first, int) and second > first  # numbered by the database
    assert db.insert("dispositions", {"intake_id": "c1:0", "disposition": "agree", "note": "first"}) == "c1:0"
    db.upsert("dispositions", {"intake_id": "c1:0", "disposition": "follow_up", "counselor": "Lee"})
    assert db.rows("dispositions") == [{"intake_id": "c1:0", "disposition": "follow_up", "note": None,
                                        "counselor": "Lee", "updated_at": None, "placed_level": None}]  # replaced
    assert db.update("audit", first, {"detail": "changed"}) == 1 and db.update("audit", 999, {"detail": "x"}) == 0
    assert [row["counselor"] for row in db.rows("audit", order_by="id desc", limit=1)] == ["Lee"]
    assert db.rows("audit", "counselor = :who", {"who": "Dana"})[0]["detail"] == "changed"
    assert db.count("audit") == 2 and db.count("audit", "at < ?", ["2026-01-02"]) == 1
    with pytest.raises(ValueError):
        db.delete("audit", "")
    assert db.delete("audit", "id = ?", [first]) == 1 and db.count("audit") == 1


def test_parameters_in_either_style_and_literals_holding_question_marks_colons_and_percents(db):
    row = db.query("select 'why? at 9:30, 50% sure' as said, ? as n, ? as word", [7, "it's"])[0]
    assert row == {"said": "why? at 9:30, 50% sure", "n": 7, "word": "it's"}
    db.insert("audit", {"at": "now", "counselor": "100%", "action": "x:y", "target": "?", "detail": ""})
    assert db.count("audit", "counselor like :pattern and action = :action", {"pattern": "100%", "action": "x:y"}) == 1
    assert db.count("audit", "counselor like '1%' and target = '?'") == 1


def test_text_compares_byte_by_byte_on_both(db):
    for counselor in ("b", "B", "a", "\u00e9"):
        db.insert("audit", {"at": "t", "counselor": counselor, "action": "", "target": "", "detail": ""})
    assert [row["counselor"] for row in db.rows("audit", order_by="counselor")] == ["B", "a", "b", "\u00e9"]
    later = "2026-01-01T10:00:00+00:00"
    assert db.count("audit", "? > '2026-01-01T09:59:59+00:00'", [later]) == 4


def test_a_failed_transaction_leaves_nothing_and_the_next_one_works(db):
    with pytest.raises(RuntimeError):
        with db.transaction():
            record_event(db, "crisis", "conv-1", "suicide")
            with db.transaction():  # nested: part of the outer one
                record_event(db, "handoff", "conv-1", "requested")
            raise RuntimeError("a step failed")
    assert db.count("events") == 0
    with db.transaction():
        record_event(db, "crisis", "conv-1", "suicide")
    assert db.count("events") == 1


def test_insert_all_skips_rows_that_repeat_a_unique_key_and_counts_the_rest(db):
    item = {"kind": "crisis", "ref": "1", "conversation_id": "", "reference": "", "category": "", "created_at": "t",
            "status": "new", "assignee": "", "updated_at": "t"}
    assert db.insert_all("queue_items", [item, {**item, "ref": "2"}], ignore=True) == 2
    assert db.insert_all("queue_items", [item, {**item, "ref": "3"}], ignore=True) == 1
    assert db.insert_all("queue_items", []) == 0
    assert db.count("queue_items") == 3


def test_replay_runs_are_kept_on_both(records_at, tmp_path):  # noqa: F811
    runs = open_runs_db(records_at if database.is_url(records_at) else tmp_path / "replay.db")
    run_id = start_run(runs, inputs="calls/", out_dir="out", workers=2, model="m", rule_version="r")
    add_rows(runs, run_id, [{"summary": {"call_id": "c1", "source": "a.txt", "disposition": "iop", "level": "iop",
                                         "agrees": "yes", "track": "", "review": "no", "crisis": "", "missing": "",
                                         "criteria": "{}"}, "detail": "{}"}],
             [{"call_id": "", "source": "b.txt", "line": "3", "error": "unreadable"}])
    finish_run(runs, run_id, {"calls": 1, "errors": 1, "agreement": 1.0}, 2.345, 2)
    run = runs.rows("runs")[0]
    assert (run["calls"], run["agreement"], run["seconds"], json.loads(run["figures"])["errors"]) == (1, 1.0, 2.35, 1)
    assert runs.rows("calls", "run_id = ?", [run_id])[0]["agrees"] == 1
    assert runs.rows("errors")[0]["line"] == 3 and runs.rows("errors")[0]["call_id"] is None


def test_the_running_servers_use_the_records_named_in_the_environment(records_at, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv(database.PATH_ENV, str(tmp_path / "elsewhere.db"))
    monkeypatch.delenv(database.URL_ENV, raising=False)
    if database.is_url(records_at):
        monkeypatch.setenv(database.URL_ENV, records_at)
    else:
        monkeypatch.setenv(database.PATH_ENV, str(records_at))
    storage.default_db.cache_clear()
    try:
        record_event(storage.default_db(), "crisis", "conv-1", "suicide")
    finally:
        storage.default_db.cache_clear()
    assert [event["category"] for event in list_events(open_db(records_at))] == ["suicide"]
    assert not (tmp_path / "elsewhere.db").exists()


def test_where_the_records_are_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(database.URL_ENV, raising=False)
    monkeypatch.delenv(database.PATH_ENV, raising=False)
    assert database.location() == Path("var/intake.db")
    monkeypatch.setenv(database.PATH_ENV, "/tmp/x.db")
    assert database.location() == Path("/tmp/x.db")
    monkeypatch.setenv(database.URL_ENV, "postgresql://intake:secret@127.0.0.1:5432/intake")
    assert database.location() == "postgresql://intake:secret@127.0.0.1:5432/intake"
    assert database.is_url(database.location()) and not database.is_url(Path("postgresql://x"))


def test_the_web_app_keeps_call_backs_and_shows_them_in_the_queue_and_the_export_on_both(records_at):  # noqa: F811
    from bot.web.server import WebConfig, serve
    from tests.test_web_server import COUNSELOR_TOKEN, RASA_TOKEN, call, login

    save(open_db(records_at), "conv-web")
    web = serve(WebConfig("http://localhost:9", RASA_TOKEN, COUNSELOR_TOKEN, records_at), 0)
    try:
        url = f"http://localhost:{web.server_port}"
        body = json.dumps({"conversation_id": "conv-web", "contact": "5552013344", "best_time": "evening",
                           "consent": True}).encode()
        assert call(url + "/api/callback", body, headers={"Content-Type": "application/json"})[0] == 201
        cookie = login(url)[1]["Set-Cookie"].split(";")[0]
        queue = json.loads(call(url + "/console/api/queue", cookie=cookie)[2])
        assert sorted(item["kind"] for item in queue["items"]) == ["callback", "intake"]
        assert {item["reference"] for item in queue["items"]} == {work_queue.reference("conv-web")}
        status, _, export = call(url + "/console/api/export.csv", cookie=cookie)
        assert status == 200 and work_queue.reference("conv-web") in export.decode() and b"conv-web" not in export
    finally:
        web.shutdown()
    actions = [row["action"] for row in console_store.list_audit(open_db(records_at))]
    assert "view queue" in actions and "export intakes CSV" in actions


def test_a_purge_of_postgresql_records_that_does_not_answer_says_so_and_shows_no_password():
    from bot.app import retention
    from bot.app.services import free_port

    where, counts = retention.purge_postgres_records(f"postgresql://intake:s3cret@127.0.0.1:{free_port()}/intake",
                                                     datetime.now(timezone.utc))
    assert counts is None and where.startswith("PostgreSQL 127.0.0.1:") and "s3cret" not in where


def test_the_cluster_gives_its_servers_the_records_url_in_their_environment(tmp_path):
    from bot.app.cluster import cluster_env, plan
    from bot.app.launcher import Ports

    cluster = plan(tmp_path, Ports(rasa=5005, actions=5055), replicas=1, action_servers=1)
    url = cluster_env(cluster)[database.URL_ENV]
    assert url == cluster.postgres.url() and cluster.postgres.password in url
    assert f":{cluster.postgres.port}/intake" in url and url.startswith("postgresql://intake:")


# --- PostgreSQL only -----------------------------------------------------------------------------------------------

def test_postgresql_keeps_the_records_in_their_own_schema_beside_rasa_s_events(postgres_db):
    service, db = postgres_db
    as_superuser(service, "create table if not exists public.events (id serial primary key, sender_id text)",
                 "grant all on public.events to intake")
    record_event(db, "crisis", "conv-1", "suicide")
    found = db.query("select table_schema, table_name from information_schema.tables where table_name = 'events' "
                     "order by 1")
    assert [(row["table_schema"], row["table_name"]) for row in found] == [("public", "events"), ("records", "events")]
    assert db.count("events") == 1 and db.query("select count(*) as n from public.events")[0]["n"] == 0
    as_superuser(service, "drop table public.events")


def test_a_connection_postgresql_closed_is_replaced_outside_a_transaction(postgres_db):
    service, db = postgres_db
    save(db, "conv-1")
    as_superuser(service, "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'intake'")
    save(db, "conv-2")  # on a new connection, nothing lost
    assert db.count("intakes") == 2
    import psycopg2

    with pytest.raises(psycopg2.Error):
        with db.transaction():
            record_event(db, "crisis", "conv-1", "suicide")
            as_superuser(service, "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'intake'")
            record_event(db, "handoff", "conv-1", "requested")  # never sent again: half a transaction is lost
    assert db.count("events") == 0  # and the next statement works


def test_servers_starting_together_create_the_tables_once(request):
    from tests.backends import empty

    service = postgres_for_tests(request.config)
    empty(service)
    errors: list = []

    def start() -> None:
        try:
            open_db(service.url()).close()
            open_runs_db(service.url()).close()
        except Exception as error:  # noqa: BLE001  (collected, asserted below)
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    db = database.connect(service.url())
    assert db.table_names() == set(TABLES)
    db.close()
    empty(service)


def test_writing_transactions_run_one_at_a_time_as_in_sqlite(postgres_db):
    service, db = postgres_db
    other = database.connect(service.url())
    order: list[str] = []
    inside = threading.Event()

    def slow_writer() -> None:
        with db.transaction():
            order.append("first begins")
            inside.set()
            time.sleep(0.5)
            record_event(db, "crisis", "conv-1", "suicide")
            order.append("first commits")

    thread = threading.Thread(target=slow_writer)
    thread.start()
    inside.wait(10)
    with other.transaction():
        order.append("second begins")
    thread.join(10)
    other.close()
    assert order == ["first begins", "first commits", "second begins"]
