"""The results table's figures on series whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from volex.backtest.metrics import bars_per_year, compute_metrics, objective_value

DAY = 86_400_000


def metrics_of(equity: list[float], pnl: list[float] = (), close: list[float] | None = None,
               held: int = 0, step_ms: int = DAY):
    e = np.array(equity, dtype=float)
    stamps = np.arange(len(e), dtype=np.int64) * step_ms
    c = np.array(close if close is not None else equity, dtype=float)
    p = np.array(pnl, dtype=float)
    return compute_metrics(e, stamps, c, p, np.full(len(p), 100.0), held, cash=100.0)


def test_drawdown_is_measured_from_the_running_peak() -> None:
    m = metrics_of([100, 120, 90, 130, 117])
    assert m.max_drawdown == pytest.approx(-0.25)
    assert m.total_return == pytest.approx(0.17)


def test_a_year_of_daily_bars_that_doubles_has_a_cagr_of_100_percent() -> None:
    equity = 100 * 2 ** (np.arange(1, 366) / 365)
    m = metrics_of(list(equity))
    assert m.cagr == pytest.approx(1.0, rel=1e-9)
    assert m.calmar == 0.0  # never a drawdown: no meaningful Calmar


def test_win_rate_profit_factor_and_average_trade() -> None:
    m = metrics_of([100, 110, 105, 120], pnl=[10, -5, 15, -5])
    assert m.trades == 4 and m.win_rate == 0.5
    assert m.profit_factor == pytest.approx(25 / 10)
    assert m.avg_trade == pytest.approx(0.0375)


def test_no_losing_trade_means_an_infinite_profit_factor_and_no_trade_means_zero() -> None:
    assert math.isinf(metrics_of([100, 110], pnl=[10]).profit_factor)
    flat = metrics_of([100, 100, 100])
    assert flat.profit_factor == 0 and flat.sharpe == 0 and flat.sortino == 0


def test_sharpe_is_annualised_with_the_bar_length() -> None:
    rng = np.random.default_rng(3)
    equity = 100 * np.cumprod(1 + rng.normal(0.001, 0.01, 1000))
    daily = metrics_of(list(equity))
    hourly = metrics_of(list(equity), step_ms=DAY // 24)
    assert hourly.sharpe == pytest.approx(daily.sharpe * math.sqrt(24))
    assert bars_per_year(np.arange(10) * DAY) == pytest.approx(365)


def test_buy_and_hold_and_exposure() -> None:
    m = metrics_of([100, 100, 100, 100], close=[10, 12, 11, 15], held=3)
    assert m.buy_and_hold == pytest.approx(0.5) and m.exposure == 0.75


def test_objectives() -> None:
    m = metrics_of([100, 120, 90, 130])
    assert objective_value(m, "return") == pytest.approx(0.3)
    assert objective_value(m, "sharpe") == m.sharpe
    assert objective_value(m, "calmar") == m.calmar
