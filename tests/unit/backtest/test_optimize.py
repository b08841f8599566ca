"""Grid and Bayesian search: they find what brute force finds and respect the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from volex.backtest.engine import BacktestConfig
from volex.backtest.optimize import evaluate, grid_points, optimize
from volex.errors import UserInputError
from volex.strategies import get_strategy


def test_grid_points_cover_the_ranges_and_skip_constraint_violations() -> None:
    strategy = get_strategy("sma_cross")
    points = grid_points(strategy)
    fast = strategy.param("fast").grid()
    slow = strategy.param("slow").grid()
    assert len(points) == sum(1 for f in fast for s in slow if f < s)
    assert all(p["fast"] < p["slow"] for p in points)


def test_fixing_a_parameter_searches_the_others_only() -> None:
    points = grid_points(get_strategy("sma_cross"), {"slow": 100})
    assert {p["slow"] for p in points} == {100}
    assert len(points) == len([f for f in get_strategy("sma_cross").param("fast").grid()
                               if f < 100])


def test_grid_search_finds_the_brute_force_best(btc_daily: dict) -> None:
    strategy = get_strategy("sma_cross")
    result = optimize(strategy, btc_daily, fixed={"slow": 100}, objective="return")
    brute = max((evaluate(strategy, btc_daily, p, BacktestConfig(), "return")
                 for p in grid_points(strategy, {"slow": 100})), key=lambda t: t.value)
    assert result.best.params == brute.params
    assert result.best.metrics["total_return"] == pytest.approx(brute.value)
    assert [t.value for t in result.trials] == sorted((t.value for t in result.trials),
                                                      reverse=True)


def test_trials_caps_the_grid_and_progress_reports_the_best_so_far(btc_daily: dict) -> None:
    seen: list[tuple[int, int, float]] = []
    result = optimize(get_strategy("sma_cross"), btc_daily, trials=15,
                      on_progress=lambda done, total, best: seen.append((done, total,
                                                                         best.value)))
    assert len(result.trials) == 15
    assert [s[0] for s in seen] == list(range(1, 16)) and {s[1] for s in seen} == {15}
    assert [s[2] for s in seen] == sorted(s[2] for s in seen)  # the best never gets worse
    assert seen[-1][2] == result.best.value


def test_bayes_stays_inside_ranges_and_constraints(btc_daily: dict) -> None:
    strategy = get_strategy("rsi_reversion")
    result = optimize(strategy, btc_daily, method="bayes", trials=25, objective="calmar")
    assert len(result.trials) + result.extra["skipped_by_constraints"] == 25
    assert len(result.trials) > 0
    for trial in result.trials:
        assert not strategy.violations(trial.params)
        for p in strategy.params:
            assert p.low <= trial.params[p.name] <= p.high


def test_an_rdb_study_accumulates_trials_across_runs(btc_daily: dict, tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    strategy = get_strategy("sma_cross")
    optimize(strategy, btc_daily, method="bayes", trials=4, storage=storage, study_name="s1")
    second = optimize(strategy, btc_daily, method="bayes", trials=4, storage=storage,
                      study_name="s1")
    finished = (len(second.trials) + second.extra["skipped_by_constraints"]
                + second.extra["repeated_points"])
    assert finished == 8 and second.study == "s1"


def test_a_grid_study_hands_out_each_point_once(btc_daily: dict, tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'grid.db'}"
    strategy = get_strategy("sma_cross")
    fixed = {"slow": 50}
    first = optimize(strategy, btc_daily, storage=storage, study_name="g", fixed=fixed,
                     trials=4)
    rest = optimize(strategy, btc_daily, storage=storage, study_name="g", fixed=fixed)
    expected = [p["fast"] for p in grid_points(strategy, fixed)]
    assert len(first.trials) == 4
    assert sorted(t.params["fast"] for t in rest.trials) == sorted(expected)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "random"}, "unknown method"),
    ({"objective": "sortino"}, "unknown objective"),
    ({"trials": 0}, "--trials"),
    ({"fixed": {"fast": "x"}}, "not a number"),
])
def test_bad_search_settings_are_user_errors(btc_daily: dict, kwargs: dict, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        optimize(get_strategy("sma_cross"), btc_daily, **kwargs)
