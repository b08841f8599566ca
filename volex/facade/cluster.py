"""Heavy work on an executor: `volex optimize --cluster` (a Dask cluster, or a local pool).

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
    from volex.backtest.service import OptimizeRun, Window
    from volex.domain.candles import CandleSet

__all__ = ["ClusterFacade", "Slice", "run_slice"]


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
        if where is None:
            return super().optimize(strategy, symbol, **options)
        return self._optimize_on(where, strategy, symbol, **options)

    def _optimize_on(self, where: str, strategy: str, symbol: str, *,
                     timeframe: str | None = None, days: float | None = None,
                     since: Any = None, until: Any = None, data: Any = None,
                     method: str = "grid", trials: int | None = None, objective: str = "sharpe",
                     walk_forward: int | None = None, jobs: int = 1, storage: str | None = None,
                     study: str | None = None, params: dict[str, Any] | None = None,
                     cash: float | None = None, fee: float | None = None,
                     slippage_bps: float = 0.0, save: bool = False,
                     strategy_file: Any = None, offline: bool | None = None,
                     on_progress: Any = None) -> OptimizeRun:
        from volex.adapters.executor import build_executor
        from volex.backtest.optimize import OptimizationResult, check_search
        from volex.backtest.service import OptimizeRun, Window
        from volex.strategies.registry import get_strategy

        check_search(method, objective, trials, jobs)
        if walk_forward:
            raise UserInputError("--walk-forward does not run on a cluster yet: drop --cluster")
        if storage is None and (method != "grid" or trials is not None):
            raise UserInputError("on a cluster, a sampled or Bayesian search needs --storage "
                                 "(the study its workers share); a full grid needs neither")
        found = get_strategy(strategy, strategy_file)
        fixed = {k: found.param(k).coerce(v) for k, v in (params or {}).items()}
        window = Window(days, since, until)
        candles = self._candle_loader(offline)(symbol, timeframe, data,
                                               None if data else window.bars_needed(timeframe))
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
        skipped = 0
        if storage is None:
            trials_found = sorted((t for r in kept for t in r.result.trials),
                                  key=lambda t: t.value, reverse=True)
        else:  # each worker's answer covers the study so far: the last one covers it all
            last = max(kept, key=lambda r: len(r.result.trials)
                       + r.result.extra.get("skipped_by_constraints", 0)).result
            trials_found, skipped = last.trials, last.extra.get("skipped_by_constraints", 0)
        result = OptimizationResult(found.name, kept[0].result.symbol, method, objective,
                                    trials_found, study=study if storage else None,
                                    extra={"skipped_by_constraints": skipped,
                                           "ran_on": executor.where})
        saved = self._save_best(found.name, result, objective) if save else None
        return OptimizeRun(result, kept[0].source, None, saved)

    def _save_best(self, name: str, result: Any, objective: str) -> Any:
        from volex.strategies.lifecycle import save_best_params

        saved = save_best_params(self.strategy_store, name, result.best.params, objective,
                                 result.best.value)
        self.runtime.store.audit.record(self.actor, "strategy.params", name,
                                        details={"params": saved.best_params,
                                                 "objective": objective})
        return saved


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
