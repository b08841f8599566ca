"""Performance figures of an equity curve and its trades (plain numpy, no pandas).

Returns are per bar; annualised figures use the series' own bar length and a 365-day
year (crypto trades every day). Ratios that have no meaning (no trades, no losses, no
variation) are 0 rather than NaN, except a profit factor with no losing trade (infinite).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["OBJECTIVES", "Metrics", "bars_per_year", "compute_metrics", "objective_value"]

_YEAR_MS = 365.0 * 24 * 3600 * 1000


@dataclass(frozen=True)
class Metrics:
    """The results table of one backtest; returns and drawdowns are fractions (0.12 = 12%)."""

    total_return: float
    cagr: float
    sharpe: float
    sortino: float
    max_drawdown: float
    calmar: float
    win_rate: float
    profit_factor: float
    exposure: float
    trades: int
    avg_trade: float
    buy_and_hold: float
    final_equity: float
    bars: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


OBJECTIVES = ("sharpe", "return", "calmar")


def objective_value(metrics: Metrics, objective: str) -> float:
    """The figure an optimisation maximises."""
    value = {"sharpe": metrics.sharpe, "return": metrics.total_return,
             "calmar": metrics.calmar}[objective]
    return value if math.isfinite(value) else 0.0


def bars_per_year(timestamps_ms: np.ndarray) -> float:
    """How many bars of this series make a year (from the median bar spacing)."""
    if len(timestamps_ms) < 2:
        return 365.0
    step = float(np.median(np.diff(timestamps_ms[: 10_001])))
    return _YEAR_MS / step if step > 0 else 365.0


def compute_metrics(equity: np.ndarray, timestamps_ms: np.ndarray, close: np.ndarray,
                    trade_pnl: np.ndarray, trade_cost: np.ndarray, held_bars: int,
                    cash: float) -> Metrics:
    """Every figure of the results table."""
    n = len(equity)
    final = float(equity[-1]) if n else cash
    total = final / cash - 1.0
    per_year = bars_per_year(timestamps_ms)
    years = n / per_year
    # Capped so that a big move over a few bars reads as astronomical, not as an overflow.
    cagr = (math.exp(min(math.log(final / cash) / years, 700.0)) - 1.0
            if years > 0 and final > 0 else -1.0)
    returns = np.empty(n)
    if n:
        returns[0] = equity[0] / cash - 1.0
        np.divide(equity[1:], equity[:-1], out=returns[1:])
        returns[1:] -= 1.0
    sharpe, sortino = _ratios(returns, per_year)
    peak = np.maximum.accumulate(np.maximum(equity, cash)) if n else np.array([cash])
    drawdown = float(np.min(equity / peak - 1.0)) if n else 0.0
    calmar = cagr / -drawdown if drawdown < 0 else 0.0
    wins = trade_pnl[trade_pnl > 0]
    losses = trade_pnl[trade_pnl < 0]
    count = len(trade_pnl)
    gross_loss = -float(losses.sum())
    profit_factor = (float(wins.sum()) / gross_loss if gross_loss > 0
                     else (math.inf if len(wins) else 0.0))
    return Metrics(
        total_return=total,
        cagr=cagr,
        sharpe=sharpe,
        sortino=sortino,
        max_drawdown=drawdown,
        calmar=calmar,
        win_rate=len(wins) / count if count else 0.0,
        profit_factor=profit_factor,
        exposure=held_bars / n if n else 0.0,
        trades=count,
        avg_trade=float(np.mean(trade_pnl / trade_cost)) if count else 0.0,
        buy_and_hold=float(close[-1] / close[0] - 1.0) if n else 0.0,
        final_equity=final,
        bars=n,
    )


def _ratios(returns: np.ndarray, per_year: float) -> tuple[float, float]:
    if len(returns) < 2:
        return 0.0, 0.0
    mean = float(returns.mean())
    std = float(returns.std(ddof=1))
    downside = float(np.sqrt(np.mean(np.minimum(returns, 0.0) ** 2)))
    scale = math.sqrt(per_year)
    sharpe = mean / std * scale if std > 1e-15 else 0.0
    sortino = mean / downside * scale if downside > 1e-15 else 0.0
    return sharpe, sortino
