"""The halt's record: its state, its audit line and its bus event, in one transaction.

Plain SQL with named parameters, which both sqlite3 and SQLAlchemy's ``text()`` accept, so
the same statements run everywhere: `volex halt` writes them through the standard library's
sqlite3 before SQLAlchemy, pandas or any venue is loaded (an emergency stop must not wait for
them), a process that already holds the store writes them through its engine, and other
databases (PostgreSQL) go through SQLAlchemy Core. The event waits in the outbox for the bus
(``Events.flush``), exactly as ``Events.emit(..., conn=...)`` would store it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["Execute", "Statement", "audit_row", "engine_executor", "executor_for_url",
           "record_statements"]

Statement = tuple[str, dict[str, Any]]
Execute = Callable[[Sequence[Statement]], None]

_UPSERT_STATE = ("INSERT INTO state (key, value, updated_ts) VALUES (:key, :value, :updated_ts) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                 "updated_ts = excluded.updated_ts")
_INSERT_AUDIT = ("INSERT INTO audit_log (ts, actor, action, subject, reason, details, pid) "
                 "VALUES (:ts, :actor, :action, :subject, :reason, :details, :pid)")
_INSERT_EVENT = ("INSERT INTO outbox (ts, topic, event, attempts) "
                 "VALUES (:ts, :topic, :event, :attempts)")
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


def engine_executor(engine: Engine) -> Execute:
    """Run statements in one transaction of a SQLAlchemy engine."""
    from sqlalchemy import text

    def execute(statements: Sequence[Statement]) -> None:
        with engine.begin() as conn:
            for sql, params in statements:
                conn.execute(text(sql), params)

    return execute


def executor_for_url(url: str) -> Execute:
    """The lightest way to write to the store at ``url``: sqlite3 for a SQLite file.

    A SQLite file that does not exist yet, or has no tables, is migrated first (through the
    store's own migrations); other databases are opened, and migrated if needed, by the store's
    ``Database`` (SQLAlchemy Core).
    """
    if url.startswith(_SQLITE) and "?" not in url and url[len(_SQLITE):] not in ("", ":memory:"):
        return _sqlite_executor(url, os.path.expanduser(url[len(_SQLITE):]))
    return engine_executor(_database(url).engine)


def _database(url: str) -> Any:
    from volex.adapters.storage.db import Database

    return Database(url)


def _sqlite_executor(url: str, path: str) -> Execute:
    import sqlite3

    from volex.errors import StorageError

    def execute(statements: Sequence[Statement]) -> None:
        if not os.path.exists(path):
            _database(url)  # creates and migrates the file
        try:
            _run_sqlite(path, statements)
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise StorageError(f"cannot write to {path}: {exc}") from None
            _database(url)  # an empty or foreign file: bring the schema up, then write
            _run_sqlite(path, statements)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write to {path}: {exc}") from None

    return execute


def _run_sqlite(path: str, statements: Sequence[Statement]) -> None:
    import sqlite3

    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                conn.execute(sql, params)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
