"""Copy an existing SQLite store into another database (usually PostgreSQL).

Both sides are brought to the newest schema first (the same Alembic migrations), then every
table is copied in foreign-key order, in batches, skipping rows whose key the target already
has, so an interrupted copy can simply be run again. Sequences are moved past the copied ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, MetaData, Table, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from volex.adapters.storage.db import Database, redact_url
from volex.errors import StorageError, UserInputError

__all__ = ["CopyReport", "copy_database", "sqlite_source_url"]

_BATCH = 2000
_SKIP = {"alembic_version"}


@dataclass
class CopyReport:
    source: str
    target: str
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (read, written)

    @property
    def rows_read(self) -> int:
        return sum(r for r, _ in self.tables.values())

    @property
    def rows_written(self) -> int:
        return sum(w for _, w in self.tables.values())


def sqlite_source_url(source: str) -> str:
    """``sqlite:///path`` for a URL or a plain path; the file must exist."""
    url = source if "://" in source else f"sqlite:///{Path(source).expanduser()}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserInputError(f"bad source {source!r}: expected sqlite:///path/to/volex.db") from None
    if parsed.get_backend_name() != "sqlite":
        raise UserInputError(f"the source must be a SQLite store (sqlite:///...), not "
                             f"{parsed.get_backend_name()}")
    if not parsed.database or parsed.database == ":memory:":
        raise UserInputError("the source needs a file: sqlite:///path/to/volex.db")
    path = Path(parsed.database).expanduser()
    if not path.is_file():
        raise UserInputError(f"no SQLite store at {path}")
    return f"sqlite:///{path.resolve()}"


def _sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    return Path(database).expanduser().resolve() if database else None


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar() or 0


def _require_empty(conn: Connection, meta: MetaData) -> None:
    full = {t.name: n for t in meta.sorted_tables if t.name not in _SKIP and (n := _count(conn, t))}
    if full:
        held = ", ".join(f"{name}: {n} rows" for name, n in full.items())
        raise UserInputError(f"the target database already holds data ({held}); copy into an "
                             "empty database, or pass --merge to add only rows it lacks")


def _insert_ignoring_existing(conn: Connection, table: Table, rows: list[dict]) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    keys = [c.name for c in table.primary_key.columns]
    stmt = insert(table).on_conflict_do_nothing(index_elements=keys or None)
    conn.execute(stmt, rows)


def _reset_sequences(conn: Connection, table: Table) -> None:
    if conn.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": column.name}).scalar()
        if seq:
            top = conn.execute(select(func.max(table.c[column.name]))).scalar()
            if top:
                conn.execute(text("SELECT setval(:s, :v)"), {"s": seq, "v": int(top)})


def copy_database(source: str, target: Database, *, merge: bool = False,
                  progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy every table of the SQLite store at ``source`` into ``target``.

    The target must be empty unless ``merge``: then rows whose key it already has are kept
    as they are (what re-running an interrupted copy needs).
    """
    src_url = sqlite_source_url(source)
    if target.dialect == "sqlite" and _sqlite_path(target.url) == _sqlite_path(src_url):
        raise UserInputError("the source and the target are the same database")
    src = Database(src_url)  # brings the source to the same schema as the target
    report = CopyReport(redact_url(src_url), redact_url(target.url))
    try:
        src_meta, dst_meta = MetaData(), MetaData()
        with src.begin() as conn:
            src_meta.reflect(conn)
        with target.begin() as conn:
            dst_meta.reflect(conn)
            if not merge:
                _require_empty(conn, dst_meta)
        for table in dst_meta.sorted_tables:
            if table.name in _SKIP or table.name not in src_meta.tables:
                continue
            report.tables[table.name] = _copy_table(src, target, src_meta.tables[table.name],
                                                    table, progress)
    except SQLAlchemyError as exc:
        raise StorageError(f"copy failed: {str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}") from exc
    finally:
        src.dispose()
    return report


def _copy_table(src: Database, target: Database, src_table: Table, dst_table: Table,
                progress: Callable[[str, int], None] | None) -> tuple[int, int]:
    columns = [c.name for c in dst_table.columns if c.name in src_table.columns]
    keys = [src_table.c[c.name] for c in dst_table.primary_key.columns if c.name in src_table.c]
    read = 0
    with target.begin() as tconn:
        before = _count(tconn, dst_table)
    with src.begin() as sconn:
        total = _count(sconn, src_table)
        result = sconn.execution_options(yield_per=_BATCH).execute(
            select(*[src_table.c[c] for c in columns]).order_by(*keys))
        for batch in result.mappings().partitions(_BATCH):
            rows = [dict(r) for r in batch]
            with target.begin() as tconn:
                _insert_ignoring_existing(tconn, dst_table, rows)
            read += len(rows)
            if progress:
                progress(dst_table.name, read * 100 // max(total, 1))
    with target.begin() as tconn:
        _reset_sequences(tconn, dst_table)
        return read, _count(tconn, dst_table) - before
