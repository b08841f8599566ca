"""The portfolio limits in live sizing: open positions and the per-asset cap, checked on
every buy; a buy with no size gets the allocator's slot, as in a portfolio backtest."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.trading.conftest import make_world
from volex.adapters.storage.store import Store
from volex.domain.risk import RiskLimits
from volex.errors import RiskRejected

WIDE = {"max_order_quote": Decimal(10_000), "max_position_quote": Decimal(10_000),
        "max_position_pct": Decimal(100), "max_exposure_pct": Decimal(100)}


def test_a_buy_with_no_size_takes_one_slot_of_equity(store: Store) -> None:
    world = make_world(store, limits=RiskLimits(max_open_positions=4, **WIDE))
    plan = world.execution.plan("ETH/USDT", "buy")
    # 10,000 USDT over 4 slots: 2,500 USDT, less the rounding of the amount.
    assert Decimal(2495) < plan.quote_amount <= Decimal(2500)
    assert "equity / 4 slots" in plan.sized_by and plan.approved


def test_a_buy_beyond_the_open_positions_limit_is_blocked(store: Store) -> None:
    world = make_world(store, limits=RiskLimits(max_open_positions=2, **WIDE))
    for symbol in ("BTC/USDT", "ETH/USDT"):
        world.execution.execute(world.execution.plan(symbol, "buy", quote=Decimal(1000)),
                                actor="cli")
    plan = world.execution.plan("DOGE/USDT", "buy", quote=Decimal(100))
    assert [c.name for c in plan.blocked_by] == ["max_open_positions"]
    assert "positions after this trade 3 is 1 over the 2 limit" in plan.blocked_by[0].message
    with pytest.raises(RiskRejected, match="max_open_positions"):
        world.execution.execute(plan, actor="cli")
    # Adding to a symbol already held takes no new slot.
    assert world.execution.plan("BTC/USDT", "buy", quote=Decimal(100)).approved


def test_no_buy_takes_an_asset_past_its_cap(store: Store) -> None:
    world = make_world(store, limits=RiskLimits(max_asset_pct=Decimal(30), **WIDE))
    plan = world.execution.plan("ETH/USDT", "buy", quote=Decimal(3500))
    assert [c.name for c in plan.blocked_by] == ["max_asset_pct"]
    auto = world.execution.plan("ETH/USDT", "buy")
    assert auto.approved and auto.quote_amount <= Decimal(3000)


def test_risk_show_lists_the_portfolio_limits_and_risk_set_changes_them() -> None:
    from tests.support.cli import run

    assert run("risk", "set", "max_open_positions", "3", "--reason", "three slots").exit_code == 0
    assert run("risk", "set", "max_asset_pct", "40").exit_code == 0
    shown = run("risk", "show")
    assert "max_open_positions" in shown.output and "max_asset_pct" in shown.output
    import json

    limits = json.loads(run("risk", "show", "--json").stdout)
    assert (limits["max_open_positions"], limits["max_asset_pct"]) == (3, "40")
