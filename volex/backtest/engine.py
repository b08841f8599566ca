"""Backtest one strategy on one series: signals on each close, fills at the next open.

A single-market backtest is a portfolio of one (``volex.backtest.portfolio``, one slot, all
the cash): the same engine and rules as a basket. This module holds the money settings, the
trade log and the result of one market, and computes the metrics. See ``_kernel`` for the
exact fill rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.backtest.metrics import Metrics, compute_metrics
from volex.errors import UserInputError

if TYPE_CHECKING:
    import pandas as pd

    from volex.strategies.base import ParamValue, Strategy

__all__ = [
    "EXIT_REASONS",
    "BacktestConfig",
    "BacktestResult",
    "Bars",
    "TradeLog",
    "bars_from_frame",
    "run_backtest",
    "run_target",
    "slice_bars",
]

EXIT_REASONS = ("signal", "stop_loss", "take_profit", "end")
Bars = dict[str, np.ndarray]


@dataclass(frozen=True)
class BacktestConfig:
    """Money and friction: starting cash, fee per fill, slippage, optional stop and target.

    ``fee`` and the stop/target are fractions (0.001 = 0.1%, 0.05 = 5%).
    """

    cash: float = 10_000.0
    fee: float = 0.001
    slippage_bps: float = 0.0
    stop_loss: float | None = None
    take_profit: float | None = None

    def __post_init__(self) -> None:
        if not self.cash > 0:
            raise UserInputError(f"--cash must be positive, got {self.cash}")
        if not 0 <= self.fee < 0.5:
            raise UserInputError(f"--fee must be a fraction in [0, 0.5), got {self.fee}")
        if not 0 <= self.slippage_bps < 5000:
            raise UserInputError(f"--slippage-bps must be in [0, 5000), got {self.slippage_bps}")
        if self.stop_loss is not None and not 0 < self.stop_loss < 1:
            raise UserInputError("--stop-loss must be a percentage between 0 and 100, got "
                                 f"{self.stop_loss * 100:g}")
        if self.take_profit is not None and not self.take_profit > 0:
            raise UserInputError(f"--take-profit must be a positive percentage, got "
                                 f"{self.take_profit * 100:g}")


@dataclass(frozen=True)
class TradeLog:
    """Every round trip as parallel arrays (cheap even with many thousands of trades)."""

    entry_bar: np.ndarray
    exit_bar: np.ndarray
    entry_price: np.ndarray
    exit_price: np.ndarray
    size: np.ndarray
    pnl: np.ndarray
    reason: np.ndarray
    cost: np.ndarray

    def __len__(self) -> int:
        return len(self.pnl)

    def records(self, timestamps_ms: np.ndarray) -> list[dict[str, Any]]:
        """The trades as JSON-ready dicts, with ISO UTC times."""
        from datetime import UTC, datetime

        def iso(index: int) -> str:
            return datetime.fromtimestamp(int(timestamps_ms[index]) / 1000, UTC).isoformat()

        return [
            {"entry_time": iso(e), "exit_time": iso(x), "entry_bar": int(e), "exit_bar": int(x),
             "entry_price": float(ep), "exit_price": float(xp), "size": float(s),
             "pnl": float(p), "return": float(p / c), "exit_reason": EXIT_REASONS[int(r)]}
            for e, x, ep, xp, s, p, r, c in zip(
                self.entry_bar, self.exit_bar, self.entry_price, self.exit_price, self.size,
                self.pnl, self.reason, self.cost, strict=True)
        ]


@dataclass
class BacktestResult:
    """One backtest: what ran, on what, and how it went."""

    strategy: str
    symbol: str
    params: dict[str, ParamValue]
    config: BacktestConfig
    timestamps: np.ndarray  # epoch ms, bar open times
    close: np.ndarray
    equity: np.ndarray
    trades: TradeLog
    metrics: Metrics
    timeframe: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, with_trades: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "strategy": self.strategy, "symbol": self.symbol, "timeframe": self.timeframe,
            "params": self.params, "first_bar": _iso(self.timestamps[0]),
            "last_bar": _iso(self.timestamps[-1]), "metrics": self.metrics.as_dict(),
            **self.extra,
        }
        if with_trades:
            out["trades"] = self.trades.records(self.timestamps)
        return out


def _iso(ms: int | np.integer) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(ms) / 1000, UTC).isoformat()


def bars_from_frame(candles: pd.DataFrame) -> Bars:
    """The candle columns as contiguous arrays; ``timestamp`` as epoch milliseconds."""
    from volex.domain.candles import frame_to_columns

    if len(candles) < 2:
        raise UserInputError(f"need at least 2 candles to backtest, got {len(candles)}")
    return frame_to_columns(candles)


def slice_bars(bars: Bars, start: int, stop: int) -> Bars:
    return {k: v[start:stop] for k, v in bars.items()}


def run_target(bars: Bars, target: np.ndarray, config: BacktestConfig) -> tuple[
        np.ndarray, TradeLog, Metrics]:
    """Simulate a ready target-position array (1 long / 0 flat) on ``bars``, all cash in."""
    from volex.backtest.portfolio import make_basket, simulate_basket

    run = simulate_basket(make_basket([""], [bars]), [target], config)
    equity, trades = run.equity, run.trades
    metrics = compute_metrics(equity, bars["timestamp"], bars["close"], trades.pnl, trades.cost,
                              run.held_bars, config.cash)
    return equity, trades, metrics


def run_backtest(strategy: Strategy, bars: Bars, params: Mapping[str, ParamValue] | None = None,
                 config: BacktestConfig | None = None, *, symbol: str = "",
                 timeframe: str | None = None) -> BacktestResult:
    """Backtest ``strategy`` with ``params`` (checked against its schema) on ``bars``."""
    config = config or BacktestConfig()
    resolved = strategy.resolve(params)
    equity, trades, metrics = run_target(bars, strategy.targets(bars, resolved), config)
    return BacktestResult(strategy=strategy.name, symbol=symbol, params=resolved, config=config,
                          timestamps=bars["timestamp"], close=bars["close"], equity=equity,
                          trades=trades, metrics=metrics, timeframe=timeframe)
