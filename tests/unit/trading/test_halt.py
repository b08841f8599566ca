"""Halt, reduce-only and the one send path: nothing leaves while halted, never twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.trading.conftest import World, make_world
from volex.adapters.storage.store import Store
from volex.agents.halt import HaltSwitch
from volex.domain.orders import OrderRequest
from volex.errors import NetworkError, RiskRejected, TradingHalted


class SpyExchange:
    """The paper venue, noting the halt state (read afresh) at every order that reaches it."""

    def __init__(self, inner: Any, observer: HaltSwitch, fail_once_after_send: bool = False) -> None:
        self._inner = inner
        self._observer = observer
        self._fail_once = fail_once_after_send
        self.sent: list[tuple[OrderRequest, bool]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_order(self, request: OrderRequest):
        state = self._observer.state()
        self.sent.append((request, state.allows(request.side == "sell")))
        order = self._inner.create_order(request)
        if self._fail_once:
            self._fail_once = False
            raise NetworkError("connection reset after the order was sent")
        return order


def _buy(world: World, quote: str = "200") -> Any:
    return world.execution.execute(world.execution.plan("BTC/USDT", "buy", quote=Decimal(quote)),
                                   actor="cli")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(["halt", "reduce_only", "resume", "buy", "sell", "buy"]),
                      min_size=1, max_size=14))
def test_nothing_is_sent_while_halted_whoever_halted(store: Store, steps: list[str]) -> None:
    world = make_world(store)
    other_process = Store(store.db.url)  # another process's view of the same store
    try:
        switch, observer = HaltSwitch(other_process), HaltSwitch(Store(store.db.url))
        spy = SpyExchange(world.exchange, observer)
        world.execution.exchange = spy
        for step in steps:
            if step == "halt":
                switch.halt("remote", "test")
            elif step == "reduce_only":
                switch.halt("remote", "test", reduce_only=True)
            elif step == "resume":
                switch.resume("remote")
            else:
                held = world.exchange.balances().get("BTC")
                if step == "sell" and not (held and held.free > 0):
                    continue
                state = observer.state()
                sent_before = len(spy.sent)
                try:
                    if step == "buy":
                        _buy(world)
                    else:
                        world.execution.execute(world.execution.plan("BTC/USDT", "sell"), actor="cli")
                except TradingHalted:
                    assert not state.allows(step == "sell")
                    assert len(spy.sent) == sent_before
                    continue
                assert state.allows(step == "sell")
        assert all(allowed for _, allowed in spy.sent)
    finally:
        other_process.close()


def test_a_halt_from_another_process_stops_the_very_next_order(world: World, store: Store) -> None:
    _buy(world)
    elsewhere = Store(store.db.url)
    HaltSwitch(elsewhere).halt("cli", "stop everything")
    elsewhere.close()
    with pytest.raises(TradingHalted, match="stop everything"):
        world.execution.submit(OrderRequest(symbol="ETH/USDT", side="buy", amount=Decimal("0.01")),
                               actor="agent")
    assert len(world.exchange.my_trades()) == 1
    assert "order.refused" in world.audit_actions()


def test_reduce_only_lets_sells_through_and_refuses_buys(world: World) -> None:
    _buy(world)
    world.execution.halts.halt("cli", "calm down", reduce_only=True)
    with pytest.raises(TradingHalted, match="reduce-only"):
        _buy(world)
    sold = world.execution.execute(world.execution.plan("BTC/USDT", "sell"), actor="cli")
    assert sold.order.status == "closed"
    assert "BTC" not in world.exchange.balances()


def test_halt_cancels_open_orders_and_flatten_closes_positions(world: World) -> None:
    _buy(world, "500")
    world.execution.execute(world.execution.plan("ETH/USDT", "buy", quote=Decimal(300),
                                                 limit=Decimal(2500)), actor="cli")
    assert len(world.exchange.open_orders()) == 1
    state = world.execution.halts.halt("cli", "panic")
    report = world.execution.after_halt(state, actor="cli", flatten=True)
    assert [o.status for o in report.canceled] == ["canceled"]
    assert [(o.symbol, o.status) for o in report.flattened] == [("BTC/USDT", "closed")]
    assert world.exchange.open_orders() == []
    assert set(world.exchange.balances()) == {"USDT"}
    assert world.exchange.ledger().reconciles
    with pytest.raises(TradingHalted):  # flattening is not a loophole for anything else
        world.execution.submit(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.001")),
                               actor="cli")


def test_a_reduce_only_halt_keeps_stops_and_targets(world: World) -> None:
    plan = world.execution.plan("BTC/USDT", "buy", quote=Decimal(500), stop_loss_pct=Decimal(2),
                                take_profit_pct=Decimal(3))
    result = world.execution.execute(plan, actor="cli")
    assert {o.type for o in result.protective} == {"stop_loss", "take_profit"}
    state = world.execution.halts.halt("cli", "careful", reduce_only=True)
    report = world.execution.after_halt(state, actor="cli", flatten=False)
    assert report.canceled == []
    world.prices.set("BTC/USDT", "45000")  # the stop still protects the position
    assert "BTC" not in world.exchange.balances()
    assert {o.status for o in world.exchange.open_orders()} == set()


def test_an_order_whose_answer_was_lost_is_looked_up_not_sent_twice(world: World) -> None:
    spy = SpyExchange(world.exchange, world.execution.halts, fail_once_after_send=True)
    world.execution.exchange = spy
    result = _buy(world)
    assert result.order.status == "closed"
    assert len(spy.sent) == 1 and len(world.exchange.my_trades()) == 1


def test_a_resting_entry_gets_its_stop_and_target_when_reconciled_after_it_fills(world: World) -> None:
    plan = world.execution.plan("BTC/USDT", "buy", quote=Decimal(400), limit=Decimal(49000),
                                stop_loss_pct=Decimal(2), take_profit_pct=Decimal(5))
    entry = world.execution.execute(plan, actor="cli").order
    assert entry.status == "open"
    world.prices.set("BTC/USDT", "48900")
    changes = world.execution.reconcile()
    assert any("open -> closed" in c for c in changes)
    kinds = {o.type: o.price for o in world.exchange.open_orders()}
    assert kinds == {"stop_loss": Decimal(48020), "take_profit": Decimal(51450)}
    assert world.execution.reconcile() == []  # nothing left to do, nothing placed twice


def test_an_order_that_never_reached_the_venue_is_marked_so(world: World) -> None:
    request = OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.001"))
    world.execution.journal.record_pending(exchange="paper", mode="paper", actor="cli",
                                           request=request.model_dump(mode="json"))
    assert world.execution.reconcile() == [f"{request.client_order_id}: never reached paper"]
    assert world.execution.journal.get(request.client_order_id)["status"] == "rejected"


def test_a_risk_rejection_sends_nothing(world: World) -> None:
    spy = SpyExchange(world.exchange, world.execution.halts)
    world.execution.exchange = spy
    with pytest.raises(RiskRejected):
        _buy(world, "9000")
    assert spy.sent == []


def test_a_fill_on_the_venue_is_audited_at_the_next_reconciliation(world: World) -> None:
    plan = world.execution.plan("BTC/USDT", "buy", quote=Decimal(300), stop_loss_pct=Decimal(2))
    stop = world.execution.execute(plan, actor="cli").protective[0]
    world.prices.set("BTC/USDT", "45000")
    assert world.execution.reconcile_if_due("agent") == [f"{stop.client_order_id}: open -> closed"]
    filled = [r for r in world.store.audit.list() if r.action == "order.filled"]
    assert filled[-1].details["order_id"] == stop.id and filled[-1].actor == "agent"
    assert world.execution.reconcile_if_due("agent") == []  # not again within a few seconds


def test_submitting_the_same_order_again_returns_it_without_sending(world: World) -> None:
    spy = SpyExchange(world.exchange, world.execution.halts)
    world.execution.exchange = spy
    request = OrderRequest(symbol="ETH/USDT", side="buy", amount=Decimal("0.05"))
    first = world.execution.submit(request, actor="cli")
    again = world.execution.submit(request, actor="cli")
    assert again.id == first.id and len(spy.sent) == 1
    assert len(world.exchange.my_trades()) == 1
