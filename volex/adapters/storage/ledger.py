"""Plain SQL on the store with as little imported as possible: the halt, and a few others.

Statements use named parameters, which both sqlite3 and SQLAlchemy's ``text()`` accept, so
the same SQL runs everywhere: through the standard library's sqlite3 for a SQLite file (`volex
halt` stores the halt, its audit record and its bus event in one transaction before
SQLAlchemy, pandas or any venue is loaded; the strategy records and the outbox hand-over use it
too), through a SQLAlchemy engine otherwise (PostgreSQL, or a process that has the store).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["EngineLedger", "Ledger", "SqliteLedger", "Statement", "audit_row", "ledger_for_url",
           "record_statements", "sqlite_path"]

Statement = tuple[str, dict[str, Any]]

_UPSERT_STATE = ("INSERT INTO state (key, value, updated_ts) VALUES (:key, :value, :updated_ts) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                 "updated_ts = excluded.updated_ts")
_INSERT_AUDIT = ("INSERT INTO audit_log (ts, actor, action, subject, reason, details, pid) "
                 "VALUES (:ts, :actor, :action, :subject, :reason, :details, :pid)")
_INSERT_EVENT = ("INSERT INTO outbox (ts, topic, event, attempts) "
                 "VALUES (:ts, :topic, :event, :attempts)")
_SELECT_STATE = "SELECT value FROM state WHERE key = :key"
_SQLITE = "sqlite:///"


def audit_row(actor: str, action: str, subject: str | None, reason: str | None,
              details: dict[str, Any] | None) -> dict[str, Any]:
    """One audit_log row (the audit repository writes the same shape)."""
    return {"ts": int(time.time() * 1000), "actor": actor, "action": action, "subject": subject,
            "reason": reason, "pid": os.getpid(),
            "details": json.dumps(details, default=str, sort_keys=True) if details else None}


def record_statements(key: str, value: Any, audit: dict[str, Any], topic: str,
                      event: dict[str, Any]) -> list[Statement]:
    """Set state ``key``, write the audit row and queue ``event`` on ``topic``."""
    now = int(time.time() * 1000)
    return [(_UPSERT_STATE, {"key": key, "value": json.dumps(value, default=str),
                             "updated_ts": now}),
            (_INSERT_AUDIT, audit),
            (_INSERT_EVENT, {"ts": now, "topic": topic, "event": json.dumps(event, default=str),
                             "attempts": 0})]


Run = Callable[[str, dict[str, Any]], Any]  # (sql, params) -> a cursor (rowcount, fetchall)


class Ledger(Protocol):
    """Where the halt switch writes its statements and reads its state row."""

    def execute(self, statements: Sequence[Statement]) -> None: ...

    def read(self, key: str) -> Any: ...

    def query(self, sql: str, params: dict[str, Any]) -> list[Any]: ...

    def transaction(self) -> AbstractContextManager[Run]: ...


class EngineLedger:
    """Through a SQLAlchemy engine, asked for only when first used."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine

    def execute(self, statements: Sequence[Statement]) -> None:
        with self.transaction() as run:
            for sql, params in statements:
                run(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[Run]:
        from sqlalchemy import text

        with self._engine().begin() as conn:
            yield lambda sql, params: conn.execute(text(sql), params)

    def read(self, key: str) -> Any:
        rows = self.query(_SELECT_STATE, {"key": key})
        return json.loads(rows[0][0]) if rows else None

    def query(self, sql: str, params: dict[str, Any]) -> list[Any]:
        from sqlalchemy import text

        with self._engine().begin() as conn:
            return list(conn.execute(text(sql), params).fetchall())


class SqliteLedger:
    """Through the standard library's sqlite3: nothing else is imported."""

    def __init__(self, url: str, path: str) -> None:
        self.url, self.path = url, path

    def execute(self, statements: Sequence[Statement]) -> None:
        import sqlite3

        from volex.errors import StorageError

        if not os.path.exists(self.path):
            _database(self.url)  # creates and migrates the file
        try:
            _run_sqlite(self, statements)
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise StorageError(f"cannot write to {self.path}: {exc}") from None
            _database(self.url)  # an empty or foreign file: bring the schema up, then write
            _run_sqlite(self, statements)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write to {self.path}: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[Run]:
        """One write transaction (taken at once, so concurrent writers queue, not deadlock)."""
        import sqlite3

        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn.execute
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def read(self, key: str) -> Any:
        rows = self.query(_SELECT_STATE, {"key": key})
        return json.loads(rows[0][0]) if rows else None

    def query(self, sql: str, params: dict[str, Any]) -> list[Any]:
        """Rows of a read; none when the store (or its table) does not exist yet."""
        import sqlite3

        from volex.errors import StorageError

        if not os.path.exists(self.path):
            return []  # no store yet: nothing was ever written
        conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise StorageError(f"cannot read {self.path}: {exc}") from None
        finally:
            conn.close()


def ledger_for_url(url: str, engine: Callable[[], Engine] | None = None) -> Ledger:
    """The lightest ledger for the store at ``url``: sqlite3 for a SQLite file.

    A SQLite file that does not exist yet, or has no tables, is migrated before the first
    write (through the store's own migrations). Other databases go through ``engine`` (the
    store's, when the process has one) or a ``Database`` of their own (SQLAlchemy Core).
    """
    path = sqlite_path(url)
    if path is not None:
        return SqliteLedger(url, path)
    return EngineLedger(engine or (lambda: _database(url).engine))


def sqlite_path(url: str) -> str | None:
    """The file of a plain SQLite URL (None for other databases, in-memory or with options)."""
    if url.startswith(_SQLITE) and "?" not in url and url[len(_SQLITE):] not in ("", ":memory:"):
        return os.path.expanduser(url[len(_SQLITE):])
    return None


def _database(url: str) -> Any:
    from volex.adapters.storage.db import Database

    return Database(url)


def _run_sqlite(ledger: SqliteLedger, statements: Sequence[Statement]) -> None:
    with ledger.transaction() as run:
        for sql, params in statements:
            run(sql, params)
