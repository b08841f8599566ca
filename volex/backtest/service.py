"""What ``volex backtest`` and ``volex optimize`` do, behind the facade.

Candles come through a loader (the facade's ``candles``: file, exchange, cache or the
bundled sample); lifecycle states and saved parameters through a ``StrategyStateStore``.
Parameters resolve as: the template's defaults < saved best parameters < ``--param``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.backtest.engine import (
    BacktestConfig,
    BacktestResult,
    Bars,
    run_backtest,
)
from volex.domain.timeframes import utc_from_ms
from volex.errors import UserInputError
from volex.strategies.lifecycle import (
    StrategyRecord,
    StrategyStateStore,
    mark_backtested,
    record_of,
    save_best_params,
)
from volex.strategies.registry import get_strategy

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from volex.backtest.optimize import OptimizationResult, ProgressFn
    from volex.backtest.walkforward import WalkForwardResult
    from volex.domain.candles import CandleSet
    from volex.portfolio.allocator import AllocationRules
    from volex.strategies.base import Strategy

__all__ = [
    "WALK_FORWARD_GRID_POINTS",
    "BacktestRun",
    "CandleLoader",
    "OptimizeRun",
    "Window",
    "run_backtests",
    "run_optimization",
]

CandleLoader = Callable[[str, str | None, "str | Path | None", "int | None"], "CandleSet"]
StepFn = Callable[[int, int, str], None]
# A walk-forward backtest searches this many grid points per training window at most.
WALK_FORWARD_GRID_POINTS = 200
MAX_DAYS = 36_500  # a century of bars: more is a typo, and would overflow the dates


@dataclass(frozen=True)
class Window:
    """Which bars to test: the last ``days``, or ``since``..``until`` (UTC), or everything."""

    days: float | None = None
    since: datetime | str | None = None
    until: datetime | str | None = None

    def __post_init__(self) -> None:
        if self.days is not None and not 0 < self.days <= MAX_DAYS:  # NaN fails this too
            raise UserInputError(f"--days must be a number of days from 0 to {MAX_DAYS:,}, "
                                 f"not {self.days:g}")

    def bars_needed(self, timeframe: str | None) -> int | None:
        """How many recent bars to ask the data source for (None: its default)."""
        from volex.domain.timeframes import normalize_timeframe, timeframe_ms

        if timeframe is None:
            return None
        step = timeframe_ms(normalize_timeframe(timeframe))
        if self.days is not None:
            return max(2, math.ceil(self.days * 86_400_000 / step))
        if self.since is not None:
            start_ms = epoch_ns(self.since) / 1e6
            return max(2, math.ceil((datetime.now().timestamp() * 1000 - start_ms) / step) + 1)
        return None

    def rows(self, stamps: np.ndarray) -> slice:
        """The rows of sorted epoch-ms ``stamps`` inside the window (at least 2 of them).

        The last ``days`` are the bars less than ``days`` before the last bar; ``since`` and
        ``until`` include their own instant. Computed exactly (fractions of a day included).
        """
        import numpy as np

        if self.days is not None and (self.since is not None or self.until is not None):
            raise UserInputError("use either --days or --since/--until, not both")
        start, stop = 0, len(stamps)
        if self.days is not None and stop:
            after = math.floor(int(stamps[-1]) - Fraction(self.days) * 86_400_000)
            start = int(np.searchsorted(stamps, after, side="right"))
        if self.since is not None:
            first = -(-epoch_ns(self.since) // 1_000_000)  # ceiling: the first whole ms in it
            start = max(start, int(np.searchsorted(stamps, first, side="left")))
        if self.until is not None:
            last = epoch_ns(self.until) // 1_000_000
            stop = int(np.searchsorted(stamps, last, side="right"))
        if stop - start < 2:
            raise UserInputError("fewer than 2 bars in the chosen window; widen --days or "
                                 "--since/--until")
        return slice(start, stop)

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a candle frame inside the window."""
        from volex.domain.candles import frame_timestamps_ms

        return frame.iloc[self.rows(frame_timestamps_ms(frame))].reset_index(drop=True)

    def shortfall(self, available: np.ndarray, used: np.ndarray) -> str | None:
        """A line saying so when the data starts later than the window asked for.

        ``available`` and ``used`` are the epoch-ms timestamps loaded and tested.
        """
        first = int(used[0])
        if self.days is not None:
            asked = int(used[-1]) - Fraction(self.days) * 86_400_000
        elif self.since is not None:
            asked = Fraction(epoch_ns(self.since), 1_000_000)
        else:
            return None
        step = int(used[1]) - first if len(used) > 1 else None
        if step is None or first - asked <= step or first != int(available[0]):
            return None
        return (f"the data starts {utc_from_ms(first):%Y-%m-%d %H:%M} UTC, after the window asked for "
                f"({utc_from_ms(math.floor(asked)):%Y-%m-%d}): {len(used):,} bars tested")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _bad_date(value: object) -> UserInputError:
    return UserInputError(f"bad date {value!r}; use YYYY-MM-DD or an ISO timestamp")


