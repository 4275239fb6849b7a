"""The records in a SQLite file, through sqlite-utils: WAL, full sync, a busy timeout and secure_delete, the file
0600 in a 0700 directory from the moment it exists. The default backend (bot.records.database)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Iterable

import sqlite_utils

from bot.records.database import Params, Records
from bot.records.schema import Table

BUSY_TIMEOUT_MS = 5000


def connect_file(path: Path | str) -> sqlite3.Connection:
    """Open (and create if needed) a SQLite file of this project: WAL mode, a busy timeout, full sync (a written
    row survives a crash), and deleted rows overwritten. The intake and the replay databases both open this way."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():  # private from the start, whichever process creates it (SQLite's -wal and -shm follow)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA secure_delete = ON")  # a deleted row is overwritten, not left in free pages
    return conn


class SqliteRecords(Records):
    """Records on one SQLite connection (autocommit; `transaction` is BEGIN IMMEDIATE ... COMMIT)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    @classmethod
    def open(cls, path: Path | str) -> SqliteRecords:
        return cls(connect_file(path))

    def __getitem__(self, table: str) -> sqlite_utils.db.Table:
        """The sqlite-utils table (SQLite only: for tools and tests that look at the file itself)."""
        return self.db[table]

    def execute(self, sql: str, params: Params = None) -> sqlite3.Cursor:
        if self.tracer:
            self.tracer(sql)
        return self.db.execute(sql, params)

    def query(self, sql: str, params: Params = None) -> list[dict]:
        if self.tracer:
            self.tracer(sql)
        return list(self.db.query(sql, params))

    def execute_many(self, sql: str, rows: list[list]) -> int:
        if self.tracer:
            self.tracer(sql)
        with self.transaction():
            return self.conn.executemany(sql, rows).rowcount

    def continue_numbering(self, table: Table) -> None:
        """SQLite numbers a new row after the highest id there is already."""

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _roll_back(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def table_names(self) -> set[str]:
        return set(self.db.table_names())

    def create_tables(self, tables: Iterable[Table]) -> None:
        with self.transaction():
            present = self.table_names()
            for table in tables:
                if table.name not in present:
                    self.db[table.name].create(dict(table.columns), pk=table.pk, foreign_keys=table.references or None,
                                               if_not_exists=True)
                else:
                    have = set(self.db[table.name].columns_dict)
                    for name, kind in table.columns:
                        if name not in have:
                            self.db[table.name].add_column(name, kind)
                for index in table.indexes:
                    self.db[table.name].create_index(index.columns, index.name(table.name), unique=index.unique,
                                                     if_not_exists=True)

    def forget_deleted(self, tables: Iterable[str] = ()) -> None:
        """Deleted rows were overwritten as they went (secure_delete); their old pages leave the write-ahead log."""
        self.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()
