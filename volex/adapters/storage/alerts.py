"""Stored price alerts."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.tables import metadata
from volex.domain.alerts import Alert

__all__ = ["AlertRepo", "alerts"]

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("symbol", String(32), nullable=False),
    Column("condition", String(8), nullable=False),
    Column("price", String(40), nullable=False),  # a Decimal, exactly as given
    Column("note", Text),
    Column("created_ts", BigInteger, nullable=False),
    Column("triggered_ts", BigInteger),
    Column("triggered_price", String(40)),
)


def _when(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def _alert(row) -> Alert:
    return Alert(id=row.id, symbol=row.symbol, condition=row.condition, price=Decimal(row.price),
                 note=row.note, created_at=_when(row.created_ts), triggered_at=_when(row.triggered_ts),
                 triggered_price=Decimal(row.triggered_price) if row.triggered_price else None)


class AlertRepo(SqlRepository):
    """Implements ``volex.ports.AlertBook``."""

    def add(self, symbol: str, condition: str, price: Decimal, note: str | None) -> Alert:
        row = {"symbol": symbol, "condition": condition, "price": str(price), "note": note,
               "created_ts": int(time.time() * 1000)}
        with self.begin() as conn:
            new_id = conn.execute(insert(alerts).values(**row)).inserted_primary_key[0]
            return _alert(conn.execute(select(alerts).where(alerts.c.id == new_id)).one())

    def get(self, alert_id: int) -> Alert | None:
        with self.begin() as conn:
            row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
        return _alert(row) if row else None

    def list(self, *, include_triggered: bool = False) -> list[Alert]:
        query = select(alerts).order_by(alerts.c.id)
        if not include_triggered:
            query = query.where(alerts.c.triggered_ts.is_(None))
        with self.begin() as conn:
            return [_alert(r) for r in conn.execute(query)]

    def remove(self, alert_id: int) -> bool:
        with self.begin() as conn:
            return conn.execute(delete(alerts).where(alerts.c.id == alert_id)).rowcount > 0

    def mark_triggered(self, alert_id: int, price: Decimal) -> bool:
        """Fire an alert once: False when another process fired it first."""
        with self.begin() as conn:
            result = conn.execute(update(alerts).where(alerts.c.id == alert_id,
                                                       alerts.c.triggered_ts.is_(None))
                                  .values(triggered_ts=int(time.time() * 1000),
                                          triggered_price=str(price)))
        return result.rowcount == 1