def epoch_ns(value: datetime | str) -> int:
    """A date or timestamp as UTC epoch nanoseconds (one without a zone is taken as UTC).

    ISO 8601 is read without pandas; any other layout pandas reads is still accepted.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            import pandas as pd

            try:
                stamp = pd.Timestamp(value)
            except (ValueError, TypeError, OverflowError):
                raise _bad_date(value) from None
            if stamp is pd.NaT:
                raise _bad_date(value) from None
            return int((stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).value)
    if not isinstance(value, datetime):
        raise _bad_date(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(microseconds=1) * 1000


@dataclass
class BacktestRun:
    """One symbol's backtest, its walk-forward detail if any, and where the data came from."""

    result: BacktestResult
    source: str
    walk_forward: WalkForwardResult | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self, with_trades: bool = True) -> dict[str, Any]:
        out = self.result.to_dict(with_trades)
        out["source"] = self.source
        out["bars"] = len(self.result.timestamps)
        out["notes"] = self.notes
        if self.walk_forward is not None:
            out["walk_forward"] = self.walk_forward.summary()
        return out


@dataclass
class OptimizeRun:
    result: OptimizationResult
    source: str
    walk_forward: WalkForwardResult | None = None
    saved: StrategyRecord | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = self.result.to_dict()
        out["source"] = self.source
        out["notes"] = self.notes
        if self.walk_forward is not None:
            wf = self.walk_forward
            out["walk_forward"] = {**wf.summary(),
                                   "out_of_sample_metrics": wf.out_of_sample.metrics.as_dict()}
        if self.saved is not None:
            out["saved_params"] = self.saved.best_params
        return out


def _load(loader: CandleLoader, symbol: str, timeframe: str | None, data: str | Path | None,
          window: Window) -> tuple[Bars, CandleSet]:
    candles = loader(symbol, timeframe, data, None if data else window.bars_needed(timeframe))
    columns = candles.columns
    rows = window.rows(columns["timestamp"])
    bars: Bars = {name: values[rows] for name, values in columns.items()}
    short = window.shortfall(columns["timestamp"], bars["timestamp"])
    if short:
        candles.notes.append(short)
    # the header and --json count the bars tested, not the bars loaded
    candles.source = candles.source.model_copy(update={
        "bars": len(bars["timestamp"]), "first": utc_from_ms(int(bars["timestamp"][0])),
        "last": utc_from_ms(int(bars["timestamp"][-1]))})
    if data is not None and timeframe is None:
        from volex.ml.features import infer_timeframe

        candles.timeframe = infer_timeframe(bars["timestamp"][:10_001])
    return bars, candles


def run_backtests(loader: CandleLoader, store: StrategyStateStore, strategy_name: str,
                  symbols: list[str], *, timeframe: str | None = None, window: Window = Window(),
                  data: str | Path | None = None, params: Mapping[str, Any] | None = None,
                  config: BacktestConfig | None = None, walk_forward: int | None = None,
                  strategy_file: str | Path | None = None, objective: str = "sharpe",
                  on_step: StepFn | None = None) -> list[BacktestRun]:
    """Backtest one strategy on each symbol; a draft strategy becomes ``backtested``."""
    strategy = get_strategy(strategy_name, strategy_file)
    config = config or BacktestConfig()
    saved = record_of(store, strategy.name).best_params
    resolved = strategy.resolve(params, base=saved)
    if not symbols:
        raise UserInputError("name at least one SYMBOL to backtest")
    runs = []
    steps = len(symbols) * (walk_forward or 1)
    for i, symbol in enumerate(symbols):
        if on_step:
            on_step(i * (walk_forward or 1), steps, f"loading {symbol}")
        bars, candles = _load(loader, symbol, timeframe, data, window)
        if walk_forward:
            def fold_step(j: int, k: int, symbol: str = symbol, first: int = i * walk_forward
                          ) -> None:
                if on_step:
                    on_step(first + j, steps, f"{symbol}: walk-forward fold {j + 1}/{k}")

            walk = _walk(strategy, bars, walk_forward, config, objective, params, candles,
                         fold_step, method="grid", trials=WALK_FORWARD_GRID_POINTS)
            result = walk.out_of_sample
        else:
            walk = None
            result = run_backtest(strategy, bars, resolved, config, symbol=candles.symbol,
                                  timeframe=candles.timeframe)
        runs.append(BacktestRun(result, candles.source.describe(), walk, list(candles.notes)))
    if on_step:
        on_step(steps, steps, "done")
    mark_backtested(store, strategy.name)
    return runs


