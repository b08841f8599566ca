"""Strategy lifecycle states and saved best parameters, in the Volex database.

The table (created by the Alembic revision ``strategies_0001``) and the store's repository;
``StrategyStates`` reads and writes the same rows in plain SQL where SQLAlchemy would cost
more than the work (a backtest on a SQLite store).
"""

from __future__ import annotations

import json

from sqlalchemy import BigInteger, Column, Float, String, Table, Text, select

from volex.adapters.storage.candles import upsert
from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.tables import metadata
from volex.strategies.lifecycle import LifecycleState, StrategyRecord

__all__ = ["StrategyRepo", "strategy_state"]

strategy_state = Table(
    "strategy_state",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("best_params", Text),
    Column("objective", String(16)),
    Column("score", Float),
    Column("updated_ts", BigInteger, nullable=False),
)


class StrategyRepo(SqlRepository):
    """Lifecycle records keyed by strategy name (a template name or a user file's name)."""

    def get(self, name: str) -> StrategyRecord | None:
        with self.begin() as conn:
            row = conn.execute(select(strategy_state).where(strategy_state.c.name == name)
                               ).mappings().first()
        return _record(row) if row else None

    def put(self, record: StrategyRecord) -> None:
        row = {"name": record.name, "state": record.state.value,
               "best_params": (json.dumps(record.best_params, sort_keys=True)
                               if record.best_params is not None else None),
               "objective": record.objective, "score": record.score,
               "updated_ts": record.updated_ts}
        with self.begin() as conn:
            upsert(conn, [row], ["name"], [c for c in row if c != "name"], strategy_state)

    def all(self) -> list[StrategyRecord]:
        with self.begin() as conn:
            rows = conn.execute(select(strategy_state).order_by(strategy_state.c.name)
                                ).mappings().all()
        return [_record(r) for r in rows]


def _record(row: object) -> StrategyRecord:
    values = dict(row)  # type: ignore[call-overload]
    params = values["best_params"]
    return StrategyRecord(name=values["name"], state=LifecycleState(values["state"]),
                          best_params=json.loads(params) if params else None,
                          objective=values["objective"], score=values["score"],
                          updated_ts=values["updated_ts"])
