"""The autopilot's lease (with its heartbeat and stop flag) and its bar journal, in the store.

One row of ``autopilot_lease`` per account (``paper:paper``, ``live:binance``...): who holds
it (host, pid), until when, the last heartbeat, the status (RUNNING, HALTED, STOPPING,
STOPPED) and what it is doing (``info``, JSON). Taking and renewing the lease are single
conditional statements, so two processes can never both believe they hold it.

``autopilot_bars`` has one row per account, market, timeframe and bar: how far the chain got
on that bar (``stage``: decided, intent, sent, done) and what it decided and did. It is
written before each step, so a restarted autopilot carries on where the last one stopped.
Tables are created by the Alembic revision ``autopilot_0001``.

Other processes (``volex run status``, the monitor, the dashboard) read it through
:meth:`AutopilotRepo.state`, which needs nothing but the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
    and_,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from volex.adapters.storage.candles import upsert
from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import metadata
from volex.errors import StorageError

__all__ = ["AutopilotRepo", "BarRecord", "Holder", "autopilot_bars", "autopilot_lease"]

autopilot_lease = Table(
    "autopilot_lease", metadata,
    Column("account", String(96), primary_key=True),
    Column("holder", String(160), nullable=False),
    Column("host", String(128), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_ts", BigInteger, nullable=False),
    Column("heartbeat_ts", BigInteger, nullable=False),
    Column("expires_ts", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("stop_requested", Boolean, nullable=False),
    Column("info", Text, nullable=False),
)

autopilot_bars = Table(
    "autopilot_bars", metadata,
    Column("account", String(96), primary_key=True),
    Column("symbol", String(32), primary_key=True),
    Column("timeframe", String(8), primary_key=True),
    Column("bar_ts", BigInteger, primary_key=True),
    Column("stage", String(16), nullable=False),
    Column("action", String(16), nullable=False),
    Column("detail", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("client_order_id", String(40)),
    Column("order_id", String(40)),
    Column("holder", String(160), nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
    Index("ix_autopilot_bars_recent", "account", "updated_ts"),
)


@dataclass(frozen=True)
class Holder:
    """Who holds (or wants) a lease: ``id`` is unique per process start."""

    id: str
    host: str
    pid: int


@dataclass
class BarRecord:
    """How far the chain got on one market's bar, and what it decided and did."""

    symbol: str
    timeframe: str
    bar_ms: int
    stage: str  # decided | intent | sent | done
    action: str  # buy | sell | hold | no change | blocked | failed | missed | ...
    detail: str = ""
    decision: dict[str, Any] | None = None
    client_order_id: str | None = None
    order_id: str | None = None
    updated_ms: int = 0

    def to_dict(self) -> dict[str, Any]:
        from datetime import UTC, datetime

        return {"symbol": self.symbol, "timeframe": self.timeframe,
                "bar": datetime.fromtimestamp(self.bar_ms / 1000, UTC).isoformat(),
                "stage": self.stage, "action": self.action, "detail": self.detail,
                "decision": self.decision or {}, "client_order_id": self.client_order_id,
                "order_id": self.order_id}


