"""Copy an existing SQLite store into another database (usually PostgreSQL).

Both sides are brought to the newest schema first (the same Alembic migrations), then every
table is copied in foreign-key order, in batches, so an interrupted copy can simply be run
again. Sequences are moved past the copied ids.

Never lose or double a row:
- A *fresh* target (what `volex db upgrade` or a first `volex positions` leaves: its own
  `db.*` audit rows, an untouched paper ledger, settings) counts as empty: the source's
  ledger and settings replace the untouched ones, the housekeeping audit rows are kept after
  the source's.
- Rows keyed by a counter (audit log, orders' and fills' sequence, alerts) are matched by
  content: a row the target already has is skipped, any other gets a new id there, so an id
  that collides never drops a row.
- Rows keyed by what they are (a candle, a setting, an order id) are skipped when the target
  has the key. Two paper ledgers that both traded are never mixed: that merge is refused.
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
# What first use creates by itself; a target holding only these (and db.* audit rows) is fresh.
_AUTO_TABLES = ("paper_account", "paper_assets", "paper_positions", "state")
_LEDGER_ACTIVITY = ("paper_orders", "paper_fills")
_HOUSEKEEPING_ACTIONS = ("db.upgrade", "db.migrate_from")


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


def _counter_key(table: Table) -> str | None:
    """The column of a single integer primary key that a counter fills, if that is the key."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and keys[0].type.python_type is int and table.name != "paper_account":
        return keys[0].name
    return None


def _has_rows(conn: Connection, meta: MetaData, name: str) -> bool:
    return name in meta.tables and _count(conn, meta.tables[name]) > 0


def _data_rows(conn: Connection, meta: MetaData) -> dict[str, int]:
    """Rows that are the target's own data, not what first use created by itself."""
    held: dict[str, int] = {}
    for table in meta.sorted_tables:
        if table.name in _SKIP or table.name in _AUTO_TABLES:
            continue
        query = select(func.count()).select_from(table)
        if table.name == "audit_log":
            query = query.where(table.c.action.not_in(_HOUSEKEEPING_ACTIONS))
        if n := conn.execute(query).scalar():
            held[table.name] = n
    return held


def _check_target(src: Database, src_meta: MetaData, target: Database, dst_meta: MetaData,
                  merge: bool) -> bool:
    """Refuse what would lose or mix data; returns whether the target is fresh."""
    with target.begin() as conn:
        held = _data_rows(conn, dst_meta)
        traded = any(_has_rows(conn, dst_meta, t) for t in _LEDGER_ACTIVITY)
    if held and not merge:
        rows = ", ".join(f"{name}: {n} rows" for name, n in held.items())
        raise UserInputError(f"the target database already holds data ({rows}); copy into an "
                             "empty database, or pass --merge to add only rows it lacks")
    with src.begin() as conn:
        source_traded = any(_has_rows(conn, src_meta, t) for t in _LEDGER_ACTIVITY)
    if traded and source_traded and not _same_ledger(src, src_meta, target, dst_meta):
        raise UserInputError("both databases hold paper trading history; merging two ledgers "
                             "would mix their balances: copy into an empty database instead")
    return not held


def _same_ledger(src: Database, src_meta: MetaData, target: Database,
                 dst_meta: MetaData) -> bool:
    """True when the target's paper orders all came from the source (an interrupted copy)."""
    table = "paper_orders"
    if table not in src_meta.tables or table not in dst_meta.tables:
        return False
    with target.begin() as conn:
        theirs = set(conn.execute(select(dst_meta.tables[table].c.id)).scalars())
    with src.begin() as conn:
        ours = set(conn.execute(select(src_meta.tables[table].c.id)).scalars())
    return theirs <= ours


def _clear_auto_rows(target: Database, dst_meta: MetaData, src_meta: MetaData) -> list[dict]:
    """Make room in a fresh target: drop what first use created, keep its db.* audit rows."""
    kept: list[dict] = []
    with target.begin() as conn:
        for name in _AUTO_TABLES:
            if name in dst_meta.tables and name in src_meta.tables:
                conn.execute(dst_meta.tables[name].delete())
        if "audit_log" in dst_meta.tables:
            audit = dst_meta.tables["audit_log"]
            kept = [dict(r) for r in conn.execute(
                select(audit).order_by(audit.c.id)).mappings()]
            conn.execute(audit.delete())
    return kept


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

    The target must be empty (or fresh, see the module's docstring) unless ``merge``: then
    only rows it lacks are added, and none is dropped for an id that collides.
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
        kept: list[dict] = []
        if _check_target(src, src_meta, target, dst_meta, merge):
            kept = _clear_auto_rows(target, dst_meta, src_meta)
        for table in dst_meta.sorted_tables:
            if table.name in _SKIP or table.name not in src_meta.tables:
                continue
            report.tables[table.name] = _copy_table(src, target, src_meta.tables[table.name],
                                                    table, progress)
        if kept:
            _put_back(target, dst_meta.tables["audit_log"], kept)
    except SQLAlchemyError as exc:
        raise StorageError(f"copy failed: {str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}") from exc
    finally:
        src.dispose()
    return report


def _put_back(target: Database, audit: Table, rows: list[dict]) -> None:
    with target.begin() as conn:
        conn.execute(audit.insert(), [{k: v for k, v in r.items() if k != "id"} for r in rows])
        _reset_sequences(conn, audit)


def _copy_table(src: Database, target: Database, src_table: Table, dst_table: Table,
                progress: Callable[[str, int], None] | None) -> tuple[int, int]:
    columns = [c.name for c in dst_table.columns if c.name in src_table.columns]
    keys = [src_table.c[c.name] for c in dst_table.primary_key.columns if c.name in src_table.c]
    counter = _counter_key(dst_table)
    read = 0
    with target.begin() as tconn:
        before = _count(tconn, dst_table)
        present = _contents(tconn, dst_table, counter, columns) if counter and before else None
    with src.begin() as sconn:
        total = _count(sconn, src_table)
        result = sconn.execution_options(yield_per=_BATCH).execute(
            select(*[src_table.c[c] for c in columns]).order_by(*keys))
        for batch in result.mappings().partitions(_BATCH):
            rows = [dict(r) for r in batch]
            with target.begin() as tconn:
                if present is None:
                    _insert_ignoring_existing(tconn, dst_table, rows)
                else:
                    _insert_new_contents(tconn, dst_table, counter, rows, present)
            read += len(rows)
            if progress:
                progress(dst_table.name, read * 100 // max(total, 1))
    with target.begin() as tconn:
        _reset_sequences(tconn, dst_table)
        return read, _count(tconn, dst_table) - before


def _content(row: dict, counter: str) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in row.items() if k != counter))


def _contents(conn: Connection, table: Table, counter: str, columns: list[str]) -> set[tuple]:
    rows = conn.execute(select(*[table.c[c] for c in columns])).mappings()
    return {_content(dict(r), counter) for r in rows}


def _insert_new_contents(conn: Connection, table: Table, counter: str, rows: list[dict],
                         present: set[tuple]) -> None:
    """Rows keyed by a counter: skip what the target has, give the rest ids of the target's."""
    fresh = []
    for row in rows:
        content = _content(row, counter)
        if content not in present:
            present.add(content)
            fresh.append({k: v for k, v in row.items() if k != counter})
    if fresh:
        _reset_sequences(conn, table)  # PostgreSQL's sequence must be past every id held
        conn.execute(table.insert(), fresh)
