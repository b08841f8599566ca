"""TimescaleDB: detected, never required. Where the extension is available, the time-series
tables (candles, signals, fills) become hypertables; elsewhere nothing changes.

Timestamps are epoch milliseconds (BigInteger), so chunks are sized in milliseconds. A table can
only become a hypertable when its time column is in every unique key; tables that do not allow
it are reported and left as they are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Connection, inspect, text

from volex.adapters.storage.db import Database

__all__ = ["HYPERTABLES", "TimescaleReport", "ensure_hypertables", "timescale_available"]

log = logging.getLogger(__name__)

# table -> (time column, chunk interval in ms)
HYPERTABLES = {"candles": ("ts", 30 * 86_400_000), "signals": ("ts", 7 * 86_400_000),
               "fills": ("ts", 30 * 86_400_000)}


@dataclass
class TimescaleReport:
    """What ensure_hypertables found and did."""

    available: bool
    installed: bool = False
    hypertables: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # table -> why not

    def summary(self) -> str:
        if not self.available:
            return "TimescaleDB not available on this server (plain tables)"
        parts = [f"hypertables: {', '.join(self.hypertables) or 'none'}"]
        parts += [f"{t} skipped ({why})" for t, why in self.skipped.items()]
        return "TimescaleDB " + "; ".join(parts)


def timescale_available(conn: Connection) -> bool:
    """Whether the server can install the timescaledb extension."""
    if conn.dialect.name != "postgresql":
        return False
    return conn.execute(text("SELECT 1 FROM pg_available_extensions "
                             "WHERE name = 'timescaledb'")).first() is not None


def _existing_hypertables(conn: Connection) -> set[str]:
    rows = conn.execute(text("SELECT hypertable_name FROM timescaledb_information.hypertables "
                             "WHERE hypertable_schema = current_schema()"))
    return {r[0] for r in rows}


def _blocker(conn: Connection, table: str, column: str) -> str | None:
    """Why ``table`` cannot become a hypertable on ``column`` (None when it can)."""
    insp = inspect(conn)
    if column not in {c["name"] for c in insp.get_columns(table)}:
        return f"no {column} column"
    keys = [insp.get_pk_constraint(table).get("constrained_columns") or []]
    keys += [u["column_names"] for u in insp.get_unique_constraints(table)]
    keys += [i["column_names"] for i in insp.get_indexes(table) if i.get("unique")]
    if any(k and column not in k for k in keys):
        return f"a unique key without {column}"
    return None


def ensure_hypertables(db: Database) -> TimescaleReport:
    """Install the extension and convert the time-series tables, when the server has it."""
    with db.begin() as conn:
        if not timescale_available(conn):
            return TimescaleReport(available=False)
    report = TimescaleReport(available=True)
    with db.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS timescaledb"))
        report.installed = True
        existing = _existing_hypertables(conn)
        tables = set(inspect(conn).get_table_names())
        for table, (column, chunk_ms) in HYPERTABLES.items():
            if table not in tables:
                continue
            if table in existing:
                report.hypertables.append(table)
                continue
            why = _blocker(conn, table, column)
            if why:
                report.skipped[table] = why
                continue
            conn.execute(text(f"SELECT create_hypertable('{table}', '{column}', "
                              f"chunk_time_interval => {chunk_ms}::bigint, "
                              "migrate_data => true, if_not_exists => true)"))
            report.hypertables.append(table)
    if report.skipped:
        log.info("%s", report.summary())
    return report
