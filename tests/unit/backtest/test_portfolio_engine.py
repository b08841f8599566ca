"""The portfolio engine against the slow reference, on random baskets (hypothesis), plus the
rules a trader would check by hand: shared cash, slots, caps, tie order, gaps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.backtest.portfolio_reference import reference_backtest
from volex.backtest.engine import EXIT_REASONS, BacktestConfig, run_target
from volex.backtest.portfolio import make_basket, simulate_basket
from volex.portfolio.allocator import REFUSALS, AllocationRules

HOUR = 3_600_000


def _series(rng: np.random.Generator, n: int, vol: float) -> dict[str, np.ndarray]:
    close = 100 * np.exp(np.cumsum(rng.normal(0, vol, n)))
    open_ = np.concatenate([[100.0], close[:-1]]) * np.exp(rng.normal(0, 0.01, n))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.04, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.04, n))
    return {"open": open_, "high": high, "low": low, "close": close, "volume": np.ones(n)}


@st.composite
def baskets(draw: st.DrawFn) -> tuple[list[str], list[dict], list[np.ndarray]]:
    """1-6 markets on an hourly grid, each with its own start, end and missing bars."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    count = draw(st.integers(1, 6))
    symbols = draw(st.permutations(["BTC", "ETH", "SOL", "DOGE", "ADA", "XRP"]))[:count]
    bars, targets = [], []
    for _ in symbols:
        start, length = int(rng.integers(0, 30)), int(rng.integers(2, 90))
        stamps = np.arange(start, start + length)
        keep = rng.random(length) >= draw(st.sampled_from([0.0, 0.1, 0.3]))
        keep[0] = True
        stamps = stamps[keep]
        if len(stamps) < 2:
            stamps = np.array([start, start + 1])
        own = _series(rng, len(stamps), draw(st.floats(0.002, 0.08)))
        own["timestamp"] = stamps.astype(np.int64) * HOUR
        bars.append(own)
        density = draw(st.floats(0.1, 0.9))
        targets.append((rng.random(len(stamps)) < density).astype(float))
    return list(symbols), bars, targets


configs = st.builds(
    BacktestConfig, cash=st.floats(100, 1e6), fee=st.floats(0, 0.01),
    slippage_bps=st.floats(0, 30), stop_loss=st.none() | st.floats(0.005, 0.3),
    take_profit=st.none() | st.floats(0.005, 0.5))


@st.composite
def rule_sets(draw: st.DrawFn) -> AllocationRules:
    stake = draw(st.sampled_from(["slots", "equal", "volatility"]))
    return AllocationRules(
        max_open=draw(st.integers(1, 5)), stake=stake,
        stake_amount=draw(st.floats(10, 5e5)) if stake == "equal" else None,
        max_asset_pct=draw(st.sampled_from([100.0, 60.0, 35.0, 10.0])),
        max_exposure_pct=draw(st.sampled_from([100.0, 80.0, 50.0])),
        risk_per_trade_pct=draw(st.floats(0.2, 5)), atr_multiple=draw(st.floats(0.5, 4)),
        atr_period=draw(st.integers(1, 5)))


def _atrs(bars: list[dict], rules: AllocationRules) -> list[np.ndarray] | None:
    if rules.stake != "volatility":
        return None
    import talib

    return [talib.ATR(b["high"], b["low"], b["close"], timeperiod=rules.atr_period)
            for b in bars]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(baskets(), configs, rule_sets())
def test_the_engine_agrees_with_the_reference_on_every_trade(case: tuple,
                                                             config: BacktestConfig,
                                                             rules: AllocationRules) -> None:
    symbols, bars, targets = case
    fast = simulate_basket(make_basket(symbols, bars), targets, config, rules)
    slow = reference_backtest(symbols, bars, targets, config, rules, _atrs(bars, rules))
    log = fast.trades
    assert len(log) == len(slow.trades)
    for i, trade in enumerate(slow.trades):
        assert symbols[log.market[i]] == trade["symbol"]
        assert (log.entry_bar[i], log.exit_bar[i]) == (trade["entry_bar"], trade["exit_bar"])
        assert EXIT_REASONS[log.reason[i]] == trade["reason"]
        for name in ("entry_price", "exit_price", "size", "pnl"):
            assert getattr(log, name)[i] == pytest.approx(trade[name], rel=1e-9, abs=1e-9)
    assert [(symbols[m], b, REFUSALS[c]) for m, b, c in zip(
        fast.refused.market, fast.refused.bar, fast.refused.code, strict=True)] == slow.refused
    # Equity = cash + positions at their marks, at every bar; open positions likewise.
    np.testing.assert_allclose(fast.equity, slow.equity, rtol=1e-9)
    assert fast.equity[-1] == pytest.approx(slow.equity[-1], rel=1e-9)
    assert fast.open_positions.tolist() == slow.open_positions
    assert np.all(fast.open_positions <= rules.max_open)
    assert np.all(fast.equity >= 0) and np.all((fast.exposure >= 0) & (fast.exposure <= 1 + 1e-9))


