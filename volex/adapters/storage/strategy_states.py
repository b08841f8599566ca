"""Strategy lifecycle states and saved best parameters, in plain SQL over a ledger.

Implements ``volex.strategies.lifecycle.StrategyStateStore`` without importing SQLAlchemy:
through sqlite3 for a SQLite store (`volex backtest` marks a draft as backtested without
loading SQLAlchemy), through the store's engine otherwise. The table is created by the
Alembic revision ``strategies_0001``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from volex.strategies.lifecycle import LifecycleState, StrategyRecord

if TYPE_CHECKING:
    from volex.adapters.storage.ledger import Ledger

__all__ = ["StrategyStates"]

_COLUMNS = "name, state, best_params, objective, score, updated_ts"
_GET = f"SELECT {_COLUMNS} FROM strategy_state WHERE name = :name"
_ALL = f"SELECT {_COLUMNS} FROM strategy_state ORDER BY name"
_PUT = (f"INSERT INTO strategy_state ({_COLUMNS}) "
        "VALUES (:name, :state, :best_params, :objective, :score, :updated_ts) "
        "ON CONFLICT (name) DO UPDATE SET state = excluded.state, "
        "best_params = excluded.best_params, objective = excluded.objective, "
        "score = excluded.score, updated_ts = excluded.updated_ts")


class StrategyStates:
    """Lifecycle records keyed by strategy name (a template name or a user file's name)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def get(self, name: str) -> StrategyRecord | None:
        rows = self.ledger.query(_GET, {"name": name})
        return _record(rows[0]) if rows else None

    def put(self, record: StrategyRecord) -> None:
        row = {"name": record.name, "state": record.state.value,
               "best_params": (json.dumps(record.best_params, sort_keys=True)
                               if record.best_params is not None else None),
               "objective": record.objective, "score": record.score,
               "updated_ts": record.updated_ts}
        self.ledger.execute([(_PUT, row)])

    def all(self) -> list[StrategyRecord]:
        return [_record(r) for r in self.ledger.query(_ALL, {})]


def _record(row: Any) -> StrategyRecord:
    name, state, params, objective, score, updated_ts = row
    return StrategyRecord(name=name, state=LifecycleState(state),
                          best_params=json.loads(params) if params else None,
                          objective=objective, score=score, updated_ts=updated_ts)
