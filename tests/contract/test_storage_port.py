"""The storage port's contract, held by every implementation: the SQLAlchemy store on SQLite
and on PostgreSQL, and the in-memory store. What one commits, the others commit; what one
rolls back, the others roll back."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from volex.adapters.storage.memory import MemoryStore
from volex.adapters.storage.store import Store
from volex.domain.candles import CachedSeries
from volex.errors import StorageError
from volex.ports import AlertBook, AuditLog, CandleCache, OrderJournal, SharedState, Storage
from volex.strategies.lifecycle import LifecycleState, StrategyRecord

HOUR = 3_600_000


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "memory":
        instance: Storage = MemoryStore()
    elif request.param == "sqlite":
        instance = Store(f"sqlite:///{tmp_path / 'volex.db'}")
    else:
        instance = Store(request.getfixturevalue("pg_url"))
    yield instance
    instance.close()


def _request(client_id: str, symbol: str = "BTC/USDT", price: str | None = None) -> dict:
    return {"client_order_id": client_id, "symbol": symbol, "side": "buy", "type": "limit",
            "amount": Decimal("0.0015"), "price": None if price is None else Decimal(price)}


def test_every_repository_of_the_port_is_there(store: Storage) -> None:
    with store.transaction() as tx:
        for repos in (store, tx):
            assert isinstance(repos.audit, AuditLog) and isinstance(repos.state, SharedState)
            assert isinstance(repos.journal, OrderJournal) and isinstance(repos.alerts, AlertBook)
    assert isinstance(store.candles, CandleCache)


def test_state_holds_json_values(store: Storage) -> None:
    assert store.state.get("trading.halt") is None and store.state.get("missing", 7) == 7
    store.state.set("trading.halt", {"active": True, "reason": "test"})
    store.state.set("trading.halt", {"active": False, "limit": Decimal("1.5")})
    assert store.state.get("trading.halt") == {"active": False, "limit": "1.5"}


def test_audit_lists_oldest_first_newest_kept_by_limit(store: Storage) -> None:
    for i in range(5):
        store.audit.record("cli", "note", str(i), details={"i": i, "price": Decimal("2.50")})
    store.audit.record("shell", "halt", "trading", "manual")
    records = store.audit.list()
    assert [r.subject for r in records] == ["0", "1", "2", "3", "4", "trading"]
    assert records[0].details == {"i": 0, "price": "2.50"} and records[0].actor == "cli"
    assert records[-1].reason == "manual" and records[-1].details is None
    assert [r.id for r in records] == sorted(r.id for r in records)
    assert [r.subject for r in store.audit.list(limit=2)] == ["4", "trading"]
    assert store.audit.list(limit=0) == []
    assert store.audit.list(since_ms=int(records[-1].at.timestamp() * 1000) + 60_000) == []


def test_a_unit_of_work_commits_together(store: Storage) -> None:
    with store.transaction() as tx:
        tx.state.set("risk.limits", {"max_order_quote": "100"})
        tx.journal.record_pending(exchange="paper", mode="paper", actor="cli",
                                  request=_request("c-1"))
        alert = tx.alerts.add("BTC/USDT", "above", Decimal(70000), "ath")
        tx.audit.record("cli", "risk.set", "max_order_quote")
        assert tx.state.get("risk.limits") == {"max_order_quote": "100"}  # reads its own writes
    assert store.state.get("risk.limits") == {"max_order_quote": "100"}
    assert store.journal.exists("c-1") and store.alerts.get(alert.id) == alert
    assert [r.action for r in store.audit.list()] == ["risk.set"]


def test_a_unit_of_work_that_raises_changes_nothing(store: Storage) -> None:
    store.state.set("risk.limits", {"max_order_quote": "50"})
    kept = store.alerts.add("ETH/USDT", "below", Decimal(2000), None)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.state.set("risk.limits", {"max_order_quote": "100"})
        tx.journal.record_pending(exchange="paper", mode="paper", actor="cli",
                                  request=_request("c-2"))
        tx.alerts.add("BTC/USDT", "above", Decimal(70000), None)
        assert tx.alerts.remove(kept.id) and tx.alerts.mark_triggered(kept.id, Decimal(1)) is False
        tx.audit.record("cli", "order.send", "BTC/USDT")
        tx.strategies.put(StrategyRecord(name="sma_cross", state=LifecycleState.BACKTESTED))
        raise RuntimeError("the venue refused after all")
    assert store.state.get("risk.limits") == {"max_order_quote": "50"}
    assert not store.journal.exists("c-2") and store.audit.list() == []
    assert store.alerts.list() == [kept] and store.strategies.get("sma_cross") is None


def test_the_journal_follows_an_order_from_pending_to_settled(store: Storage) -> None:
    journal = store.journal
    journal.record_pending(exchange="paper", mode="paper", actor="cli",
                           request=_request("c-1", price="50000.10"))
    journal.record_pending(exchange="paper", mode="paper", actor="agent",
                           request=_request("c-2", "ETH/USDT"))
    journal.record_pending(exchange="binance", mode="live", actor="cli", request=_request("c-3"))
    row = journal.get("c-1")
    assert row is not None and row["status"] == "pending" and row["order_id"] is None
    assert (row["amount"], row["price"], row["filled"], row["fee"]) == ("0.0015", "50000.10", "0", "0")
    assert row["exchange"] == "paper" and row["mode"] == "paper" and row["actor"] == "cli"
    assert journal.exists("c-1") and not journal.exists("nope") and journal.get("nope") is None
    journal.record_result("c-1", order_id="P-1", status="closed", filled=Decimal("0.0015"),
                          average=Decimal("50000.1"), fee=Decimal("0.075"))
    journal.record_result("c-2", order_id="P-2", status="open")
    settled = journal.get("c-1")
    assert settled is not None
    assert (settled["order_id"], settled["status"], settled["filled"], settled["average"],
            settled["fee"]) == ("P-1", "closed", "0.0015", "50000.1", "0.075")
    assert [r["client_order_id"] for r in journal.unsettled("paper")] == ["c-2"]
    assert journal.symbols("paper") == {"BTC/USDT", "ETH/USDT"}
    with pytest.raises(StorageError):  # one client order id, one journal row
        journal.record_pending(exchange="paper", mode="paper", actor="cli", request=_request("c-1"))
    journal.clear("paper")
    assert journal.symbols("paper") == set() and journal.exists("c-3")


def test_alerts_fire_once_and_are_removed_by_id(store: Storage) -> None:
    first = store.alerts.add("BTC/USDT", "above", Decimal("70000.5"), "ath")
    second = store.alerts.add("ETH/USDT", "below", Decimal(2000), None)
    assert second.id > first.id and first.price == Decimal("70000.5") and first.active
    assert store.alerts.mark_triggered(first.id, Decimal(70001))
    assert not store.alerts.mark_triggered(first.id, Decimal(70002))  # once
    assert store.alerts.list() == [second]
    fired = store.alerts.get(first.id)
    assert fired is not None and fired.triggered_price == Decimal(70001) and not fired.active
    assert [a.id for a in store.alerts.list(include_triggered=True)] == [first.id, second.id]
    assert store.alerts.remove(second.id) and not store.alerts.remove(second.id)
    assert store.alerts.get(second.id) is None


def test_strategy_records_are_kept_by_name(store: Storage) -> None:
    store.strategies.put(StrategyRecord(name="sma_cross", best_params={"fast": 10}, score=1.5))
    store.strategies.put(StrategyRecord(name="ema_cross", state=LifecycleState.PAPER))
    record = store.strategies.get("sma_cross")
    assert record is not None and record.best_params == {"fast": 10} and record.score == 1.5
    assert [r.name for r in store.strategies.all()] == ["ema_cross", "sma_cross"]


def _frame(start: str, bars: int) -> pd.DataFrame:
    stamps = pd.date_range(start, periods=bars, freq="1h", tz="UTC")
    close = [100.0 + i for i in range(bars)]
    return pd.DataFrame({"timestamp": stamps, "open": close, "high": [c + 1 for c in close],
                         "low": [c - 1 for c in close], "close": close, "volume": 5.0})


def test_candles_upsert_without_duplicates_and_report_gaps(store: Storage) -> None:
    assert store.candles.last_ts("binance", "BTC/USDT", "1h") is None
    store.candles.save("binance", "BTC/USDT", "1h", _frame("2024-01-01", 48))
    revised = _frame("2024-01-02", 24)
    revised["close"] = 1.0
    store.candles.save("binance", "BTC/USDT", "1h", revised)
    store.candles.save("binance", "BTC/USDT", "1h", _frame("2024-01-04", 24))
    loaded = store.candles.load("binance", "BTC/USDT", "1h")
    assert len(loaded) == 72 and loaded["timestamp"].is_unique
    assert str(loaded["timestamp"].dtype) == "datetime64[ms, UTC]"
    assert (loaded.iloc[24:48]["close"] == 1.0).all()
    newest = store.candles.load("binance", "BTC/USDT", "1h", limit=3)
    assert newest["timestamp"].tolist() == loaded["timestamp"].tolist()[-3:]
    first_missing = int(pd.Timestamp("2024-01-03", tz="UTC").timestamp() * 1000)
    assert store.candles.series() == [CachedSeries(
        "binance", "BTC/USDT", "1h", first_missing - 48 * HOUR, first_missing + 47 * HOUR, 72,
        [(first_missing, first_missing + 23 * HOUR)])]
    assert store.candles.last_ts("binance", "BTC/USDT", "1h") == first_missing + 47 * HOUR


def test_the_signal_agents_log_is_the_port(tmp_path: Path) -> None:
    from volex.adapters.storage.db import Database
    from volex.adapters.storage.signals import SignalRepo
    from volex.ports import SignalLog

    database = Database(f"sqlite:///{tmp_path / 'volex.db'}")
    assert isinstance(SignalRepo(database), SignalLog)
    database.dispose()
