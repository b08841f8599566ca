"""Small named values shared by every process using the store (halt flag, risk limits...)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Connection, select

from volex.adapters.storage.candles import upsert
from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import state

__all__ = ["StateRepo"]


class StateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        with self.db.begin() as conn:
            return self.get_in(conn, key, default)

    def get_in(self, conn: Connection, key: str, default: Any = None) -> Any:
        raw = conn.execute(select(state.c.value).where(state.c.key == key)).scalar()
        return default if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, conn: Connection | None = None) -> None:
        row = [{"key": key, "value": json.dumps(value, default=str), "updated_ts": int(time.time() * 1000)}]
        if conn is not None:
            upsert(conn, row, ["key"], ["value", "updated_ts"], state)
            return
        with self.db.begin() as own:
            upsert(own, row, ["key"], ["value", "updated_ts"], state)
