"""Walk-forward for a portfolio: the single-market rules of ``walkforward``, on one clock.

The clock is cut into ``k + 1`` blocks; fold j optimises one parameter set for the whole
basket on block j and trades block j + 1 with it (indicators warm up on block j, so every
market trades from the block's first bar). Each test block starts with the equity the last
one ended with (positions are closed at a block's end, as at any backtest's end).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from volex.backtest.metrics import Metrics, compute_metrics, objective_value
from volex.backtest.portfolio import Basket, PortfolioLog, Refusals, Simulation, simulate_basket
from volex.backtest.portfolio_result import Portfolio, PortfolioResult, hold_index, result_of
from volex.backtest.walkforward import WalkForwardFold, WalkForwardResult, _blocks

if TYPE_CHECKING:
    from volex.backtest.engine import BacktestConfig
    from volex.backtest.walkforward import Search
    from volex.strategies.base import ParamValue, Strategy

__all__ = ["portfolio_walk_forward"]


@dataclass
class _Chain:
    """Test blocks traded one after another, their markets renamed to the span's."""

    cash: float
    symbols: tuple[str, ...]
    parts: list[Simulation] = field(default_factory=list)

    def add(self, basket: Basket, targets: list[np.ndarray], config: BacktestConfig,
            portfolio: Portfolio, offset: int) -> Metrics:
        start = float(self.parts[-1].equity[-1] if self.parts else self.cash)
        sim = simulate_basket(basket, targets, replace(config, cash=start), portfolio.rules)
        index = np.array([self.symbols.index(s) for s in basket.symbols], dtype=np.int64)
        trades = replace(sim.trades, entry_bar=sim.trades.entry_bar + offset,
                         exit_bar=sim.trades.exit_bar + offset, market=index[sim.trades.market])
        refused = Refusals(index[sim.refused.market], sim.refused.bar + offset, sim.refused.code)
        self.parts.append(replace(sim, trades=trades, refused=refused))
        return _metrics(sim, basket, start)

    def joined(self) -> Simulation:
        def cat(items: list) -> np.ndarray:
            return np.concatenate(items)

        logs = [p.trades for p in self.parts]
        trades = PortfolioLog(**{f: cat([getattr(x, f) for x in logs])
                                 for f in PortfolioLog.__dataclass_fields__})
        refused = Refusals(*(cat([getattr(p.refused, f) for p in self.parts])
                             for f in ("market", "bar", "code")))
        return Simulation(cat([p.equity for p in self.parts]), cat([p.exposure for p in self.parts]),
                          cat([p.open_positions for p in self.parts]), trades, refused,
                          sum(p.held_bars for p in self.parts))


def _traded(strategy: Strategy, portfolio: Portfolio, params: dict[str, ParamValue],
            start: int, warm_from: int, stop: int) -> tuple[Basket, list[np.ndarray]]:
    """The basket of clock bars ``[start, stop)`` and targets warmed up from ``warm_from``."""
    warm = portfolio.basket.between(warm_from, stop)
    block = warm.between(start - warm_from, stop - warm_from)
    targets = []
    for symbol in block.symbols:
        m = warm.symbols.index(symbol)
        first = int(np.searchsorted(warm.positions[m], start - warm_from))
        targets.append(strategy.targets(warm.bars[m], params)[first:])
    return block, targets


def portfolio_walk_forward(strategy: Strategy, portfolio: Portfolio, k: int, search: Search, *,
                           config: BacktestConfig, objective: str, timeframe: str | None = None,
                           on_fold: Callable[[int, int], None] | None = None
                           ) -> WalkForwardResult:
    """Optimise on each training block of the clock and trade the block after it."""
    clock = portfolio.basket.timestamps
    edges = _blocks(len(clock), k)
    out_span = portfolio.basket.between(int(edges[1]), int(edges[-1]))
    in_span = portfolio.basket.between(int(edges[0]), int(edges[-2]))
    outer, inner = _Chain(config.cash, out_span.symbols), _Chain(config.cash, in_span.symbols)
    folds = []
    for j in range(k):
        if on_fold:
            on_fold(j, k)
        train_start, test_start, test_end = int(edges[j]), int(edges[j + 1]), int(edges[j + 2])
        train = portfolio.between(train_start, test_start)
        params = dict(search(train))
        in_metrics = inner.add(*_traded(strategy, portfolio, params, train_start, train_start,
                                        test_start), config, portfolio,
                               train_start - int(edges[0]))
        out_metrics = outer.add(*_traded(strategy, portfolio, params, test_start, train_start,
                                         test_end), config, portfolio,
                                test_start - int(edges[1]))
        folds.append(WalkForwardFold(j, (train_start, test_start), (test_start, test_end),
                                     params, objective_value(in_metrics, objective),
                                     objective_value(out_metrics, objective)))
    out: PortfolioResult = result_of(strategy, out_span, {}, config, portfolio.rules,
                                     outer.joined(), timeframe)
    return WalkForwardResult(out_of_sample=out,  # type: ignore[arg-type]
                             in_sample=_metrics(inner.joined(), in_span, config.cash),
                             folds=folds, objective=objective, timestamps=clock)


def _metrics(sim: Simulation, basket: Basket, cash: float) -> Metrics:
    return compute_metrics(sim.equity, basket.timestamps, hold_index(basket), sim.trades.pnl,
                           sim.trades.cost, sim.held_bars, cash)
