"""Strategy lifecycle states and saved best parameters, in the Volex database.

The table (created by the Alembic revision ``strategies_0001``) and the store's repository;
the records are read and written by ``StrategyStates`` in plain SQL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, String, Table, Text

from volex.adapters.storage.db import Database
from volex.adapters.storage.ledger import EngineLedger
from volex.adapters.storage.strategy_states import StrategyStates
from volex.adapters.storage.tables import metadata

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


class StrategyRepo(StrategyStates):
    """The store's strategy records, through its engine."""

    def __init__(self, db: Database) -> None:
        super().__init__(EngineLedger(lambda: db.engine))
        self.db = db
