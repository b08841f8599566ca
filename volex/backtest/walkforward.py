"""Walk-forward evaluation: optimise on each training window, trade the window after it.

The bars are cut into ``k + 1`` consecutive blocks. Fold j optimises on block j and trades
block j + 1 with the parameters it found; indicators warm up on the training block, so
the test block trades from its first bar. The out-of-sample result stitches the test
blocks together (each starts with the equity the previous one ended with): the only
honest estimate of what the search would have earned. The in-sample figures stitch the
training blocks traded with their own best parameters, for comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.backtest.engine import (
    BacktestConfig,
    BacktestResult,
    Bars,
    TradeLog,
    run_target,
    slice_bars,
)
from volex.backtest.metrics import Metrics, compute_metrics, objective_value
from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.strategies.base import ParamValue, Strategy

__all__ = ["MIN_BLOCK_BARS", "WalkForwardFold", "WalkForwardResult", "walk_forward"]

MIN_BLOCK_BARS = 50
Search = Callable[[Bars], Mapping[str, "ParamValue"]]


@dataclass(frozen=True)
class WalkForwardFold:
    number: int
    train: tuple[int, int]  # bar indices [start, stop)
    test: tuple[int, int]
    params: dict[str, ParamValue]
    in_sample: float  # the objective on the training block
    out_of_sample: float  # the objective on the test block


@dataclass
class WalkForwardResult:
    """The stitched out-of-sample backtest, the stitched in-sample figures and every fold."""

    out_of_sample: BacktestResult
    in_sample: Metrics
    folds: list[WalkForwardFold]
    objective: str
    timestamps: np.ndarray  # of every bar, in which the folds' indices point

    def summary(self) -> dict[str, Any]:
        """Folds and in-sample figures as JSON-ready data."""
        from volex.backtest.engine import _iso

        full = self.timestamps
        return {
            "folds": [
                {"fold": f.number + 1, "params": f.params,
                 "train": [_iso(full[f.train[0]]), _iso(full[f.train[1] - 1])],
                 "test": [_iso(full[f.test[0]]), _iso(full[f.test[1] - 1])],
                 "in_sample": f.in_sample, "out_of_sample": f.out_of_sample}
                for f in self.folds
            ],
            "objective": self.objective,
            "in_sample_metrics": self.in_sample.as_dict(),
        }


@dataclass
class _Chain:
    """Segments traded one after another, each starting from the last one's equity."""

    cash: float
    equity: list[np.ndarray]
    logs: list[TradeLog]
    held: int = 0

    def add(self, bars: Bars, target: np.ndarray, config: BacktestConfig, offset: int) -> Metrics:
        start_cash = self.equity[-1][-1] if self.equity else self.cash
        equity, log, metrics = run_target(bars, target, replace(config, cash=float(start_cash)))
        self.equity.append(equity)
        self.logs.append(replace(log, entry_bar=log.entry_bar + offset,
                                 exit_bar=log.exit_bar + offset))
        self.held += round(metrics.exposure * metrics.bars)
        return metrics

    def joined(self) -> tuple[np.ndarray, TradeLog]:
        fields = TradeLog.__dataclass_fields__
        log = TradeLog(**{f: np.concatenate([getattr(x, f) for x in self.logs]) for f in fields})
        return np.concatenate(self.equity), log


def _blocks(n: int, k: int) -> np.ndarray:
    if k < 1:
        raise UserInputError(f"--walk-forward needs at least 1 fold, got {k}")
    edges = np.linspace(0, n, k + 2).astype(int)
    if np.min(np.diff(edges)) < MIN_BLOCK_BARS:
        raise UserInputError(f"{n} bars are too few for {k} walk-forward folds (each of the "
                             f"{k + 1} blocks needs at least {MIN_BLOCK_BARS} bars)")
    return edges


def walk_forward(strategy: Strategy, bars: Bars, k: int, search: Search, *,
                 config: BacktestConfig, objective: str, symbol: str = "",
                 timeframe: str | None = None,
                 on_fold: Callable[[int, int], None] | None = None) -> WalkForwardResult:
    """Optimise with ``search`` on each training block and trade the following block."""
    edges = _blocks(len(bars["close"]), k)
    outer, inner = _Chain(config.cash, [], []), _Chain(config.cash, [], [])
    folds = []
    for j in range(k):
        if on_fold:
            on_fold(j, k)
        train_start, test_start, test_end = int(edges[j]), int(edges[j + 1]), int(edges[j + 2])
        train = slice_bars(bars, train_start, test_start)
        params = dict(search(train))
        in_metrics = inner.add(train, strategy.targets(train, params), config,
                               train_start - int(edges[0]))
        warm = slice_bars(bars, train_start, test_end)
        target = strategy.targets(warm, params)[test_start - train_start:]
        out_metrics = outer.add(slice_bars(bars, test_start, test_end), target, config,
                                test_start - int(edges[1]))
        folds.append(WalkForwardFold(j, (train_start, test_start), (test_start, test_end),
                                     params, objective_value(in_metrics, objective),
                                     objective_value(out_metrics, objective)))
    return WalkForwardResult(
        out_of_sample=_stitched(outer, slice_bars(bars, int(edges[1]), int(edges[-1])), strategy,
                                config, symbol, timeframe),
        in_sample=_metrics(inner, slice_bars(bars, int(edges[0]), int(edges[-2])), config),
        folds=folds, objective=objective, timestamps=bars["timestamp"])


def _metrics(chain: _Chain, span: Bars, config: BacktestConfig) -> Metrics:
    equity, log = chain.joined()
    return compute_metrics(equity, span["timestamp"], span["close"], log.pnl, log.cost,
                           chain.held, config.cash)


def _stitched(chain: _Chain, span: Bars, strategy: Strategy, config: BacktestConfig,
              symbol: str, timeframe: str | None) -> BacktestResult:
    equity, log = chain.joined()
    metrics = compute_metrics(equity, span["timestamp"], span["close"], log.pnl, log.cost,
                              chain.held, config.cash)
    return BacktestResult(strategy=strategy.name, symbol=symbol, params={}, config=config,
                          timestamps=span["timestamp"], close=span["close"], equity=equity,
                          trades=log, metrics=metrics, timeframe=timeframe)
