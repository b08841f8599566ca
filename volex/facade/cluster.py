"""Heavy work on an executor: `volex optimize|backtest --cluster` (Dask, or a local pool).

A backtest over many markets is one piece per market (its walk-forward folds included),
each an ordinary service call (``run_backtests``) on a worker with the candles and the
strategy's saved parameters this machine read; the lifecycle is updated here afterwards.

A grid search is cut into slices, one per value of the strategy's first free parameter;
each slice is an ordinary service call (``run_optimization``) on a worker, with the candles
this machine loaded. The merged trials are ordered exactly as one local search orders them
(value, then grid order), so the result is the same with and without the cluster. A study
in RDB storage (Optuna) keeps that storage: each worker runs its share of the trials
against it, and the answer covers every finished trial.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from volex.errors import UserInputError
from volex.facade.strategies import StrategyFacade

if TYPE_CHECKING:
    from volex.backtest.engine import BacktestConfig
    from volex.backtest.service import BacktestRun, OptimizeRun, Window
    from volex.domain.candles import CandleSet
    from volex.ml import ModelMetadata, ModelSpec
    from volex.ml.predict import TrainedModel
    from volex.strategies.lifecycle import StrategyRecord

__all__ = ["ClusterFacade", "Market", "Slice", "Training", "run_market", "run_slice",
           "run_training"]


@dataclass(frozen=True)
class Slice:
    """One piece of a search, everything a worker needs (it must pickle)."""

    strategy: str
    strategy_file: str | None
    candles: CandleSet
    window: Window
    fixed: dict[str, Any]
    config: BacktestConfig
    objective: str
    method: str = "grid"
    trials: int | None = None
    storage: str | None = None
    study: str | None = None


@dataclass(frozen=True)
class Market:
    """One market's backtest, everything a worker needs (it must pickle)."""

    strategy: str
    strategy_file: str | None
    record: StrategyRecord
    candles: CandleSet
    window: Window
    params: dict[str, Any] | None
    config: BacktestConfig
    walk_forward: int | None


class _Saved:
    """The strategy's record as this machine read it; a worker changes no lifecycle."""

    def __init__(self, record: StrategyRecord) -> None:
        self.record = record

    def get(self, name: str) -> StrategyRecord | None:
        return self.record if name == self.record.name else None

    def put(self, record: StrategyRecord) -> None:
        """Ignored: the client marks the strategy backtested once every market is done."""

    def all(self) -> list[StrategyRecord]:
        return [self.record]


def run_market(piece: Market) -> BacktestRun:
    """Backtest one market through the service (on a worker)."""
    from volex.backtest.service import run_backtests

    [run] = run_backtests(_Preloaded(piece.candles), _Saved(piece.record), piece.strategy,
                          [piece.candles.symbol], timeframe=piece.candles.timeframe,
                          window=piece.window, params=piece.params, config=piece.config,
                          walk_forward=piece.walk_forward, strategy_file=piece.strategy_file)
    return run


@dataclass(frozen=True)
class Training:
    """One market's model training, everything a worker needs (it must pickle)."""

    candles: CandleSet
    spec: ModelSpec


def run_training(piece: Training) -> TrainedModel:
    """Evaluate walk-forward and fit one market's model (on a worker); saved by the client."""
    from volex.ml import train_model

    return train_model(piece.candles.frame, piece.candles.symbol, piece.candles.timeframe,
                       spec=piece.spec)


class _Preloaded:
    """A candle loader that returns the candles the client already loaded."""

    def __init__(self, candles: CandleSet) -> None:
        self.candles = candles

    def __call__(self, *_: object) -> CandleSet:
        return self.candles


def run_slice(piece: Slice) -> OptimizeRun | None:
    """Run one slice through the service (on a worker); None when no point of it is valid."""
    from volex.backtest.service import run_optimization

    try:
        return run_optimization(_Preloaded(piece.candles), None, piece.strategy,
                                piece.candles.symbol, timeframe=piece.candles.timeframe,
                                window=piece.window, method=piece.method, trials=piece.trials,
                                objective=piece.objective, storage=piece.storage,
                                study=piece.study, fixed=piece.fixed, config=piece.config,
                                strategy_file=piece.strategy_file)
    except UserInputError as exc:
        if "no grid point satisfies" in str(exc):
            return None
        raise


