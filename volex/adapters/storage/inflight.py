"""Orders in flight and protection intents: what must survive a concurrent or dying process.

``orders_in_flight`` holds one row per order between its acceptance and the venue's answer:

- its reservation (notional and cost), which counts against the risk limits of every
  process until the order is *settled*;
- its owner (host, pid, heartbeat), so reconciliation in another process leaves the order
  alone while the owner is alive instead of declaring it lost.

Settling bumps the account's *generation*. A process reads the generation before it reads
the account from the venue; a reservation settled after that read may or may not be in what
it saw, so it still counts (conservative: never an order past a limit, at worst one refused
that a second later would pass).

``protection_intents`` records, with the entry itself, the stop-loss and take-profit a buy
asked for; whoever finds the entry filled and the intent still open places them.
"""

from __future__ import annotations

import os
import socket
import time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    update,
)

from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.tables import metadata
from volex.domain.risk import Reservation

__all__ = ["LEASE_S", "InFlight", "Intents", "Reservation", "owned_by_another", "owner_alive"]

# An owner on another host is presumed alive this long after its last heartbeat; one on this
# host is alive exactly while its pid is.
LEASE_S = 120
# Settled rows are kept this long (a plan older than that is re-read, never accepted).
KEEP_SETTLED_MS = 3_600_000

account_generations = Table(
    "account_generations", metadata,
    Column("account", String(32), primary_key=True),
    Column("gen", BigInteger, nullable=False),
)