def _walk(strategy: Strategy, bars: Bars, k: int, config: BacktestConfig, objective: str,
          fixed: Mapping[str, Any] | None, candles: CandleSet, on_fold: Callable[[int, int], Any],
          *, method: str, trials: int | None, jobs: int = 1) -> WalkForwardResult:
    from volex.backtest.optimize import optimize
    from volex.backtest.walkforward import walk_forward

    def search(train: Bars) -> dict[str, Any]:
        return optimize(strategy, train, method=method, trials=trials, objective=objective,
                        config=config, jobs=jobs, fixed=fixed).best.params

    return walk_forward(strategy, bars, k, search, config=config, objective=objective,
                        symbol=candles.symbol, timeframe=candles.timeframe, on_fold=on_fold)


def run_optimization(loader: CandleLoader, store: StrategyStateStore | None, strategy_name: str,
                     symbol: str | list[str], *, timeframe: str | None = None,
                     window: Window = Window(), data: str | Path | None = None,
                     method: str = "grid", trials: int | None = None, objective: str = "sharpe",
                     walk_forward: int | None = None, jobs: int = 1, storage: str | None = None,
                     study: str | None = None, fixed: Mapping[str, Any] | None = None,
                     config: BacktestConfig | None = None, save: bool = False,
                     strategy_file: str | Path | None = None,
                     on_progress: ProgressFn | None = None,
                     portfolio: AllocationRules | None = None) -> OptimizeRun:
    """Search the parameters of one strategy on one symbol; optionally save the best.

    With ``portfolio`` (allocation rules), ``symbol`` may name several markets, and one
    parameter set is searched for the whole basket traded from one account.
    ``store`` is only used to save (``save=True``), so it may be None otherwise.
    """
    from volex.backtest.optimize import check_search, optimize

    strategy = get_strategy(strategy_name, strategy_file)
    config = config or BacktestConfig()
    check_search(method, objective, trials, jobs)
    if study is not None and storage is None:
        raise UserInputError("--study needs --storage (the database the study lives in)")
    fixed = {k: strategy.param(k).coerce(v) for k, v in (fixed or {}).items()}
    symbols = [symbol] if isinstance(symbol, str) else list(symbol)
    if portfolio is None and len(symbols) != 1:
        raise UserInputError("optimize one SYMBOL, or several with --portfolio")
    walk_method = method if storage is None else "grid"
    walk_trials = trials or WALK_FORWARD_GRID_POINTS
    if portfolio is not None:
        from volex.backtest.portfolio_service import load_portfolio, portfolio_walk

        loaded = load_portfolio(loader, symbols, portfolio, timeframe=timeframe, window=window,
                                data=data)
        target: Any = loaded.portfolio
        name, source, notes = loaded.portfolio.symbol, loaded.describe(), loaded.notes
    else:
        target, candles = _load(loader, symbols[0], timeframe, data, window)
        name, source, notes = candles.symbol, candles.source.describe(), list(candles.notes)
    result = optimize(strategy, target, method=method, trials=trials, objective=objective,
                      config=config, jobs=jobs, storage=storage, study_name=study, fixed=fixed,
                      symbol=name, on_progress=on_progress)
    walk = None
    if walk_forward and portfolio is not None:
        walk = portfolio_walk(strategy, target, walk_forward, config, objective, fixed,
                              lambda j, k: None, method=walk_method, trials=walk_trials,
                              jobs=jobs, timeframe=loaded.timeframe)
    elif walk_forward:
        walk = _walk(strategy, target, walk_forward, config, objective, fixed, candles,
                     lambda j, k: None, method=walk_method, trials=walk_trials, jobs=jobs)
    saved = None
    if save:
        if store is None:
            raise ValueError("save=True needs a strategy store")
        saved = save_best_params(store, strategy.name, result.best.params, objective,
                                 result.best.value)
    return OptimizeRun(result, source, walk, saved, notes)
