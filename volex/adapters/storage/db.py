"""The SQLAlchemy engine, schema migration, and translation of database errors."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from volex.errors import ConfigError, StorageError

__all__ = ["Database", "lock_number", "redact_url", "schema_heads"]

_MIGRATIONS = Path(__file__).with_name("migrations")
_REV = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.MULTILINE)


def schema_heads() -> set[str]:
    """Head revisions of the migration tree, read from the files without importing Alembic."""
    revisions, parents = set(), set()
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text()
        rev = _REV.search(source)
        if not rev:
            continue
        revisions.add(rev.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def redact_url(url: str) -> str:
    """The URL with any password hidden, safe to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database url>"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """One database: SQLite by default, PostgreSQL when the URL says so."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(f"bad database url: {redact_url(url)}") from None
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(
                parsed, pool_pre_ping=self.dialect != "sqlite",
                connect_args={"connect_timeout": 5} if self.dialect == "postgresql" else {},
            )
        except (ArgumentError, ImportError) as exc:
            raise ConfigError(f"unsupported database url {redact_url(url)}: {exc}") from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            self.migrate()

    def __repr__(self) -> str:
        return f"Database({redact_url(self.url)!r})"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction; database errors become StorageError."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StorageError(f"database error ({self.dialect}): {_first_line(exc)}") from exc

    @contextmanager
    def locked(self, key: str) -> Iterator[Connection]:
        """A transaction holding the lock named ``key`` until it ends, across processes.

        SQLite: ``BEGIN IMMEDIATE`` (the database's write lock, taken before anything is
        read); PostgreSQL: ``pg_advisory_xact_lock`` on a number derived from ``key``. Hold
        it for milliseconds: never across a call to a live venue.
        """
        try:
            with self.engine.connect() as conn:
                if self.dialect == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_number(key)})
                try:
                    yield conn
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
        except SQLAlchemyError as exc:
            raise StorageError(f"database error ({self.dialect}): {_first_line(exc)}") from exc

    def current_revisions(self) -> set[str]:
        with self.begin() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return set()
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}

    def migrate(self) -> None:
        """Bring the schema to the newest revision; cheap when it already is."""
        if self.current_revisions() == schema_heads():
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        with self._migration_lock():
            if self.current_revisions() == schema_heads():
                return  # another process migrated while we waited
            self._upgrade(cfg, command)

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """Serialise migrations between processes sharing one SQLite file."""
        database = make_url(self.url).database
        if self.dialect != "sqlite" or database in (None, "", ":memory:"):
            yield
            return
        import fcntl

        with open(f"{Path(database).expanduser()}.migrate.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _upgrade(self, cfg, command) -> None:
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":  # one migrator at a time across processes
                    conn.execute(text("SELECT pg_advisory_xact_lock(7235001)"))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "heads")
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot migrate the database: {_first_line(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def lock_number(key: str) -> int:
    """A stable signed 64-bit number for an advisory lock named ``key``."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
