"""Small named values shared by every process using the store (halt flag, risk limits...)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select

from volex.adapters.storage.candles import upsert
from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.tables import state

__all__ = ["StateRepo"]


class StateRepo(SqlRepository):
    """Implements ``volex.ports.SharedState``: JSON values by key."""

    def get(self, key: str, default: Any = None) -> Any:
        with self.begin() as conn:
            raw = conn.execute(select(state.c.value).where(state.c.key == key)).scalar()
        return default if raw is None else json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        row = [{"key": key, "value": json.dumps(value, default=str), "updated_ts": int(time.time() * 1000)}]
        with self.begin() as conn:
            upsert(conn, row, ["key"], ["value", "updated_ts"], state)