class AutopilotRepo:
    """Lease, heartbeat, stop flag and bar journal of the autopilot, per account."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the lease ----------------------------------------------------------------------------

    def acquire(self, account: str, holder: Holder, now_ms: int, ttl_ms: int,
                info: dict[str, Any]) -> dict[str, Any] | None:
        """Take the lease if it is free or expired; None when taken, else the holder's row."""
        row = {"holder": holder.id, "host": holder.host, "pid": holder.pid, "started_ts": now_ms,
               "heartbeat_ts": now_ms, "expires_ts": now_ms + ttl_ms, "status": "RUNNING",
               "stop_requested": False, "info": json.dumps(info, default=str)}
        lease = autopilot_lease.c
        with self.db.begin() as conn:
            taken = conn.execute(update(autopilot_lease).where(
                lease.account == account,
                or_(lease.expires_ts < now_ms, lease.holder == holder.id)).values(**row)).rowcount
        if taken:
            return None
        try:
            with self.db.begin() as conn:
                conn.execute(insert(autopilot_lease).values(account=account, **row))
            return None
        except StorageError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        return self.lease(account)  # held by another, whose row already existed or just won

    def renew(self, account: str, holder_id: str, now_ms: int, ttl_ms: int, status: str,
              info: dict[str, Any]) -> dict[str, Any] | None:
        """Extend the lease and write the heartbeat; None when this holder lost the lease."""
        lease = autopilot_lease.c
        with self.db.begin() as conn:
            done = conn.execute(update(autopilot_lease).where(
                lease.account == account, lease.holder == holder_id,
                lease.expires_ts >= now_ms).values(
                heartbeat_ts=now_ms, expires_ts=now_ms + ttl_ms, status=status,
                info=json.dumps(info, default=str))).rowcount
        return self.lease(account) if done else None

    def release(self, account: str, holder_id: str, now_ms: int, status: str = "STOPPED") -> None:
        """Give the lease up (a clean stop): another autopilot may take it at once."""
        lease = autopilot_lease.c
        with self.db.begin() as conn:
            conn.execute(update(autopilot_lease).where(
                lease.account == account, lease.holder == holder_id).values(
                expires_ts=now_ms - 1, heartbeat_ts=now_ms, status=status,
                stop_requested=False))

    def request_stop(self, account: str) -> bool:
        """Ask the running autopilot to stop after its current step; False when none runs."""
        with self.db.begin() as conn:
            return bool(conn.execute(update(autopilot_lease).where(
                autopilot_lease.c.account == account,
                autopilot_lease.c.status.in_(("RUNNING", "HALTED"))).values(
                stop_requested=True)).rowcount)

    def lease(self, account: str) -> dict[str, Any] | None:
        """The lease row of ``account`` (info decoded), or None if no autopilot ever ran."""
        with self.db.begin() as conn:
            row = conn.execute(select(autopilot_lease).where(
                autopilot_lease.c.account == account)).mappings().first()
        if row is None:
            return None
        out = dict(row)
        out["info"] = json.loads(out["info"])
        return out

    def leases(self) -> list[dict[str, Any]]:
        """Every account's lease row (info decoded)."""
        with self.db.begin() as conn:
            rows = conn.execute(select(autopilot_lease).order_by(
                autopilot_lease.c.account)).mappings().all()
        return [{**dict(r), "info": json.loads(r["info"])} for r in rows]

    def state(self, account: str | None = None, now_ms: int | None = None) -> list[dict[str, Any]]:
        """`autopilot state`: each account's lease and heartbeat, for watchers (the monitor).

        Each entry: account, holder, host, pid, started_ts, heartbeat_ts, expires_ts, status,
        stop_requested, info, and ``alive`` (the lease has not expired at ``now_ms``).
        """
        rows = [self.lease(account)] if account else self.leases()
        out = []
        for row in rows:
            if row is None:
                continue
            alive = row["status"] in ("RUNNING", "HALTED", "STOPPING") and (
                now_ms is None or row["expires_ts"] >= now_ms)
            out.append({**row, "alive": alive})
        return out

    # -- the bar journal ----------------------------------------------------------------------

    def put(self, account: str, holder_id: str, record: BarRecord, now_ms: int) -> None:
        """Write (or move on) one bar's record."""
        row = {"account": account, "symbol": record.symbol, "timeframe": record.timeframe,
               "bar_ts": record.bar_ms, "stage": record.stage, "action": record.action,
               "detail": record.detail[:2000], "decision": json.dumps(record.decision or {},
                                                                     default=str),
               "client_order_id": record.client_order_id, "order_id": record.order_id,
               "holder": holder_id, "updated_ts": now_ms}
        with self.db.begin() as conn:
            upsert(conn, [row], ["account", "symbol", "timeframe", "bar_ts"],
                   [c for c in row if c not in ("account", "symbol", "timeframe", "bar_ts")],
                   autopilot_bars)
        record.updated_ms = now_ms

    def last(self, account: str, symbol: str, timeframe: str) -> BarRecord | None:
        """The newest bar journaled for one market."""
        bars = autopilot_bars.c
        with self.db.begin() as conn:
            row = conn.execute(select(autopilot_bars).where(
                bars.account == account, bars.symbol == symbol, bars.timeframe == timeframe)
                .order_by(bars.bar_ts.desc()).limit(1)).mappings().first()
        return _record(row) if row else None

    def bars(self, account: str, symbol: str | None = None, *, limit: int | None = None,
             newest_first: bool = False) -> list[BarRecord]:
        """Journaled bars of ``account`` (one market's, or all), by bar time."""
        bars = autopilot_bars.c
        query = select(autopilot_bars).where(bars.account == account)
        if symbol:
            query = query.where(bars.symbol == symbol)
        order = bars.bar_ts.desc() if newest_first else bars.bar_ts
        query = query.order_by(order, bars.symbol)
        if limit:
            query = query.limit(limit)
        with self.db.begin() as conn:
            return [_record(r) for r in conn.execute(query).mappings().all()]

    def recent(self, account: str, limit: int = 10) -> list[BarRecord]:
        """The last ``limit`` bars handled, newest first (decisions and why they did or not)."""
        bars = autopilot_bars.c
        with self.db.begin() as conn:
            rows = conn.execute(select(autopilot_bars).where(bars.account == account)
                                .order_by(bars.updated_ts.desc(), bars.bar_ts.desc())
                                .limit(limit)).mappings().all()
        return [_record(r) for r in rows]

    def last_per_market(self, account: str) -> list[BarRecord]:
        """The newest journaled bar of each market."""
        bars = autopilot_bars.c
        with self.db.begin() as conn:
            newest = select(bars.symbol, bars.timeframe, func.max(bars.bar_ts).label("bar")).where(
                bars.account == account).group_by(bars.symbol, bars.timeframe).subquery()
            rows = conn.execute(select(autopilot_bars).join(newest, and_(
                bars.symbol == newest.c.symbol, bars.timeframe == newest.c.timeframe,
                bars.bar_ts == newest.c.bar)).where(bars.account == account)
                .order_by(bars.symbol)).mappings().all()
        return [_record(r) for r in rows]


def _record(row: Any) -> BarRecord:
    return BarRecord(symbol=row["symbol"], timeframe=row["timeframe"], bar_ms=row["bar_ts"],
                     stage=row["stage"], action=row["action"], detail=row["detail"],
                     decision=json.loads(row["decision"]) if row["decision"] else {},
                     client_order_id=row["client_order_id"], order_id=row["order_id"],
                     updated_ms=row["updated_ts"])
