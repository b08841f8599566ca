"""A portfolio backtest's result: the account's curves and metrics, each market's share.

``Portfolio`` (a basket with its allocation rules) is what ``optimize`` and walk-forward
search over when the user asks for ``--portfolio``: it scores a parameter set on the whole
basket, so one parameter set is chosen for every market together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.backtest.engine import BacktestConfig, _iso
from volex.backtest.metrics import Metrics, compute_metrics
from volex.backtest.portfolio import (
    Basket,
    PortfolioLog,
    Refusals,
    Simulation,
    simulate_basket,
)
from volex.portfolio.allocator import REFUSALS, AllocationRules

if TYPE_CHECKING:
    from volex.strategies.base import ParamValue, Strategy

__all__ = ["Portfolio", "PortfolioResult", "hold_index", "run_portfolio"]


@dataclass
class PortfolioResult:
    """One account over a basket: what ran, on what, and how it went."""

    strategy: str
    symbols: tuple[str, ...]
    params: dict[str, ParamValue]
    config: BacktestConfig
    rules: AllocationRules
    timestamps: np.ndarray  # the clock, epoch ms
    equity: np.ndarray
    exposure: np.ndarray  # share of equity in positions at each close
    open_positions: np.ndarray
    hold: np.ndarray  # equal-weight buy and hold of the basket, 1.0 at the start
    trades: PortfolioLog
    refused: Refusals
    metrics: Metrics
    timeframe: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def stats(self) -> dict[str, Any]:
        """The figures a portfolio adds to the results table."""
        reasons = [REFUSALS[int(c)] for c in self.refused.code]
        return {"max_open_positions": int(self.open_positions.max(initial=0)),
                "time_in_market": self.metrics.exposure,
                "average_exposure": float(self.exposure.mean()) if len(self.exposure) else 0.0,
                "refused_signals": len(self.refused),
                "refused_by_reason": {r: reasons.count(r) for r in sorted(set(reasons))}}

    def markets(self) -> list[dict[str, Any]]:
        """Per market: trades, win rate, PnL, its contribution to the return, holding time."""
        rows = []
        log, cash = self.trades, self.config.cash
        for m, symbol in enumerate(self.symbols):
            mine = log.market == m
            pnl = log.pnl[mine]
            held = (self.timestamps[log.exit_bar[mine]] - self.timestamps[log.entry_bar[mine]])
            rows.append({"symbol": symbol, "trades": int(mine.sum()),
                         "win_rate": float((pnl > 0).mean()) if len(pnl) else 0.0,
                         "pnl": float(pnl.sum()), "contribution": float(pnl.sum() / cash),
                         "avg_hold_hours": float(held.mean() / 3_600_000) if len(held) else 0.0,
                         "refused": int((self.refused.market == m).sum())})
        return rows

    def to_dict(self, with_trades: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "strategy": self.strategy, "symbols": list(self.symbols),
            "timeframe": self.timeframe, "params": self.params, "portfolio": self.rules.as_dict(),
            "first_bar": _iso(self.timestamps[0]), "last_bar": _iso(self.timestamps[-1]),
            "metrics": self.metrics.as_dict(), "portfolio_metrics": self.stats(),
            "markets": self.markets(), **self.extra,
        }
        if with_trades:
            out["trades"] = self.trades.records(self.timestamps, self.symbols)
            out["refused_signals"] = self.refused.records(self.timestamps, self.symbols)
        return out


def hold_index(basket: Basket) -> np.ndarray:
    """Equal weights in every market, bought at its first close and held (1.0 at the start)."""
    clock = len(basket.timestamps)
    total = np.zeros(clock)
    for own, where in zip(basket.bars, basket.positions, strict=True):
        relative = np.ones(clock)
        step = np.zeros(clock, dtype=np.int64)
        step[where] = np.arange(1, len(where) + 1)
        seen = np.maximum.accumulate(step)  # bars of this market seen so far
        known = seen > 0
        relative[known] = own["close"][seen[known] - 1] / own["close"][0]
        total += relative
    return total / len(basket)


def result_of(strategy: Strategy, basket: Basket, params: Mapping[str, ParamValue],
              config: BacktestConfig, rules: AllocationRules, sim: Simulation,
              timeframe: str | None = None) -> PortfolioResult:
    """Name a simulation's arrays and compute its metrics."""
    hold = hold_index(basket)
    metrics = compute_metrics(sim.equity, basket.timestamps, hold, sim.trades.pnl,
                              sim.trades.cost, sim.held_bars, config.cash)
    return PortfolioResult(strategy.name, basket.symbols, dict(params), config, rules,
                           basket.timestamps, sim.equity, sim.exposure, sim.open_positions,
                           hold, sim.trades, sim.refused, metrics, timeframe)


def run_portfolio(strategy: Strategy, basket: Basket, params: Mapping[str, ParamValue],
                  config: BacktestConfig, rules: AllocationRules,
                  timeframe: str | None = None) -> PortfolioResult:
    """Backtest ``strategy`` with ``params`` on every market of ``basket``, one account."""
    targets = [strategy.targets(own, params) for own in basket.bars]
    sim = simulate_basket(basket, targets, config, rules)
    return result_of(strategy, basket, params, config, rules, sim, timeframe)


@dataclass(frozen=True)
class Portfolio:
    """A basket and its allocation rules: what a portfolio optimisation scores."""

    basket: Basket
    rules: AllocationRules

    def metrics(self, strategy: Strategy, params: Mapping[str, ParamValue],
                config: BacktestConfig) -> Metrics:
        return run_portfolio(strategy, self.basket, params, config, self.rules).metrics

    def between(self, start: int, stop: int) -> Portfolio:
        return Portfolio(self.basket.between(start, stop), self.rules)

    @property
    def symbol(self) -> str:
        return ",".join(self.basket.symbols)
