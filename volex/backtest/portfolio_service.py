"""What ``volex backtest ... --portfolio`` and ``volex optimize ... --portfolio`` do.

Each symbol is loaded as for a single backtest (file, exchange, cache or the bundled
sample, the same ``Window``), then the markets are lined up on one clock and traded from one
account under the allocation rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.backtest.engine import BacktestConfig
from volex.backtest.portfolio import make_basket
from volex.backtest.portfolio_result import Portfolio, PortfolioResult, run_portfolio
from volex.backtest.service import WALK_FORWARD_GRID_POINTS, CandleLoader, StepFn, Window, _load
from volex.errors import UserInputError
from volex.portfolio.allocator import AllocationRules
from volex.strategies.lifecycle import StrategyStateStore, mark_backtested, record_of
from volex.strategies.registry import get_strategy

if TYPE_CHECKING:
    from volex.backtest.walkforward import WalkForwardResult
    from volex.strategies.base import Strategy

__all__ = ["LoadedPortfolio", "PortfolioRun", "load_portfolio", "portfolio_walk",
           "run_portfolio_backtest"]


@dataclass
class LoadedPortfolio:
    portfolio: Portfolio
    sources: dict[str, str]
    timeframe: str | None
    notes: list[str]

    def describe(self) -> str:
        kinds = sorted(set(self.sources.values()))
        return kinds[0] if len(kinds) == 1 else "; ".join(kinds)


@dataclass
class PortfolioRun:
    """A portfolio backtest, its walk-forward detail if any, and where the data came from."""

    result: PortfolioResult
    source: str
    walk_forward: WalkForwardResult | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self, with_trades: bool = True) -> dict[str, Any]:
        out = self.result.to_dict(with_trades)
        out["source"] = self.source
        if self.walk_forward is not None:
            out["walk_forward"] = self.walk_forward.summary()
        return out


def load_portfolio(loader: CandleLoader, symbols: list[str], rules: AllocationRules, *,
                   timeframe: str | None, window: Window, data: str | Path | None,
                   on_step: StepFn | None = None) -> LoadedPortfolio:
    """Load every symbol's candles and line them up on one clock."""
    if not symbols:
        raise UserInputError("name at least one SYMBOL for the portfolio")
    if data is not None and len(symbols) > 1:
        raise UserInputError("--data holds one market; a portfolio of several loads each "
                             "symbol from the exchange, the cache or the bundled sample")
    names, bars, sources, notes = [], [], {}, []
    frame = None
    for i, symbol in enumerate(symbols):
        if on_step:
            on_step(i, len(symbols), f"loading {symbol}")
        own, candles = _load(loader, symbol, timeframe, data, window)
        if candles.symbol in sources:
            raise UserInputError(f"{candles.symbol} is named twice")
        names.append(candles.symbol)
        bars.append(own)
        sources[candles.symbol] = candles.source.describe()
        notes.extend(f"{candles.symbol}: {n}" for n in candles.notes)
        frame = frame or candles.timeframe
    return LoadedPortfolio(Portfolio(make_basket(names, bars), rules), sources, frame, notes)


def portfolio_walk(strategy: Strategy, portfolio: Portfolio, k: int, config: BacktestConfig,
                   objective: str, fixed: Mapping[str, Any] | None,
                   on_fold: Callable[[int, int], Any], *, method: str, trials: int | None,
                   jobs: int = 1, timeframe: str | None = None) -> WalkForwardResult:
    """Walk-forward over the whole basket: one parameter set per fold for every market."""
    from volex.backtest.optimize import optimize
    from volex.backtest.portfolio_walkforward import portfolio_walk_forward

    def search(train: Portfolio) -> dict[str, Any]:
        return optimize(strategy, train, method=method, trials=trials, objective=objective,
                        config=config, jobs=jobs, fixed=fixed).best.params

    return portfolio_walk_forward(strategy, portfolio, k, search, config=config,
                                  objective=objective, timeframe=timeframe, on_fold=on_fold)


def run_portfolio_backtest(loader: CandleLoader, store: StrategyStateStore, strategy_name: str,
                           symbols: list[str], rules: AllocationRules, *,
                           timeframe: str | None = None, window: Window | None = None,
                           data: str | Path | None = None,
                           params: Mapping[str, Any] | None = None,
                           config: BacktestConfig | None = None,
                           walk_forward: int | None = None,
                           strategy_file: str | Path | None = None, objective: str = "sharpe",
                           on_step: StepFn | None = None) -> PortfolioRun:
    """Backtest one strategy over every symbol from one account; a draft becomes backtested."""
    strategy = get_strategy(strategy_name, strategy_file)
    config = config or BacktestConfig()
    resolved = strategy.resolve(params, base=record_of(store, strategy.name).best_params)
    loaded = load_portfolio(loader, symbols, rules, timeframe=timeframe,
                            window=window or Window(), data=data, on_step=on_step)
    walk = None
    if walk_forward:
        def fold_step(j: int, k: int) -> None:
            if on_step:
                on_step(j, k, f"walk-forward fold {j + 1}/{k}")

        walk = portfolio_walk(strategy, loaded.portfolio, walk_forward, config, objective,
                              params, fold_step, method="grid", trials=WALK_FORWARD_GRID_POINTS,
                              timeframe=loaded.timeframe)
        result = walk.out_of_sample
    else:
        result = run_portfolio(strategy, loaded.portfolio.basket, resolved, config, rules,
                               loaded.timeframe)
    mark_backtested(store, strategy.name)
    return PortfolioRun(result, loaded.describe(), walk, loaded.notes)  # type: ignore[arg-type]
