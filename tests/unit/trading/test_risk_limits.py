"""Risk limits: no accepted order ever takes a limit past its value; sizing; checks say how much."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.unit.trading.conftest import World, make_world
from volex.adapters.storage.store import Store
from volex.domain.risk import RiskLimits
from volex.errors import (
    InsufficientFunds,
    InvalidOrder,
    RiskRejected,
    TradingHalted,
    UserInputError,
)

SYMBOLS = ["BTC/USDT", "ETH/USDT"]

limits_strategy = st.builds(
    RiskLimits,
    max_order_quote=st.decimals(min_value=50, max_value=5000, places=0),
    max_position_quote=st.decimals(min_value=100, max_value=8000, places=0),
    max_position_pct=st.decimals(min_value=1, max_value=60, places=0),
    max_exposure_pct=st.decimals(min_value=5, max_value=90, places=0),
    max_daily_loss_pct=st.decimals(min_value=1, max_value=20, places=0),
    risk_per_trade_pct=st.decimals(min_value="0.5", max_value=3, places=1),
    max_open_orders=st.integers(min_value=1, max_value=6),
)
intent = st.one_of(
    st.tuples(st.just("quote"), st.sampled_from(SYMBOLS), st.decimals(min_value=20, max_value=6000, places=0)),
    st.tuples(st.just("auto"), st.sampled_from(SYMBOLS), st.sampled_from([None, Decimal(1), Decimal(3)])),
    st.tuples(st.just("limit"), st.sampled_from(SYMBOLS), st.decimals(min_value=20, max_value=3000, places=0)),
    st.tuples(st.just("sell"), st.sampled_from(SYMBOLS), st.sampled_from([None, Decimal(50)])),
    st.tuples(st.just("move"), st.sampled_from(SYMBOLS), st.decimals(min_value="0.8", max_value="1.2", places=2)),
)


def _snapshot(world: World) -> dict:
    """Exposure, equity and orders computed from the ledger and prices, independently of risk."""
    balances = world.exchange.balances()
    orders = world.exchange.open_orders()
    values = {s: balances[s.split("/")[0]].total * world.prices(s).last
              for s in SYMBOLS if s.split("/")[0] in balances}
    pending = {s: sum((o.remaining * o.price for o in orders if o.symbol == s and o.side == "buy"),
                      Decimal(0)) for s in SYMBOLS}
    equity = balances["USDT"].total + sum(values.values(), Decimal(0))
    return {"values": values, "pending": pending, "equity": equity}


def _send(world: World, kind: str, sym: str, x: Decimal | None):
    ex = world.execution
    if kind == "quote":
        plan = ex.plan(sym, "buy", quote=x)
    elif kind == "auto":
        plan = ex.plan(sym, "buy", stop_loss_pct=x)
    elif kind == "limit":
        price = (world.prices(sym).last * Decimal("0.97")).quantize(Decimal("0.01"))
        plan = ex.plan(sym, "buy", quote=x, limit=price)
    else:
        plan = ex.plan(sym, "sell", percent=x)
    return plan, ex.execute(plan, actor="agent")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limits=limits_strategy, intents=st.lists(intent, min_size=1, max_size=10))
def test_no_accepted_order_ever_exceeds_a_limit(store: Store, limits: RiskLimits, intents) -> None:
    world = make_world(store, limits=limits)
    for kind, sym, x in intents:
        if kind == "move":
            world.prices.set(sym, (world.prices(sym).last * x).quantize(Decimal("0.01")))
            continue
        before = _snapshot(world)
        try:
            _plan, result = _send(world, kind, sym, x)
        except (RiskRejected, TradingHalted, InvalidOrder, InsufficientFunds, UserInputError) as exc:
            event(f"refused: {type(exc).__name__}")
            continue  # refused: nothing to check
        order = result.order
        event(f"accepted: {order.side} {order.type}")
        assert len(world.exchange.open_orders()) <= limits.max_open_orders
        if order.side == "sell":
            continue
        notional = order.amount * (order.average if order.status == "closed" else order.price)
        position = before["values"].get(sym, Decimal(0)) + before["pending"][sym] + notional
        exposure = sum(before["values"].values(), Decimal(0)) + sum(before["pending"].values(),
                                                                     Decimal(0)) + notional
        assert notional <= limits.max_order_quote
        assert position <= limits.max_position_quote
        assert position <= before["equity"] * limits.max_position_pct / 100
        assert exposure <= before["equity"] * limits.max_exposure_pct / 100


def test_a_blocked_trade_names_the_rule_and_by_how_much(world: World) -> None:
    plan = world.execution.plan("ETH/USDT", "buy", quote=Decimal(3000))
    blocked = {c.name: c for c in plan.blocked_by}
    assert set(blocked) == {"max_order_quote", "max_position_pct"}
    assert "500.00 USDT over the 2,500.00 USDT limit" in blocked["max_order_quote"].message
    with pytest.raises(RiskRejected, match="max_order_quote.*500.00 USDT over"):
        world.execution.execute(plan, actor="cli")
    assert world.exchange.open_orders() == [] and world.exchange.my_trades() == []
    assert "order.blocked" in world.audit_actions()


def test_with_a_stop_the_risk_agent_risks_risk_per_trade_pct_of_equity(store: Store) -> None:
    world = make_world(store, limits=RiskLimits(max_order_quote=Decimal(10_000),
                                                max_position_pct=Decimal(60)))
    plan = world.execution.plan("BTC/USDT", "buy", stop_loss_pct=Decimal(4))
    # 1% of 10,000 at risk over a 4% stop: a 2,500 USDT position
    assert abs(plan.quote_amount - Decimal(2500)) < Decimal("0.6")
    assert plan.approved and "1% of equity at risk with a 4% stop" in plan.sized_by
    capped = world.execution.plan("BTC/USDT", "buy", stop_loss_pct=Decimal("0.5"))
    # 1% over a 0.5% stop wants 20,000 USDT; the 5,000 USDT position limit caps it
    assert "capped by max_position_quote" in capped.sized_by and capped.approved
    assert Decimal(4990) < capped.quote_amount <= Decimal(5000)


def test_without_a_stop_a_buy_uses_a_small_share_and_a_sell_the_whole_holding(world: World) -> None:
    plan = world.execution.plan("ETH/USDT", "buy")
    assert abs(plan.quote_amount - Decimal(500)) < Decimal("0.01")
    world.execution.execute(plan, actor="cli")
    held = world.exchange.balances()["ETH"].free
    sell = world.execution.plan("ETH/USDT", "sell")
    assert sell.request.amount == held and "whole holding" in sell.sized_by


def test_the_daily_loss_limit_switches_to_reduce_only_and_says_so(world: World) -> None:
    world.execution.execute(world.execution.plan("BTC/USDT", "buy", quote=Decimal(2400)), actor="cli")
    world.prices.set("BTC/USDT", "20000")  # -60% on a quarter of equity: about -14.5% in a day
    plan = world.execution.plan("ETH/USDT", "buy", quote=Decimal(100))
    assert any("daily loss limit hit" in n for n in plan.notes)
    assert world.execution.halt_state().reduce_only
    with pytest.raises(TradingHalted, match="reduce-only"):
        world.execution.execute(plan, actor="cli")
    sell = world.execution.execute(world.execution.plan("BTC/USDT", "sell"), actor="cli")
    assert sell.order.status == "closed"
    halt = [r for r in world.store.audit.list() if r.action == "halt.reduce_only"]
    assert halt and halt[0].actor == "agent" and "daily loss" in halt[0].reason


def test_limit_changes_are_validated_and_audited(world: World) -> None:
    world.risk.set_limit("max_open_orders", "3", "cli", "fewer orders")
    assert world.risk.limits().max_open_orders == 3
    record = world.store.audit.list()[-1]
    assert (record.action, record.subject, record.reason) == ("risk.set", "max_open_orders", "fewer orders")
    assert record.details == {"from": "10", "to": "3"}
    for name, value in (("max_open_orders", "2.5"), ("max_position_pct", "150"),
                        ("no_such_limit", "1"), ("max_order_quote", "lots")):
        with pytest.raises(UserInputError):
            world.risk.set_limit(name, value, "cli")
    assert world.risk.limits().max_open_orders == 3
    assert [r.action for r in world.store.audit.list()].count("risk.set") == 1


def test_the_open_order_limit_counts_the_stop_and_target_a_trade_leaves(store: Store) -> None:
    world = make_world(store, limits=RiskLimits(max_open_orders=1))
    plan = world.execution.plan("BTC/USDT", "buy", quote=Decimal(100), stop_loss_pct=Decimal(2),
                                take_profit_pct=Decimal(4))
    assert [c.name for c in plan.blocked_by] == ["max_open_orders"]
    assert "1 over the 1 limit" in plan.blocked_by[0].message
