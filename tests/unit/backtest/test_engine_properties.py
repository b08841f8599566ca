"""Invariants of the engine over random prices and signals (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from volex.backtest.engine import BacktestConfig, run_target
from volex.backtest.portfolio import ALL_IN, _loop, make_basket, simulate_basket


@st.composite
def market(draw: st.DrawFn) -> tuple[dict[str, np.ndarray], np.ndarray]:
    n = draw(st.integers(2, 120))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, draw(st.floats(0.001, 0.2)), n)))
    gap = np.exp(rng.normal(0, 0.02, n))
    open_ = np.concatenate([[100.0], close[:-1]]) * gap
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.05, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.05, n))
    target = (rng.random(n) < draw(st.floats(0, 1))).astype(float)
    bars = {"timestamp": np.arange(n, dtype=np.int64) * 3_600_000, "open": open_, "high": high,
            "low": low, "close": close, "volume": np.ones(n)}
    return bars, target


configs = st.builds(
    BacktestConfig,
    cash=st.floats(1, 1e7),
    fee=st.floats(0, 0.01),
    slippage_bps=st.floats(0, 50),
    stop_loss=st.none() | st.floats(0.005, 0.5),
    take_profit=st.none() | st.floats(0.005, 1.0),
)


@settings(max_examples=150, deadline=None)
@given(market(), configs)
def test_equity_never_goes_negative_long_only(case: tuple, config: BacktestConfig) -> None:
    bars, target = case
    equity, trades, _ = run_target(bars, target, config)
    assert np.all(equity >= 0)
    assert np.all(trades.size > 0)


@settings(max_examples=150, deadline=None)
@given(market(), st.floats(1e-5, 0.01), st.floats(0, 50))
def test_fees_always_cost_money(case: tuple, fee: float, slippage_bps: float) -> None:
    bars, target = case
    with_fees, trades, _ = run_target(bars, target, BacktestConfig(fee=fee,
                                                                   slippage_bps=slippage_bps))
    without, _, _ = run_target(bars, target, BacktestConfig(fee=0.0, slippage_bps=slippage_bps))
    if len(trades):
        assert with_fees[-1] < without[-1]
    else:
        assert with_fees[-1] == without[-1]


@settings(max_examples=150, deadline=None)
@given(market(), st.floats(0.005, 0.3), st.floats(0, 50))
def test_stop_exits_are_never_worse_than_the_stop_unless_the_bar_gapped(
        case: tuple, stop: float, slippage_bps: float) -> None:
    bars, target = case
    config = BacktestConfig(fee=0.001, slippage_bps=slippage_bps, stop_loss=stop)
    _, trades, _ = run_target(bars, target, config)
    slip = slippage_bps / 10_000
    for i in np.flatnonzero(trades.reason == 1):
        level = trades.entry_price[i] * (1 - stop)
        gapped = bars["open"][trades.exit_bar[i]] < level
        floor = bars["open"][trades.exit_bar[i]] if gapped else level
        assert trades.exit_price[i] >= floor * (1 - slip) * (1 - 1e-12)


@settings(max_examples=150, deadline=None)
@given(market(), st.floats(0, 0.01), st.floats(0, 50))
def test_numpy_path_equals_the_numba_kernel(case: tuple, fee: float, slippage_bps: float) -> None:
    bars, target = case
    config = BacktestConfig(fee=fee, slippage_bps=slippage_bps)
    basket = make_basket(["X"], [bars])
    fast = simulate_basket(basket, [target], config)
    loop = _loop(basket, [target], config, ALL_IN, slippage_bps / 10_000)
    for name in ("equity", "exposure", "open_positions"):
        np.testing.assert_allclose(getattr(fast, name), getattr(loop, name), rtol=1e-9)
    for name in ("entry_bar", "exit_bar", "entry_price", "exit_price", "size", "pnl", "reason",
                 "market"):
        np.testing.assert_allclose(getattr(fast.trades, name), getattr(loop.trades, name),
                                   rtol=1e-9)
    assert fast.held_bars == loop.held_bars and len(loop.refused) == 0