class ClusterFacade(StrategyFacade):
    """StrategyFacade's optimize, or the same search spread over ``--cluster``."""

    def optimize(self, strategy: str, symbol: str, *, cluster: str | None = None,
                 **options: Any) -> OptimizeRun:
        """As StrategyFacade.optimize; with ``cluster`` (or ``[cluster] address``) the search
        runs on that executor: ``local[:N]`` processes or a Dask scheduler address."""
        where = cluster or self.settings.cluster.address
        if where is None or (cluster is None and options.get("portfolio") is not None):
            return super().optimize(strategy, symbol, **options)
        if options.get("portfolio") is not None:
            raise UserInputError("a --portfolio search runs on this machine: drop --cluster")
        return self._optimize_on(where, strategy, symbol, **options)

    def train_models(self, symbols: list[str], timeframe: str | None = None, *,
                     model: str | None = None, offline: bool | None = None,
                     cluster: str | None = None) -> list[ModelMetadata]:
        """Train one model per market, on ``cluster`` (or ``[cluster] address``) when given,
        else one after another here; each is saved here as `volex model train` saves it."""
        from volex.adapters.executor import build_executor
        from volex.ml import ModelRegistry, ModelSpec
        from volex.ml.training import TRAINING_BARS

        where = cluster or self.settings.cluster.address
        if where is None:
            return [self.train_model(s, timeframe, model=model, offline=offline) for s in symbols]
        spec = ModelSpec.from_settings(self.settings, kind=model)
        pieces = [Training(self.candles(s, timeframe, offline=offline, bars=TRAINING_BARS), spec)
                  for s in dict.fromkeys(symbols)]
        registry = ModelRegistry(self.settings.home / "models")
        executor = build_executor(where)
        saved = []
        try:
            for trained in executor.map(run_training, pieces):
                registry.save(trained)
                saved.append(trained.metadata)
        finally:
            executor.close()
        return saved

    def backtest(self, strategy: str, symbols: list[str], *, cluster: str | None = None,
                 **options: Any) -> list[BacktestRun]:
        """As StrategyFacade.backtest; with ``cluster`` each market runs on a worker."""
        where = cluster or self.settings.cluster.address
        if where is None:
            return super().backtest(strategy, symbols, **options)
        return self._backtest_on(where, strategy, symbols, **options)

    def _backtest_on(self, where: str, strategy: str, symbols: list[str], *,
                     timeframe: str | None = None, days: float | None = None, since: Any = None,
                     until: Any = None, data: Any = None, params: dict[str, Any] | None = None,
                     cash: float | None = None, fee: float | None = None,
                     slippage_bps: float = 0.0, stop_loss_pct: float | None = None,
                     take_profit_pct: float | None = None, walk_forward: int | None = None,
                     strategy_file: Any = None, offline: bool | None = None,
                     on_step: Any = None) -> list[BacktestRun]:
        from volex.adapters.executor import build_executor
        from volex.backtest.service import Window
        from volex.strategies.lifecycle import mark_backtested, record_of
        from volex.strategies.registry import get_strategy

        if not symbols:
            raise UserInputError("name at least one SYMBOL to backtest")
        found = get_strategy(strategy, strategy_file)
        window, load = Window(days, since, until), self._candle_loader(offline)
        config = self._backtest_config(cash, fee, slippage_bps, stop_loss_pct, take_profit_pct)
        record = record_of(self.strategy_store, found.name)
        pieces = [Market(found.name, str(strategy_file) if strategy_file else None, record,
                         _candles(load, symbol, timeframe, data, window), window, params,
                         config, walk_forward) for symbol in symbols]
        executor = build_executor(where)
        runs: list[BacktestRun] = []
        try:
            for run in executor.map(run_market, pieces):
                runs.append(run)
                if on_step:
                    on_step(len(runs), len(pieces), run.result.symbol)
        finally:
            executor.close()
        mark_backtested(self.strategy_store, found.name)
        return runs

    def _optimize_on(self, where: str, strategy: str, symbol: str, *,
                     timeframe: str | None = None, days: float | None = None,
                     since: Any = None, until: Any = None, data: Any = None,
                     method: str = "grid", trials: int | None = None, objective: str = "sharpe",
                     walk_forward: int | None = None, jobs: int = 1, storage: str | None = None,
                     study: str | None = None, params: dict[str, Any] | None = None,
                     cash: float | None = None, fee: float | None = None,
                     slippage_bps: float = 0.0, save: bool = False,
                     strategy_file: Any = None, offline: bool | None = None,
                     on_progress: Any = None, portfolio: Any = None) -> OptimizeRun:
        from volex.adapters.executor import build_executor
        from volex.backtest.optimize import OptimizationResult, check_search
        from volex.backtest.service import OptimizeRun, Window
        from volex.strategies.registry import get_strategy

        check_search(method, objective, trials, jobs)
        if portfolio is not None:
            raise UserInputError("a --portfolio search does not run on a cluster yet: drop "
                                 "--cluster")
        if walk_forward:
            raise UserInputError("--walk-forward does not run on a cluster yet: drop --cluster")
        if storage is None and (method != "grid" or trials is not None):
            raise UserInputError("on a cluster, a sampled or Bayesian search needs --storage "
                                 "(the study its workers share); a full grid needs neither")
        found = get_strategy(strategy, strategy_file)
        fixed = {k: found.param(k).coerce(v) for k, v in (params or {}).items()}
        window = Window(days, since, until)
        candles = _candles(self._candle_loader(offline), symbol, timeframe, data, window)
        base = Slice(found.name, str(strategy_file) if strategy_file else None, candles, window,
                     fixed, self._backtest_config(cash, fee, slippage_bps), objective, method,
                     storage=storage, study=study)
        pieces = _pieces(base, found, fixed, trials, max(jobs, 2))
        executor = build_executor(where)
        runs, done = [], 0
        try:
            for run in executor.map(run_slice, pieces):
                runs.append(run)
                done += 1
                if on_progress and run is not None:
                    on_progress(done, len(pieces), run.result.best)
        finally:
            executor.close()
        kept = [r for r in runs if r is not None]
        if not kept:
            raise UserInputError(f"{found.name}: no grid point satisfies the constraints")
        skipped = repeated = 0
        if storage is None:
            trials_found = [t for r in kept for t in r.result.trials]
        else:  # a worker's answer is the study as it saw it: read it once all are done
            from volex.backtest.studies import default_study_name, read_study

            trials_found, skipped, repeated = read_study(
                storage, study or default_study_name(found.name, method))
        trials_found.sort(key=lambda t: t.value, reverse=True)
        result = OptimizationResult(found.name, kept[0].result.symbol, method, objective,
                                    trials_found, study=study if storage else None,
                                    extra={"skipped_by_constraints": skipped,
                                           "repeated_points": repeated,
                                           "ran_on": executor.where})
        saved = self._save_best(found.name, result, objective) if save else None
        return OptimizeRun(result, kept[0].source, None, saved, kept[0].notes)

    def _save_best(self, name: str, result: Any, objective: str) -> Any:
        from volex.strategies.lifecycle import save_best_params

        saved = save_best_params(self.strategy_store, name, result.best.params, objective,
                                 result.best.value)
        self.runtime.store.audit.record(self.actor, "strategy.params", name,
                                        details={"params": saved.best_params,
                                                 "objective": objective})
        return saved


def _candles(load: Any, symbol: str, timeframe: str | None, data: Any,
             window: Window) -> CandleSet:
    """What the service would load for ``symbol``; a file's bar length read from the file."""
    candles = load(symbol, timeframe, data, None if data else window.bars_needed(timeframe))
    if data is not None and timeframe is None:
        from volex.ml.features import infer_timeframe

        candles.timeframe = infer_timeframe(candles.columns["timestamp"][:10_001])
    return candles


def _pieces(base: Slice, strategy: Any, fixed: dict[str, Any], trials: int | None,
            workers: int) -> list[Slice]:
    if base.storage is not None:  # shares of one study's trials
        total = trials or 100
        return [replace(base, trials=total // workers + (1 if i < total % workers else 0))
                for i in range(workers) if total // workers + (1 if i < total % workers else 0)]
    free = [p for p in strategy.params if p.name not in fixed]
    if not free:
        return [base]
    first = free[0]
    return [replace(base, fixed={**fixed, first.name: value}) for value in first.grid()]
