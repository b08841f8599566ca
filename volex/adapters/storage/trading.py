"""Trading tables (paper venue ledger and the execution journal) and the journal repository.

Money columns are Text holding ``str(Decimal)``: exact on SQLite and PostgreSQL alike, never
a float. Times are UTC epoch milliseconds. The schema is created by migration 0002.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.tables import metadata

__all__ = ["OrderJournal", "dec", "journal", "paper_account", "paper_assets", "paper_fills",
           "paper_orders", "paper_positions"]

# The paper venue's account: one row (id 1) per store; ``version`` is bumped by every ledger
# change, which also takes the write lock before anything is read (no lost updates).
paper_account = Table(
    "paper_account", metadata,
    Column("id", Integer, primary_key=True),
    Column("quote", String(16), nullable=False),
    Column("starting_balance", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("reset_ts", BigInteger, nullable=False),
)

paper_assets = Table(
    "paper_assets", metadata,
    Column("asset", String(16), primary_key=True),
    Column("total", Text, nullable=False),
)

# Average-cost book per symbol: what is held, what it cost, what was realised and paid.
paper_positions = Table(
    "paper_positions", metadata,
    Column("symbol", String(32), primary_key=True),
    Column("amount", Text, nullable=False),
    Column("cost_basis", Text, nullable=False),
    Column("realised_pnl", Text, nullable=False),
    Column("fees", Text, nullable=False),
)

paper_orders = Table(
    "paper_orders", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("client_order_id", String(40), nullable=False, unique=True),
    Column("symbol", String(32), nullable=False),
    Column("side", String(4), nullable=False),
    Column("type", String(16), nullable=False),
    Column("amount", Text, nullable=False),
    Column("price", Text),
    Column("status", String(16), nullable=False),
    Column("filled", Text, nullable=False),
    Column("average", Text),
    Column("fee", Text, nullable=False),
    Column("reserved", Text, nullable=False),  # quote (buys) or base (sells) held back
    Column("reduce_only", Boolean, nullable=False),
    Column("parent_id", String(40)),
    Column("reason", Text),
    Column("created_ts", BigInteger, nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
    Index("ix_paper_orders_status", "status"),
)

paper_fills = Table(
    "paper_fills", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(40), nullable=False),
    Column("client_order_id", String(40)),
    Column("symbol", String(32), nullable=False),
    Column("side", String(4), nullable=False),
    Column("amount", Text, nullable=False),
    Column("price", Text, nullable=False),
    Column("fee", Text, nullable=False),
    Column("liquidity", String(8), nullable=False),
    Column("ts", BigInteger, nullable=False),
    Index("ix_paper_fills_ts", "ts"),
)

# What the execution agent sent to any venue, keyed by client order id: the duplicate check
# before a retry and the starting point of reconciliation.
journal = Table(
    "trade_orders", metadata,
    Column("client_order_id", String(40), primary_key=True),
    Column("exchange", String(32), nullable=False),
    Column("mode", String(8), nullable=False),
    Column("order_id", String(64)),
    Column("symbol", String(32), nullable=False),
    Column("side", String(4), nullable=False),
    Column("type", String(16), nullable=False),
    Column("amount", Text, nullable=False),
    Column("price", Text),
    Column("status", String(16), nullable=False),  # pending (fate unknown) or the venue's
    Column("filled", Text, nullable=False),
    Column("average", Text),
    Column("fee", Text, nullable=False),
    Column("actor", String(32), nullable=False),
    Column("request", Text, nullable=False),
    Column("created_ts", BigInteger, nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
    Index("ix_trade_orders_status", "status"),
)


def dec(value: Any) -> Decimal | None:
    """A stored money value back to Decimal (None stays None)."""
    return None if value is None else Decimal(value)


def _now_ms() -> int:
    return int(time.time() * 1000)


class OrderJournal(SqlRepository):
    """The execution agent's record of every order it sent, on any venue
    (implements ``volex.ports.OrderJournal``)."""

    def record_pending(self, *, exchange: str, mode: str, actor: str,
                       request: dict[str, Any]) -> None:
        """Note an order about to be sent (its fate is unknown until the venue answers)."""
        now = _now_ms()
        with self.begin() as conn:
            conn.execute(insert(journal), {
                "client_order_id": request["client_order_id"], "exchange": exchange, "mode": mode,
                "order_id": None, "symbol": request["symbol"], "side": request["side"],
                "type": request["type"], "amount": str(request["amount"]),
                "price": None if request.get("price") is None else str(request["price"]),
                "status": "pending", "filled": "0", "average": None, "fee": "0", "actor": actor,
                "request": json.dumps(request, default=str), "created_ts": now,
                "updated_ts": now})

    def record_result(self, client_order_id: str, *, order_id: str | None, status: str,
                      filled: Decimal = Decimal(0), average: Decimal | None = None,
                      fee: Decimal = Decimal(0)) -> None:
        with self.begin() as conn:
            conn.execute(update(journal).where(journal.c.client_order_id == client_order_id)
                         .values(order_id=order_id, status=status, filled=str(filled),
                                 average=None if average is None else str(average), fee=str(fee),
                                 updated_ts=_now_ms()))

    def exists(self, client_order_id: str) -> bool:
        with self.begin() as conn:
            return conn.execute(select(journal.c.client_order_id).where(
                journal.c.client_order_id == client_order_id)).first() is not None

    def get(self, client_order_id: str) -> dict[str, Any] | None:
        with self.begin() as conn:
            row = conn.execute(select(journal).where(
                journal.c.client_order_id == client_order_id)).mappings().first()
        return dict(row) if row else None

    def unsettled(self, exchange: str) -> list[dict[str, Any]]:
        """Orders sent to ``exchange`` whose last known status is pending or open."""
        with self.begin() as conn:
            rows = conn.execute(select(journal).where(
                journal.c.exchange == exchange, journal.c.status.in_(("pending", "open")))
                .order_by(journal.c.created_ts)).mappings().all()
        return [dict(r) for r in rows]

    def symbols(self, exchange: str) -> set[str]:
        """Every market an order was ever sent to on ``exchange``."""
        with self.begin() as conn:
            return set(conn.execute(select(journal.c.symbol).where(
                journal.c.exchange == exchange).distinct()).scalars())

    def clear(self, exchange: str) -> None:
        with self.begin() as conn:
            conn.execute(journal.delete().where(journal.c.exchange == exchange))
