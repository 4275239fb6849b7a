"""The records database: one small interface, on SQLite (the default) or PostgreSQL (the cluster profile).

The modules that keep records (storage, callbacks, work_queue, console_store, bot.replay.runs, the purge) use a
`Records` and nothing else. SQL they pass to `execute` and `query` uses SQLite's parameter style (`?` with a
list, `:name` with a dict) and what both databases understand; each backend translates the parameters and keeps
its own dialect (autoincrement ids, secure deletion, locking) to itself. Tables come from bot.records.schema.
"""

from __future__ import annotations

import os
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from bot.records.schema import RECORDS, TABLES, Table

URL_ENV = "INTAKE_RECORDS_URL"  # a postgresql:// URL: the records are in PostgreSQL
PATH_ENV = "INTAKE_DB"  # else this SQLite file
DEFAULT_PATH = Path("var/intake.db")
Params = Sequence[Any] | dict[str, Any] | None


def location() -> Path | str:
    """Where the records are: $INTAKE_RECORDS_URL (PostgreSQL), else $INTAKE_DB, else var/intake.db (SQLite)."""
    return os.environ.get(URL_ENV, "").strip() or Path(os.environ.get(PATH_ENV) or DEFAULT_PATH)


def is_url(where: Path | str) -> bool:
    """True for a PostgreSQL URL, False for a SQLite file's path."""
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


def without_password(url: str) -> str:
    """A PostgreSQL URL as it may be printed: host, port and database, never the password."""
    parts = urllib.parse.urlsplit(url)
    return f"PostgreSQL {parts.hostname}:{parts.port}{parts.path}"


def connect(where: Path | str) -> Records:
    """A connection to the records at `where` (a SQLite path or a PostgreSQL URL), with no schema work."""
    if is_url(where):
        from bot.records.postgres_records import PostgresRecords

        return PostgresRecords(str(where))
    from bot.records.sqlite_records import SqliteRecords

    return SqliteRecords.open(where)


def open_records(where: Path | str, tables: Iterable[Table] = RECORDS) -> Records:
    """Connect, and create the tables (and columns and indexes) that are missing."""
    records = connect(where)
    records.create_tables(tables)
    return records


def quoted(name: str) -> str:
    """An identifier in double quotes (both databases read them)."""
    return '"' + name.replace('"', '""') + '"'


class Records:
    """The operations the record modules use; a backend implements the first group, the rest is shared SQL."""

    dialect = ""
    tracer: Callable[[str], None] | None = None  # called with every statement as sent (tests)

    # --- each backend's own ------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = None) -> Any:
        """Run one statement; its DB-API cursor (rowcount, fetchone, fetchall). Outside `transaction`, it commits."""
        raise NotImplementedError

    def query(self, sql: str, params: Params = None) -> list[dict]:
        """The rows of a SELECT, as dicts."""
        raise NotImplementedError

    def _begin(self) -> None:
        """Start a writing transaction, the only one at a time (SQLite's BEGIN IMMEDIATE)."""
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _roll_back(self) -> None:
        raise NotImplementedError

    def table_names(self) -> set[str]:
        raise NotImplementedError

    def create_tables(self, tables: Iterable[Table]) -> None:
        """Create the tables that are missing, add missing columns and indexes (schema.py)."""
        raise NotImplementedError

    def forget_deleted(self, tables: Iterable[str] = ()) -> None:
        """After deleting rows: make the deleted content leave the database's files as far as the backend can."""
        raise NotImplementedError

    def execute_many(self, sql: str, rows: list[list]) -> int:
        """One statement run for each parameter list, in one transaction; the rows changed in all."""
        raise NotImplementedError

    def continue_numbering(self, table: Table) -> None:
        """After rows were added with their own ids: the next new row gets a higher one."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # --- shared ------------------------------------------------------------------------------------------------
    _depth = 0  # transactions open, nested ones included

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing, one writing transaction at a time; a nested one is part of the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
            self._commit()
        except BaseException:
            self._roll_back()
            raise
        finally:
            self._depth = 0

    def insert(self, table: str, row: dict) -> Any:
        """Add a row; returns its primary key (the new id of a numbered table)."""
        spec = TABLES[table]
        sql = self._insert_sql(table, row)
        if spec.numbered and spec.pk not in row:
            return self.execute(f"{sql} returning {quoted(spec.pk)}", list(row.values())).fetchall()[0][0]
        self.execute(sql, list(row.values()))
        return row.get(spec.pk) if spec.pk else None

    def insert_all(self, table: str, rows: list[dict], ignore: bool = False) -> int:
        """Add rows (all with the same columns); `ignore`: skip those that would repeat a unique key. How many added."""
        if not rows:
            return 0
        sql = self._insert_sql(table, rows[0]) + (" on conflict do nothing" if ignore else "")
        return self.execute_many(sql, [list(row.values()) for row in rows])

    def upsert(self, table: str, row: dict) -> None:
        """Add a row, or replace the row with the same primary key (columns not given become NULL)."""
        spec = TABLES[table]
        others = [name for name in spec.column_names if name != spec.pk]
        changes = ", ".join(f"{quoted(name)} = excluded.{quoted(name)}" for name in others)
        self.execute(f"{self._insert_sql(table, row)} on conflict ({quoted(spec.pk)}) do update set {changes}",
                     list(row.values()))

    def update(self, table: str, key: Any, values: dict) -> int:
        """Change columns of the row with primary key `key`; 1 when it exists, else 0."""
        changes = ", ".join(f"{quoted(name)} = ?" for name in values)
        return self.execute(f"update {quoted(table)} set {changes} where {quoted(TABLES[table].pk)} = ?",
                            [*values.values(), key]).rowcount

    def rows(self, table: str, where: str = "", params: Params = None, order_by: str = "",
             limit: int | None = None) -> list[dict]:
        """Rows of a table, optionally filtered, ordered and limited."""
        sql = f"select * from {quoted(table)}" + (f" where {where}" if where else "")
        sql += (f" order by {order_by}" if order_by else "") + (f" limit {int(limit)}" if limit is not None else "")
        return self.query(sql, params)

    def count(self, table: str, where: str = "", params: Params = None) -> int:
        sql = f"select count(*) from {quoted(table)}" + (f" where {where}" if where else "")
        return self.execute(sql, params).fetchone()[0]

    def delete(self, table: str, where: str, params: Params = None) -> int:
        """Delete the rows `where` picks (a WHERE is required); how many."""
        if not where.strip():
            raise ValueError("a delete needs a where")
        return self.execute(f"delete from {quoted(table)} where {where}", params).rowcount

    @staticmethod
    def _insert_sql(table: str, row: dict) -> str:
        names = ", ".join(quoted(name) for name in row)
        return f"insert into {quoted(table)} ({names}) values ({', '.join('?' for _ in row)})"

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
