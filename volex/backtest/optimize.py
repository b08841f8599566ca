"""Parameter search: a grid over the schema's ranges, or Bayesian search with Optuna (TPE).

With ``storage`` (an RDB URL such as ``postgresql+psycopg://...``) the search is an Optuna
study that any number of processes, on any machines, can work on at once: each process
runs its own ``trials`` and the result covers every finished trial of the study. A grid
study hands out each grid point once across all of its workers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.backtest.engine import BacktestConfig, Bars, run_target
from volex.backtest.metrics import OBJECTIVES, Metrics, objective_value
from volex.backtest.portfolio_result import Portfolio
from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.strategies.base import Param, ParamValue, Strategy

__all__ = [
    "METHODS",
    "OptimizationResult",
    "ProgressFn",
    "Trial",
    "check_search",
    "evaluate",
    "grid_points",
    "optimize",
]

METHODS = ("grid", "bayes")
ProgressFn = Callable[[int, int, "Trial | None"], None]


@dataclass(frozen=True)
class Trial:
    """One evaluated parameter set."""

    params: dict[str, ParamValue]
    value: float
    metrics: dict[str, float | int]


@dataclass
class OptimizationResult:
    """Every trial, best first, and how the search was run."""

    strategy: str
    symbol: str
    method: str
    objective: str
    trials: list[Trial]
    study: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> Trial:
        if not self.trials:
            raise UserInputError("the search finished no trial (every point broke a constraint)")
        return self.trials[0]

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        return {"strategy": self.strategy, "symbol": self.symbol, "method": self.method,
                "objective": self.objective, "study": self.study, "evaluated": len(self.trials),
                "best": _trial_dict(self.best),
                "top": [_trial_dict(t) for t in self.trials[:top]], **self.extra}


def _trial_dict(trial: Trial) -> dict[str, Any]:
    return {"params": trial.params, "value": trial.value, "metrics": trial.metrics}


def _space(strategy: Strategy, fixed: Mapping[str, ParamValue]) -> list[Param]:
    return [p for p in strategy.params if p.name not in fixed]


def grid_points(strategy: Strategy, fixed: Mapping[str, ParamValue] | None = None,
                limit: int | None = None, seed: int = 0) -> list[dict[str, ParamValue]]:
    """Every valid grid point (at most ``limit``, sampled evenly at random) in grid order."""
    fixed = dict(fixed or {})
    space = _space(strategy, fixed)
    points = []
    for combo in itertools.product(*(p.grid() for p in space)):
        params = {**strategy.defaults(), **fixed, **dict(zip((p.name for p in space), combo,
                                                             strict=True))}
        if not strategy.violations(params):
            points.append(params)
    if limit is not None and len(points) > limit:
        keep = np.sort(np.random.default_rng(seed).choice(len(points), limit, replace=False))
        points = [points[i] for i in keep]
    return points


def evaluate(strategy: Strategy, bars: Bars | Portfolio, params: Mapping[str, ParamValue],
             config: BacktestConfig, objective: str) -> Trial:
    """Backtest one parameter set and score it (on one market, or on a whole portfolio)."""
    if isinstance(bars, Portfolio):
        metrics = bars.metrics(strategy, params, config)
    else:
        _, _, metrics = run_target(bars, strategy.targets(bars, params), config)
    return Trial(dict(params), objective_value(metrics, objective), _plain(metrics))


def _plain(metrics: Metrics) -> dict[str, float | int]:
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else None)
            for k, v in metrics.as_dict().items()}


def optimize(strategy: Strategy, bars: Bars | Portfolio, *, method: str = "grid", trials: int | None = None,
             objective: str = "sharpe", config: BacktestConfig | None = None, jobs: int = 1,
             storage: str | None = None, study_name: str | None = None,
             fixed: Mapping[str, Any] | None = None, symbol: str = "",
             on_progress: ProgressFn | None = None, seed: int = 0) -> OptimizationResult:
    """Search ``strategy``'s parameters on ``bars`` (or a portfolio) for the best ``objective``."""
    check_search(method, objective, trials, jobs)
    config = config or BacktestConfig()
    fixed_values = {k: strategy.param(k).coerce(v) for k, v in (fixed or {}).items()}
    skipped = repeated = 0
    if method == "grid" and storage is None:
        found = _grid(strategy, bars, config, objective, jobs, trials, fixed_values, on_progress,
                      seed)
    else:
        from volex.backtest.studies import run_study

        found, skipped, repeated = run_study(strategy, bars, config=config, objective=objective,
                                   method=method, trials=trials, jobs=jobs, storage=storage,
                                   study_name=study_name, fixed=fixed_values,
                                   on_progress=on_progress, seed=seed)
    found.sort(key=lambda t: t.value, reverse=True)
    return OptimizationResult(strategy.name, symbol, method, objective, found,
                              study=study_name if storage else None,
                              extra={"skipped_by_constraints": skipped,
                                     "repeated_points": repeated})


def check_search(method: str, objective: str, trials: int | None, jobs: int) -> None:
    """Refuse bad search settings before any data is loaded."""
    if method not in METHODS:
        raise UserInputError(f"unknown method {method!r} (choose grid or bayes)")
    if objective not in OBJECTIVES:
        raise UserInputError(f"unknown objective {objective!r} (choose {', '.join(OBJECTIVES)})")
    if trials is not None and trials < 1:
        raise UserInputError(f"--trials must be at least 1, got {trials}")
    if jobs < 1:
        raise UserInputError(f"--jobs must be at least 1, got {jobs}")


def _grid(strategy: Strategy, bars: Bars | Portfolio, config: BacktestConfig, objective: str, jobs: int,
          trials: int | None, fixed: dict[str, ParamValue], on_progress: ProgressFn | None,
          seed: int) -> list[Trial]:
    points = grid_points(strategy, fixed, limit=trials, seed=seed)
    if not points:
        raise UserInputError(f"{strategy.name}: no grid point satisfies the constraints")
    done: list[Trial] = []
    best: Trial | None = None

    def record(trial: Trial) -> None:
        nonlocal best
        done.append(trial)
        if best is None or trial.value > best.value:
            best = trial
        if on_progress:
            on_progress(len(done), len(points), best)

    if jobs == 1:
        for params in points:
            record(evaluate(strategy, bars, params, config, objective))
    else:
        with ThreadPoolExecutor(jobs) as pool:
            for trial in pool.map(lambda p: evaluate(strategy, bars, p, config, objective),
                                  points):
                record(trial)
    return done
