"""Optuna studies for ``optimize``: TPE (bayes) or a shared grid, in memory or in an RDB.

Optuna is imported here only, so the engine and the grid search never pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

from volex.backtest.engine import BacktestConfig, Bars
from volex.errors import StorageError, UserInputError

if TYPE_CHECKING:
    from volex.backtest.optimize import ProgressFn, Trial
    from volex.backtest.portfolio_result import Portfolio
    from volex.strategies.base import ParamValue, Strategy

__all__ = ["DEFAULT_BAYES_TRIALS", "StudyOutcome", "default_study_name", "read_study", "run_study"]

DEFAULT_BAYES_TRIALS = 100


class StudyOutcome(NamedTuple):
    """A study's completed trials, one per distinct point; trials refused by a constraint;
    trials that repeated a point already scored (TPE does, once it converges)."""

    trials: list[Trial]
    skipped: int
    repeated: int


def run_study(strategy: Strategy, bars: Bars | Portfolio, *, config: BacktestConfig, objective: str,
              method: str, trials: int | None, jobs: int, storage: str | None,
              study_name: str | None, fixed: Mapping[str, ParamValue],
              on_progress: ProgressFn | None, seed: int) -> StudyOutcome:
    """Run this process's share of the study; what the study holds once it is done."""
    import optuna

    from volex.backtest.optimize import Trial, evaluate, grid_points

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    points: list[dict[str, ParamValue]] = []
    if method == "grid":
        points = grid_points(strategy, fixed)
        if not points:
            raise UserInputError(f"{strategy.name}: no grid point satisfies the constraints")
        sampler: Any = optuna.samplers.GridSampler({"point": list(range(len(points)))}, seed=seed)
        budget = trials or len(points)
    else:
        sampler = optuna.samplers.TPESampler(seed=None if storage else seed)
        budget = trials or DEFAULT_BAYES_TRIALS
    name = study_name or default_study_name(strategy.name, method)
    study = _open_study(optuna, storage, name, sampler)
    if storage and study.user_attrs.get("strategy", strategy.name) != strategy.name:
        raise UserInputError(f"study {name!r} belongs to strategy "
                             f"{study.user_attrs['strategy']}, not {strategy.name}")
    study.set_user_attr("strategy", strategy.name)
    study.set_user_attr("objective", objective)

    def suggest(trial: Any) -> dict[str, ParamValue]:
        if method == "grid":
            return points[trial.suggest_categorical("point", list(range(len(points))))]
        params = {**strategy.defaults(), **fixed}
        for p in strategy.params:
            if p.name in fixed:
                continue
            top = p.grid()[-1]  # the highest value on the step grid
            if p.is_int:
                params[p.name] = trial.suggest_int(p.name, p.low, top, step=p.step)
            else:
                params[p.name] = trial.suggest_float(p.name, p.low, top, step=p.step)
        if strategy.violations(params):
            raise optuna.TrialPruned(", ".join(strategy.violations(params)))
        return params

    # TPE suggests a point again once it has converged: score it once, list it once
    tried = {_key(t.user_attrs["params"]): (float(t.value), t.user_attrs.get("metrics", {}))
             for t in study.get_trials(deepcopy=False,
                                       states=(optuna.trial.TrialState.COMPLETE,))
             if "params" in t.user_attrs}

    def run_one(trial: Any) -> float:
        params = suggest(trial)
        key = _key(params)
        if key in tried:
            value, metrics = tried[key]
            trial.set_user_attr("repeat", True)
        else:
            result = evaluate(strategy, bars, params, config, objective)
            value, metrics = result.value, result.metrics
            tried[key] = (value, metrics)
        trial.set_user_attr("params", dict(params))
        trial.set_user_attr("metrics", metrics)
        return value

    finished = 0

    def progress(study: Any, _trial: Any) -> None:
        nonlocal finished
        finished += 1
        if on_progress:
            on_progress(finished, budget, _best(study, Trial))

    with _storage_errors():
        study.optimize(run_one, n_trials=budget, n_jobs=jobs, callbacks=[progress],
                       catch=())
    return study_outcome(study)


def default_study_name(strategy: str, method: str) -> str:
    """The study a search joins when no name is given."""
    return f"{strategy}-{method}"


def read_study(storage: str, study_name: str) -> StudyOutcome:
    """The stored study as it stands (read once every worker of a cluster is done)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with _storage_errors(KeyError):  # KeyError: no such study in that storage
        study = optuna.load_study(study_name=study_name, storage=storage)
    return study_outcome(study)


def study_outcome(study: Any) -> StudyOutcome:
    """Every completed trial of ``study`` listed once per distinct point, with how many
    trials broke a constraint and how many repeated a point already scored."""
    import optuna

    from volex.backtest.optimize import Trial

    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    skipped = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.PRUNED,)))
    found: dict[tuple, Trial] = {}
    scored = 0
    for t in complete:
        if "params" in t.user_attrs:
            scored += 1
            found.setdefault(_key(t.user_attrs["params"]),
                             Trial(t.user_attrs["params"], float(t.value), t.user_attrs["metrics"]))
    return StudyOutcome(list(found.values()), skipped, scored - len(found))


def _key(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, float(v) if isinstance(v, int | float) else v)
                        for k, v in params.items()))


def _best(study: Any, trial_cls: type) -> Any:
    try:
        best = study.best_trial
    except ValueError:
        return None
    return trial_cls(best.user_attrs.get("params", best.params), float(best.value),
                     best.user_attrs.get("metrics", {}))


def _open_study(optuna: Any, storage: str | None, name: str, sampler: Any,
                attempts: int = 5) -> Any:
    """Create or join the study; workers starting together on an empty database race to
    create Optuna's tables, and the losers succeed on a retry."""
    import time

    for attempt in range(attempts):
        try:
            return optuna.create_study(storage=storage, study_name=name, sampler=sampler,
                                       direction="maximize", load_if_exists=True)
        except ImportError as exc:
            raise UserInputError(f"cannot use storage {storage!r}: {exc}") from None
        except Exception as exc:
            if not _is_db_error(exc):
                raise
            from volex.adapters.storage.db import redact_url

            where = redact_url(storage or "")
            reason = str(exc).splitlines()[0][:200]
            if type(exc).__name__ in {"ArgumentError", "NoSuchModuleError"}:
                raise UserInputError(f"bad --storage URL {where}: {reason}") from None
            if attempt + 1 < attempts:
                time.sleep(0.2 * (attempt + 1))
                continue
            raise StorageError(f"cannot open optuna study {name!r} at {where}: {reason}") \
                from exc
    raise AssertionError("unreachable")


@contextmanager
def _storage_errors(*also: type[Exception]) -> Iterator[None]:
    """A failing study database (or one of ``also``) as a one-line StorageError."""
    try:
        yield
    except Exception as exc:
        if _is_db_error(exc) or isinstance(exc, also):
            raise StorageError(f"optuna storage failed: {str(exc).splitlines()[0][:200]}") \
                from exc
        raise


def _is_db_error(exc: Exception) -> bool:
    return any(c.__module__.startswith("sqlalchemy") for c in type(exc).__mro__)
