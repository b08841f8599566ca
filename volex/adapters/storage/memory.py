"""The storage port in memory: a real store for tests and throwaway sessions, no database.

``MemoryStore`` keeps what the SQL store keeps, in the same shapes (JSON state, journal rows
with money as ``str(Decimal)``, audit details through JSON), and passes the same contract
tests (``tests/contract/test_storage_port.py``). Transactions are serialisable: one lock, held
for a whole ``transaction()`` block and for every single call, so another thread never sees
half of a unit of work; a block that raises puts every table back as it was.

A new repository keeps its data in a field of :class:`MemoryTables` (deep-copied at the start
of each transaction for the rollback) and reaches it through ``self._store.tables``.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from volex.domain.alerts import Alert
from volex.domain.audit import AuditRecord
from volex.domain.candles import CachedSeries
from volex.domain.risk import Reservation
from volex.errors import StorageError
from volex.strategies.lifecycle import InMemoryStrategyStore, StrategyRecord

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MemoryStore", "MemoryTables"]

_OHLCV = ("open", "high", "low", "close", "volume")


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class MemoryTables:
    """Everything a MemoryStore holds (one object, so a rollback is one assignment)."""

    audit: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, str] = field(default_factory=dict)            # key -> JSON text
    journal: dict[str, dict[str, Any]] = field(default_factory=dict)  # client order id -> row
    alerts: dict[int, Alert] = field(default_factory=dict)
    next_alert_id: int = 1
    strategies: InMemoryStrategyStore = field(default_factory=InMemoryStrategyStore)
    generations: dict[str, int] = field(default_factory=dict)       # account -> settle counter
    inflight: dict[str, dict[str, Any]] = field(default_factory=dict)  # client order id -> row
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)   # client order id -> row


class _Repo:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    @property
    def _tables(self) -> MemoryTables:
        return self._store.tables


class _Audit(_Repo):
    def record(self, actor: str, action: str, subject: str | None = None,
               reason: str | None = None, details: dict[str, Any] | None = None) -> None:
        with self._store.lock:
            self._tables.audit.append({
                "id": len(self._tables.audit) + 1, "ts": _now_ms(), "actor": actor,
                "action": action, "subject": subject, "reason": reason, "pid": os.getpid(),
                "details": json.dumps(details, default=str, sort_keys=True) if details else None})

    def list(self, since_ms: int | None = None, limit: int = 200) -> list[AuditRecord]:
        with self._store.lock:
            rows = [r for r in self._tables.audit if since_ms is None or r["ts"] >= since_ms]
        return [AuditRecord.from_row(r) for r in (rows[-limit:] if limit > 0 else [])]


class _State(_Repo):
    def get(self, key: str, default: Any = None) -> Any:
        with self._store.lock:
            raw = self._tables.state.get(key)
        return default if raw is None else json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        text = json.dumps(value, default=str)
        with self._store.lock:
            self._tables.state[key] = text


class _Journal(_Repo):
    def record_pending(self, *, exchange: str, mode: str, actor: str,
                       request: dict[str, Any]) -> None:
        now, key = _now_ms(), request["client_order_id"]
        with self._store.lock:
            if key in self._tables.journal:
                raise StorageError(f"order {key} is journaled already")
            self._tables.journal[key] = {
                "client_order_id": key, "exchange": exchange, "mode": mode, "order_id": None,
                "symbol": request["symbol"], "side": request["side"], "type": request["type"],
                "amount": str(request["amount"]),
                "price": None if request.get("price") is None else str(request["price"]),
                "status": "pending", "filled": "0", "average": None, "fee": "0", "actor": actor,
                "request": json.dumps(request, default=str), "created_ts": now, "updated_ts": now}

    def record_result(self, client_order_id: str, *, order_id: str | None, status: str,
                      filled: Decimal = Decimal(0), average: Decimal | None = None,
                      fee: Decimal = Decimal(0)) -> None:
        with self._store.lock:
            row = self._tables.journal.get(client_order_id)
            if row is not None:
                row.update(order_id=order_id, status=status, filled=str(filled),
                           average=None if average is None else str(average), fee=str(fee),
                           updated_ts=_now_ms())

    def exists(self, client_order_id: str) -> bool:
        with self._store.lock:
            return client_order_id in self._tables.journal

    def get(self, client_order_id: str) -> dict[str, Any] | None:
        with self._store.lock:
            row = self._tables.journal.get(client_order_id)
            return dict(row) if row else None

    def unsettled(self, exchange: str) -> list[dict[str, Any]]:
        with self._store.lock:
            rows = [dict(r) for r in self._tables.journal.values()
                    if r["exchange"] == exchange and r["status"] in ("pending", "open")]
        return sorted(rows, key=lambda r: r["created_ts"])

    def symbols(self, exchange: str) -> set[str]:
        with self._store.lock:
            return {r["symbol"] for r in self._tables.journal.values() if r["exchange"] == exchange}

    def clear(self, exchange: str) -> None:
        with self._store.lock:
            self._tables.journal = {k: r for k, r in self._tables.journal.items()
                                    if r["exchange"] != exchange}


class _Alerts(_Repo):
    def add(self, symbol: str, condition: str, price: Decimal, note: str | None) -> Alert:
        with self._store.lock:
            alert = Alert(id=self._tables.next_alert_id, symbol=symbol, condition=condition,
                          price=Decimal(str(price)), note=note,
                          created_at=datetime.fromtimestamp(_now_ms() / 1000, UTC))
            self._tables.alerts[alert.id] = alert
            self._tables.next_alert_id += 1
        return alert

    def get(self, alert_id: int) -> Alert | None:
        with self._store.lock:
            return self._tables.alerts.get(alert_id)

    def list(self, *, include_triggered: bool = False) -> list[Alert]:
        with self._store.lock:
            return [a for _, a in sorted(self._tables.alerts.items())
                    if include_triggered or a.active]

    def remove(self, alert_id: int) -> bool:
        with self._store.lock:
            return self._tables.alerts.pop(alert_id, None) is not None

    def mark_triggered(self, alert_id: int, price: Decimal) -> bool:
        with self._store.lock:
            alert = self._tables.alerts.get(alert_id)
            if alert is None or not alert.active:
                return False
            self._tables.alerts[alert_id] = alert.model_copy(update={
                "triggered_at": datetime.fromtimestamp(_now_ms() / 1000, UTC),
                "triggered_price": Decimal(str(price))})
            return True


class _InFlight(_Repo):
    """Reservations as the SQL store keeps them; the owner is always this process."""

    def generation(self, account: str) -> int:
        with self._store.lock:
            return self._tables.generations.get(account, 0)

    def outstanding(self, account: str, seen_gen: int) -> list[Reservation]:
        with self._store.lock:
            return [Reservation(r["symbol"], r["side"], r["amount"], r["notional"], r["cost"])
                    for r in self._tables.inflight.values() if r["account"] == account
                    and (r["settled_gen"] is None or r["settled_gen"] > seen_gen)]

    def hold(self, account: str, client_order_id: str, symbol: str, side: str, amount: Decimal,
             notional: Decimal = Decimal(0), cost: Decimal = Decimal(0)) -> None:
        with self._store.lock:
            self._tables.generations.setdefault(account, 0)
            self._tables.inflight.setdefault(client_order_id, {
                "account": account, "symbol": symbol, "side": side, "amount": amount,
                "notional": notional, "cost": cost, "settled_gen": None})

    def settle(self, account: str, client_order_ids: list[str]) -> None:
        with self._store.lock:
            rows = [self._tables.inflight[c] for c in client_order_ids
                    if c in self._tables.inflight
                    and self._tables.inflight[c]["settled_gen"] is None]
            if rows:
                gen = self._tables.generations.get(account, 0) + 1
                self._tables.generations[account] = gen
                for row in rows:
                    row["settled_gen"] = gen

    def owned_elsewhere(self, client_order_id: str, *, settled: bool = False) -> bool:
        return False  # nothing outlives this process, so no other process owns an order

    def orphans(self, account: str) -> list[str]:
        return []

    def clear(self, account: str) -> None:
        with self._store.lock:
            for cid in [c for c, r in self._tables.inflight.items() if r["account"] == account]:
                del self._tables.inflight[cid]


class _Intents(_Repo):
    def record(self, account: str, client_order_id: str, symbol: str,
               stop_loss_pct: Decimal | None, take_profit_pct: Decimal | None) -> None:
        with self._store.lock:
            self._tables.intents.setdefault(client_order_id, {
                "account": account, "symbol": symbol, "stop_loss_pct": stop_loss_pct,
                "take_profit_pct": take_profit_pct, "status": "open", "note": None})

    def open(self, account: str) -> list[str]:
        with self._store.lock:
            return [c for c, r in self._tables.intents.items()
                    if r["account"] == account and r["status"] == "open"]

    def status(self, client_order_id: str) -> str | None:
        with self._store.lock:
            row = self._tables.intents.get(client_order_id)
            return row["status"] if row else None

    def close(self, client_order_id: str, status: str, note: str | None = None) -> None:
        with self._store.lock:
            if client_order_id in self._tables.intents:
                self._tables.intents[client_order_id].update(status=status, note=note)

    def clear(self, account: str) -> None:
        with self._store.lock:
            for cid in [c for c, r in self._tables.intents.items() if r["account"] == account]:
                del self._tables.intents[cid]


class _Strategies(_Repo):
    def get(self, name: str) -> StrategyRecord | None:
        with self._store.lock:
            return self._tables.strategies.get(name)

    def put(self, record: StrategyRecord) -> None:
        with self._store.lock:
            self._tables.strategies.put(record)

    def all(self) -> list[StrategyRecord]:
        with self._store.lock:
            return self._tables.strategies.all()


class _Candles(_Repo):
    """Candles are a cache, not part of any unit of work: kept outside the tables (a rollback
    need not copy them)."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        self._bars: dict[tuple[str, str, str], dict[int, tuple[float, ...]]] = {}

    def save(self, exchange: str, symbol: str, timeframe: str, frame: pd.DataFrame) -> int:
        ts = frame["timestamp"]
        stamps = (ts if ts.dtype == "int64" else ts.dt.as_unit("ms").astype("int64")).to_numpy()
        values = zip(*(frame[c].to_numpy(dtype=float) for c in _OHLCV), strict=True)
        rows = {int(t): tuple(float(x) for x in v) for t, v in zip(stamps, values, strict=True)}
        with self._store.lock:
            self._bars.setdefault((exchange, symbol, timeframe), {}).update(rows)
        return len(stamps)

    def load(self, exchange: str, symbol: str, timeframe: str, since_ms: int | None = None,
             until_ms: int | None = None, limit: int | None = None) -> pd.DataFrame:
        import pandas as pd

        with self._store.lock:
            bars = dict(self._bars.get((exchange, symbol, timeframe), {}))
        stamps = [t for t in sorted(bars) if (since_ms is None or t >= since_ms)
                  and (until_ms is None or t <= until_ms)]
        if limit:
            stamps = stamps[-limit:]
        frame = pd.DataFrame([(t, *bars[t]) for t in stamps], columns=["timestamp", *_OHLCV])
        frame["timestamp"] = pd.to_datetime(frame["timestamp"].astype("int64"), unit="ms", utc=True)
        frame["timestamp"] = frame["timestamp"].astype("datetime64[ms, UTC]")
        return frame.astype(dict.fromkeys(_OHLCV, "float64"))

    def last_ts(self, exchange: str, symbol: str, timeframe: str) -> int | None:
        with self._store.lock:
            return max(self._bars.get((exchange, symbol, timeframe)) or [None])

    def series(self) -> list[CachedSeries]:
        from volex.domain.timeframes import timeframe_ms

        out = []
        with self._store.lock:
            for (exchange, symbol, timeframe), bars in sorted(self._bars.items()):
                stamps = sorted(bars)
                step = timeframe_ms(timeframe)
                gaps = [(a + step, b - step) for a, b in pairwise(stamps) if b - a > step]
                out.append(CachedSeries(exchange, symbol, timeframe, stamps[0], stamps[-1],
                                        len(stamps), gaps))
        return out


class MemoryStore:
    """Implements ``volex.ports.Storage`` in memory (nothing outlives the process)."""

    def __init__(self) -> None:
        self.tables = MemoryTables()
        self.lock = threading.RLock()
        self.audit = _Audit(self)
        self.state = _State(self)
        self.journal = _Journal(self)
        self.alerts = _Alerts(self)
        self.strategies = _Strategies(self)
        self.candles = _Candles(self)
        self.inflight = _InFlight(self)
        self.intents = _Intents(self)

    @contextmanager
    def transaction(self) -> Iterator[MemoryStore]:
        """The same repositories, all-or-nothing: a block that raises changes nothing."""
        with self.lock:
            before = copy.deepcopy(self.tables)
            try:
                yield self
            except BaseException:
                self.tables = before
                raise

    def locked(self, key: str) -> AbstractContextManager[MemoryStore]:
        """One process holds the whole store: its transaction lock is every named lock."""
        return self.transaction()

    def __repr__(self) -> str:
        return "MemoryStore()"

    def close(self) -> None:
        """Nothing to release (the tables go with the object)."""
