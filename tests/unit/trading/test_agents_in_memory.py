"""Agents on the in-memory store: the halt switch, the order gate, risk limits and alerts keep
their promises (audited, all-or-nothing, never twice) with no database behind them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from volex.adapters.exchange.prices import ManualPrices
from volex.adapters.storage.memory import MemoryStore
from volex.agents.alerts import AlertAgent
from volex.agents.halt import HaltSwitch
from volex.agents.order_gate import OrderGate
from volex.agents.risk import LIMITS_KEY, RiskAgent
from volex.domain.orders import Order, OrderRequest
from volex.errors import NetworkError, StorageError, TradingHalted, UserInputError


class Venue:
    """A venue that fills every order at 50,000, idempotent on client order ids; it can lose
    the answer to one order after taking it (a timeout)."""

    name, mode = "sim", "paper"

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.created = 0
        self.drop_next_answer = False

    def create_order(self, request: OrderRequest) -> Order:
        if request.client_order_id not in self.orders:
            self.created += 1
            self.orders[request.client_order_id] = Order(
                id=f"S-{self.created}", client_order_id=request.client_order_id,
                symbol=request.symbol, side=request.side, type=request.type,
                amount=request.amount, status="closed", filled=request.amount,
                average=Decimal(50000), fee=Decimal("0.05"), exchange=self.name)
        if self.drop_next_answer:
            self.drop_next_answer = False
            raise NetworkError("read timeout")
        return self.orders[request.client_order_id]

    def fetch_order_by_client_id(self, client_order_id: str, symbol: str) -> Order | None:
        return self.orders.get(client_order_id)


def _buy() -> OrderRequest:
    return OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.002"))


def test_an_order_is_journaled_audited_and_never_sent_twice() -> None:
    store, venue = MemoryStore(), Venue()
    gate = OrderGate(venue, store, HaltSwitch(store))  # type: ignore[arg-type]
    venue.drop_next_answer = True
    request = _buy()
    order = gate.submit(request, actor="cli", reason="test")
    assert venue.created == 1 and order.status == "closed"
    row = store.journal.get(request.client_order_id)
    assert row is not None and (row["status"], row["order_id"], row["filled"]) == ("closed", "S-1", "0.002")
    assert gate.submit(request, actor="cli") == order and venue.created == 1  # a retry
    assert [r.action for r in store.audit.list()] == ["order.send", "order.filled"]


def test_a_halt_from_anyone_stops_the_next_order_and_is_audited() -> None:
    store, venue = MemoryStore(), Venue()
    gate = OrderGate(venue, store, HaltSwitch(store))  # type: ignore[arg-type]
    HaltSwitch(store).halt("dashboard", "news", reduce_only=True)
    with pytest.raises(TradingHalted, match="reduce-only"):
        gate.submit(_buy(), actor="agent")
    assert venue.created == 0
    gate.submit(OrderRequest(symbol="BTC/USDT", side="sell", amount=Decimal("0.001")), actor="cli")
    assert venue.created == 1
    actions = [(r.actor, r.action) for r in store.audit.list()]
    assert actions[:2] == [("dashboard", "halt.reduce_only"), ("agent", "order.refused")]
    before, now = HaltSwitch(store).resume("cli", "over")
    assert before.reduce_only and not now.active and not gate.halts.state().active


def test_journal_and_audit_commit_together_or_not_at_all() -> None:
    store, venue = MemoryStore(), Venue()
    gate = OrderGate(venue, store, HaltSwitch(store))  # type: ignore[arg-type]
    real_record = store.audit.record

    def failing_record(actor: str, action: str, *args: object, **kwargs: object) -> None:
        real_record(actor, action, *args, **kwargs)  # type: ignore[arg-type]
        if action == "order.send":
            raise StorageError("disk full")

    store.audit.record = failing_record  # type: ignore[method-assign]
    request = _buy()
    with pytest.raises(StorageError):
        gate.submit(request, actor="cli")
    assert venue.created == 0 and not store.journal.exists(request.client_order_id)
    assert store.audit.list() == []


def test_a_risk_limit_change_is_audited_and_a_bad_one_changes_nothing() -> None:
    store = MemoryStore()
    risk = RiskAgent(store)
    assert risk.set_limit("max_order_quote", "250", "shell", "smaller").max_order_quote == 250
    with pytest.raises(UserInputError):
        risk.set_limit("max_order_quote", "-5", "shell")
    assert risk.limits().max_order_quote == 250
    assert store.state.get(LIMITS_KEY)["max_order_quote"] == "250"
    [record] = store.audit.list()
    assert (record.actor, record.action, record.reason) == ("shell", "risk.set", "smaller")
    assert record.details is not None and record.details["to"] == "250"


def test_an_alert_fires_once_and_is_announced() -> None:
    store, prices, events = MemoryStore(), ManualPrices({"BTC/USDT": "60000"}), []
    alerts = AlertAgent(store, prices, lambda topic, event: events.append((topic, event)))
    alert = alerts.add("BTC/USDT", "above", "65000", "breakout", "cli")
    assert alerts.check("agent").fired == [] and events == []
    prices.set("BTC/USDT", "65100")
    [(fired, _ticker)] = alerts.check("agent").fired
    assert fired.id == alert.id and fired.triggered_price == Decimal(65100)
    assert alerts.check("agent").fired == [] and len(events) == 1  # once
    assert alerts.list() == [] and [a.id for a in alerts.list(include_triggered=True)] == [alert.id]
    with pytest.raises(UserInputError, match="no alert with id 99"):
        alerts.remove(99, "cli")
    assert [r.action for r in store.audit.list()] == ["alert.add", "alert.fired"]
