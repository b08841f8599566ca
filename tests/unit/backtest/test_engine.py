"""The fill rules a trader relies on, on small hand-made series."""

from __future__ import annotations

import numpy as np
import pytest

from volex.backtest.engine import BacktestConfig, run_target
from volex.errors import UserInputError


def bars(open_: list[float], high: list[float] | None = None, low: list[float] | None = None,
         close: list[float] | None = None) -> dict[str, np.ndarray]:
    o = np.array(open_, dtype=float)
    c = np.array(close if close is not None else open_, dtype=float)
    return {
        "timestamp": np.arange(len(o), dtype=np.int64) * 86_400_000,
        "open": o,
        "high": np.array(high, dtype=float) if high is not None else np.maximum(o, c),
        "low": np.array(low, dtype=float) if low is not None else np.minimum(o, c),
        "close": c,
        "volume": np.ones(len(o)),
    }


def test_signal_on_close_fills_at_next_open_with_fees_on_both_sides() -> None:
    b = bars([100, 110, 120, 130, 140], close=[105, 115, 125, 135, 145])
    target = np.array([1, 1, 0, 0, 0], dtype=float)
    equity, trades, metrics = run_target(b, target, BacktestConfig(cash=1000, fee=0.01))
    assert trades.entry_bar.tolist() == [1] and trades.exit_bar.tolist() == [3]
    assert trades.entry_price[0] == 110 and trades.exit_price[0] == 130
    units = 1000 / (110 * 1.01)
    assert equity[-1] == pytest.approx(units * 130 * 0.99)
    assert trades.pnl[0] == pytest.approx(units * 130 * 0.99 - 1000)
    assert equity[0] == 1000  # nothing happens on the signal bar itself
    assert metrics.trades == 1 and metrics.win_rate == 1.0


def test_slippage_makes_buys_dearer_and_sells_cheaper() -> None:
    b = bars([100, 100, 100, 100])
    _, trades, _ = run_target(b, np.array([1, 0, 0, 0.0]),
                              BacktestConfig(fee=0, slippage_bps=50))
    assert trades.entry_price[0] == pytest.approx(100.5)
    assert trades.exit_price[0] == pytest.approx(99.5)


def test_open_position_is_sold_at_the_last_close() -> None:
    b = bars([100, 100, 100], close=[100, 100, 150])
    equity, trades, _ = run_target(b, np.array([1, 1, 1.0]), BacktestConfig(fee=0))
    assert trades.reason.tolist() == [3]  # "end"
    assert trades.exit_price[0] == 150 and equity[-1] == pytest.approx(15_000)


def test_stop_loss_fills_at_the_stop_inside_the_bar() -> None:
    b = bars([100, 100, 98], high=[100, 101, 99], low=[100, 99, 90], close=[100, 100, 95])
    config = BacktestConfig(fee=0, stop_loss=0.05)
    _, trades, _ = run_target(b, np.array([1, 1, 1.0]), config)
    assert trades.reason.tolist() == [1]
    assert trades.exit_bar.tolist() == [2] and trades.exit_price[0] == pytest.approx(95)


def test_a_gap_through_the_stop_fills_at_the_open() -> None:
    b = bars([100, 100, 80], high=[100, 101, 85], low=[100, 99, 78], close=[100, 100, 82])
    _, trades, _ = run_target(b, np.array([1, 1, 1.0]), BacktestConfig(fee=0, stop_loss=0.05))
    assert trades.exit_price[0] == 80


def test_stop_is_checked_on_the_entry_bar_too() -> None:
    b = bars([100, 100, 100], high=[100, 100, 100], low=[100, 90, 100])
    _, trades, _ = run_target(b, np.array([1, 1, 1.0]), BacktestConfig(fee=0, stop_loss=0.05))
    assert trades.entry_bar.tolist() == [1] and trades.exit_bar.tolist() == [1]


def test_when_stop_and_target_are_both_touched_the_stop_is_taken() -> None:
    b = bars([100, 100, 100], high=[100, 100, 120], low=[100, 100, 80])
    config = BacktestConfig(fee=0, stop_loss=0.05, take_profit=0.1)
    _, trades, _ = run_target(b, np.array([1, 1, 1.0]), config)
    assert trades.reason.tolist() == [1] and trades.exit_price[0] == pytest.approx(95)


def test_take_profit_fills_at_the_target() -> None:
    b = bars([100, 100, 100], high=[100, 100, 120], low=[100, 100, 99])
    config = BacktestConfig(fee=0, take_profit=0.1)
    _, trades, _ = run_target(b, np.array([1, 1, 1.0]), config)
    assert trades.reason.tolist() == [2] and trades.exit_price[0] == pytest.approx(110)


def test_after_a_stop_the_strategy_must_go_flat_before_buying_again() -> None:
    b = bars([100, 100, 96, 96, 96, 96], low=[100, 100, 90, 96, 96, 96])
    config = BacktestConfig(fee=0, stop_loss=0.05)
    _, trades, _ = run_target(b, np.array([1, 1, 1, 0, 1, 1.0]), config)
    # stopped on bar 2; the target stays long on bar 2 so no re-entry on bar 3;
    # flat on bar 3, long again on bar 4 -> entry at bar 5's open.
    assert trades.entry_bar.tolist() == [1, 5]


def test_nan_targets_count_as_flat() -> None:
    b = bars([100, 101, 102, 103])
    _, trades, _ = run_target(b, np.array([np.nan, np.nan, 1, 1]), BacktestConfig())
    assert trades.entry_bar.tolist() == [3]


@pytest.mark.parametrize("kwargs", [{"cash": 0}, {"fee": -0.1}, {"stop_loss": 1.5},
                                    {"take_profit": 0.0}, {"slippage_bps": -1}])
def test_bad_money_settings_are_user_errors(kwargs: dict) -> None:
    with pytest.raises(UserInputError):
        BacktestConfig(**kwargs)


def test_a_target_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(UserInputError, match="3 targets for 4 bars"):
        run_target(bars([1, 2, 3, 4]), np.ones(3), BacktestConfig())