orders_in_flight = Table(
    "orders_in_flight", metadata,
    Column("client_order_id", String(40), primary_key=True),
    Column("account", String(32), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("side", String(4), nullable=False),
    Column("amount", Text, nullable=False),
    Column("notional", Text, nullable=False),
    Column("cost", Text, nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("heartbeat_ts", BigInteger, nullable=False),
    Column("settled_gen", BigInteger),
    Column("created_ts", BigInteger, nullable=False),
    Index("ix_orders_in_flight_account", "account", "settled_gen"),
)

protection_intents = Table(
    "protection_intents", metadata,
    Column("client_order_id", String(40), primary_key=True),
    Column("account", String(32), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("stop_loss_pct", Text),
    Column("take_profit_pct", Text),
    Column("status", String(16), nullable=False),  # open, protected, unprotected, void
    Column("note", Text),
    Column("updated_ts", BigInteger, nullable=False),
    Index("ix_protection_intents_status", "account", "status"),
)


def _now_ms() -> int:
    return int(time.time() * 1000)


def owner_alive(host: str, pid: int, heartbeat_ts: int, now_ms: int | None = None) -> bool:
    """Whether the process that owns an in-flight order may still be sending it."""
    if host == socket.gethostname():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: it exists
            return True
        return True
    return (now_ms if now_ms is not None else _now_ms()) - heartbeat_ts < LEASE_S * 1000


class InFlight(SqlRepository):
    """Reservations and owner leases of orders between acceptance and the venue's answer
    (implements ``volex.ports.OrdersInFlight``)."""

    def generation(self, account: str) -> int:
        """The account's settle counter; read it BEFORE reading the account from the venue."""
        with self.begin() as conn:
            gen = conn.execute(select(account_generations.c.gen).where(
                account_generations.c.account == account)).scalar()
        return int(gen or 0)

    def outstanding(self, account: str, seen_gen: int) -> list[Reservation]:
        """Reservations an account read at generation ``seen_gen`` may not include."""
        with self.begin() as conn:
            rows = conn.execute(select(orders_in_flight).where(
                orders_in_flight.c.account == account,
                or_(orders_in_flight.c.settled_gen.is_(None),
                    orders_in_flight.c.settled_gen > seen_gen))).mappings().all()
        return [Reservation(r["symbol"], r["side"], Decimal(r["amount"]), Decimal(r["notional"]),
                            Decimal(r["cost"])) for r in rows]

    def hold(self, account: str, client_order_id: str, symbol: str, side: str,
             amount: Decimal, notional: Decimal = Decimal(0), cost: Decimal = Decimal(0)) -> None:
        """Record an order as in flight, owned by this process (a no-op if it already is)."""
        with self.begin() as conn:
            exists = conn.execute(select(orders_in_flight.c.client_order_id).where(
                orders_in_flight.c.client_order_id == client_order_id)).first()
            if exists:
                return
            now = _now_ms()
            self._ensure_generation(conn, account)
            conn.execute(delete(orders_in_flight).where(
                orders_in_flight.c.account == account,
                orders_in_flight.c.settled_gen.is_not(None),
                orders_in_flight.c.created_ts < now - KEEP_SETTLED_MS))
            conn.execute(insert(orders_in_flight), {
                "client_order_id": client_order_id, "account": account, "symbol": symbol,
                "side": side, "amount": str(amount), "notional": str(notional), "cost": str(cost),
                "host": socket.gethostname(), "pid": os.getpid(), "heartbeat_ts": now,
                "settled_gen": None, "created_ts": now})

    def settle(self, account: str, client_order_ids: list[str]) -> None:
        """The venue's answer is recorded (or the order was never sent): stop counting them."""
        with self.begin() as conn:
            pending = [c for c in client_order_ids if conn.execute(
                select(orders_in_flight.c.client_order_id).where(
                    orders_in_flight.c.client_order_id == c,
                    orders_in_flight.c.settled_gen.is_(None))).first()]
            if not pending:
                return
            conn.execute(update(account_generations)
                         .where(account_generations.c.account == account)
                         .values(gen=account_generations.c.gen + 1))
            gen = conn.execute(select(account_generations.c.gen).where(
                account_generations.c.account == account)).scalar_one()
            conn.execute(update(orders_in_flight).where(
                orders_in_flight.c.client_order_id.in_(pending)).values(settled_gen=gen))

    def owner(self, client_order_id: str, *, settled: bool = False) -> dict[str, Any] | None:
        """The in-flight row of an order (its owner), or None; settled ones only if asked."""
        query = select(orders_in_flight).where(
            orders_in_flight.c.client_order_id == client_order_id)
        if not settled:
            query = query.where(orders_in_flight.c.settled_gen.is_(None))
        with self.begin() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def owned_elsewhere(self, client_order_id: str, *, settled: bool = False) -> bool:
        """True while another live process owns this order (unsettled, or any if ``settled``:
        its owner still has the follow-up steps, such as placing the stop, to do)."""
        return owned_by_another(self.owner(client_order_id, settled=settled))

    def orphans(self, account: str) -> list[str]:
        """Unsettled orders of ``account`` whose owner is gone."""
        with self.begin() as conn:
            rows = conn.execute(select(orders_in_flight).where(
                orders_in_flight.c.account == account,
                orders_in_flight.c.settled_gen.is_(None))).mappings().all()
        return [r["client_order_id"] for r in rows
                if not owner_alive(r["host"], r["pid"], r["heartbeat_ts"])]

    def clear(self, account: str) -> None:
        """Forget the account's orders in flight (a paper reset wipes the orders themselves)."""
        with self.begin() as conn:
            conn.execute(delete(orders_in_flight).where(orders_in_flight.c.account == account))

    @staticmethod
    def _ensure_generation(conn: Connection, account: str) -> None:
        """The account's counter row, created once even by processes racing to create it."""
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        conn.execute(dialect_insert(account_generations).values(account=account, gen=0)
                     .on_conflict_do_nothing(index_elements=["account"]))


def owned_by_another(row: dict[str, Any] | None) -> bool:
    """Whether an in-flight row belongs to another process that is still alive."""
    if row is None:
        return False
    if row["host"] == socket.gethostname() and row["pid"] == os.getpid():
        return False
    return owner_alive(row["host"], row["pid"], row["heartbeat_ts"])


class Intents(SqlRepository):
    """Protection asked for with an entry, placed by whoever finds the entry filled
    (implements ``volex.ports.ProtectionIntents``)."""

    def record(self, account: str, client_order_id: str, symbol: str,
               stop_loss_pct: Decimal | None, take_profit_pct: Decimal | None) -> None:
        with self.begin() as conn:
            if conn.execute(select(protection_intents.c.status).where(
                    protection_intents.c.client_order_id == client_order_id)).first():
                return
            conn.execute(insert(protection_intents), {
                "client_order_id": client_order_id, "account": account, "symbol": symbol,
                "stop_loss_pct": None if stop_loss_pct is None else str(stop_loss_pct),
                "take_profit_pct": None if take_profit_pct is None else str(take_profit_pct),
                "status": "open", "note": None, "updated_ts": _now_ms()})

    def open(self, account: str) -> list[str]:
        """Entries whose protection is not yet placed (nor given up)."""
        with self.begin() as conn:
            return list(conn.execute(select(protection_intents.c.client_order_id).where(
                protection_intents.c.account == account,
                protection_intents.c.status == "open")).scalars())

    def status(self, client_order_id: str) -> str | None:
        with self.begin() as conn:
            return conn.execute(select(protection_intents.c.status).where(
                protection_intents.c.client_order_id == client_order_id)).scalar()

    def clear(self, account: str) -> None:
        with self.begin() as conn:
            conn.execute(delete(protection_intents).where(protection_intents.c.account == account))

    def close(self, client_order_id: str, status: str, note: str | None = None) -> None:
        with self.begin() as conn:
            conn.execute(update(protection_intents).where(
                protection_intents.c.client_order_id == client_order_id).values(
                status=status, note=note, updated_ts=_now_ms()))