def _flat_market(n: int, start: int = 0, price: float = 100.0) -> dict[str, np.ndarray]:
    close = np.full(n, price)
    return {"timestamp": (np.arange(n) + start).astype(np.int64) * HOUR, "open": close.copy(),
            "high": close * 1.01, "low": close * 0.99, "close": close, "volume": np.ones(n)}


def test_a_basket_of_one_with_one_slot_is_the_single_market_backtest() -> None:
    rng = np.random.default_rng(7)
    own = _series(rng, 300, 0.02)
    own["timestamp"] = np.arange(300, dtype=np.int64) * HOUR
    target = (rng.random(300) < 0.5).astype(float)
    config = BacktestConfig(fee=0.001, slippage_bps=5, stop_loss=0.03, take_profit=0.05)
    equity, trades, _ = run_target(own, target, config)
    run = simulate_basket(make_basket(["X"], [own]), [target], config,
                          AllocationRules(max_open=1))
    assert np.array_equal(run.equity, equity) and np.array_equal(run.trades.pnl, trades.pnl)


def test_markets_compete_for_slots_and_the_tie_goes_to_the_symbol_first_in_order() -> None:
    bars = [_flat_market(10) for _ in range(3)]
    targets = [np.ones(10)] * 3
    run = simulate_basket(make_basket(["SOL", "BTC", "ETH"], bars), targets, BacktestConfig(),
                          AllocationRules(max_open=2))
    assert sorted(["SOL", "BTC", "ETH"][m] for m in run.trades.market) == ["BTC", "ETH"]
    assert run.trades.cost == pytest.approx([5_000.0, 5_000.0])
    assert [(["SOL", "BTC", "ETH"][m], REFUSALS[c]) for m, c in zip(
        run.refused.market, run.refused.code, strict=True)] == [("SOL", "max_open")]


def test_a_stronger_signal_is_served_first() -> None:
    bars = [_flat_market(5), _flat_market(5)]
    run = simulate_basket(make_basket(["AAA", "ZZZ"], bars), [np.ones(5), np.full(5, 2.0)],
                          BacktestConfig(), AllocationRules(max_open=1))
    assert run.trades.market.tolist() == [1]


def test_a_market_without_a_bar_is_not_traded_then() -> None:
    late = _flat_market(6, start=4)
    run = simulate_basket(make_basket(["EARLY", "LATE"], [_flat_market(10), late]),
                          [np.zeros(10), np.ones(6)], BacktestConfig(fee=0.0),
                          AllocationRules(max_open=2))
    # LATE's first bar is clock bar 4; its first signal is acted on at its second bar.
    assert run.trades.entry_bar.tolist() == [5] and run.trades.exit_bar.tolist() == [9]
    assert len(run.equity) == 10


def test_the_asset_and_exposure_caps_hold_at_entry() -> None:
    bars = [_flat_market(5) for _ in range(3)]
    run = simulate_basket(make_basket(["A", "B", "C"], bars), [np.ones(5)] * 3,
                          BacktestConfig(fee=0.0),
                          AllocationRules(max_open=3, max_asset_pct=25, max_exposure_pct=60))
    # 25% each for A and B, then only 10% of room is left for C.
    assert run.trades.cost == pytest.approx([2_500.0, 2_500.0, 1_000.0])
    assert run.exposure.max() == pytest.approx(0.6)


def test_equal_stakes_stop_when_the_account_is_fully_invested() -> None:
    bars = [_flat_market(5) for _ in range(3)]
    run = simulate_basket(make_basket(["A", "B", "C"], bars), [np.ones(5)] * 3,
                          BacktestConfig(cash=1_000, fee=0.0),
                          AllocationRules(max_open=3, stake="equal", stake_amount=600))
    assert run.trades.cost == pytest.approx([600.0, 400.0])
    # With a 100% exposure cap the room left and the cash run out together; the cap is named.
    assert REFUSALS[run.refused.code[0]] == "max_exposure"


def test_a_symbol_twice_is_refused() -> None:
    from volex.errors import UserInputError

    with pytest.raises(UserInputError, match="only once"):
        make_basket(["A", "A"], [_flat_market(3), _flat_market(3)])
