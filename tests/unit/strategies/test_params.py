"""Parameter schemas: types, ranges, constraints, and NAME=VALUE parsing."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volex.errors import UserInputError
from volex.strategies import get_strategy, parse_param_args, strategy_names
from volex.strategies.base import Param

EXPECTED = ["sma_cross", "ema_cross", "rsi_reversion", "macd_cross", "bollinger_reversion",
            "breakout", "ml_forest"]


def test_every_template_is_registered_with_valid_defaults() -> None:
    assert strategy_names() == EXPECTED
    for name in EXPECTED:
        strategy = get_strategy(name)
        defaults = strategy.defaults()
        assert strategy.resolve() == defaults
        for p in strategy.params:
            assert p.low <= p.default <= p.high and p.step > 0
            assert p.grid()[0] == p.low and p.grid()[-1] <= p.high


def test_parse_param_args() -> None:
    assert parse_param_args(["fast=10", " slow = 30 "]) == {"fast": "10", "slow": "30"}
    assert parse_param_args(None) == {}
    for bad in ("fast", "=3", "fast="):
        with pytest.raises(UserInputError, match="NAME=VALUE"):
            parse_param_args([bad])


@pytest.mark.parametrize(("name", "params", "message"), [
    ("sma_cross", {"fast": "30", "slow": "10"}, "fast < slow"),
    ("sma_cross", {"fast": "20", "slow": "20"}, "fast < slow"),
    ("ema_cross", {"fast": "2.5"}, "whole number"),
    ("macd_cross", {"fast": "abc"}, "not a number"),
    ("rsi_reversion", {"lower": "70", "upper": "30"}, "0 < lower < upper < 100"),
    ("rsi_reversion", {"upper": "100"}, "outside its range"),
    ("breakout", {"entry": "10", "exit": "20"}, "exit < entry"),
    ("sma_cross", {"speed": "3"}, "no parameter 'speed'"),
])
def test_bad_parameters_are_user_errors(name: str, params: dict, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        get_strategy(name).resolve(params)


def test_overrides_win_over_saved_params_which_win_over_defaults() -> None:
    strategy = get_strategy("sma_cross")
    assert strategy.resolve({"slow": "50"}, base={"fast": 5, "slow": 40}) == {"fast": 5,
                                                                              "slow": 50}


def test_unknown_strategy_lists_the_choices() -> None:
    with pytest.raises(UserInputError, match="sma_cross, ema_cross"):
        get_strategy("golden_goose")


@given(st.integers(1, 50), st.integers(1, 40), st.integers(1, 10))
def test_int_grids_step_from_low_and_stay_in_range(low: int, span: int, step: int) -> None:
    p = Param("x", low, low, low + span, step)
    grid = p.grid()
    assert grid[0] == low and all(b - a == step for a, b in itertools.pairwise(grid))
    assert grid[-1] <= low + span < grid[-1] + step
    assert all(p.coerce(str(v)) == v for v in grid)


def test_float_params_accept_decimals() -> None:
    strategy = get_strategy("bollinger_reversion")
    assert strategy.resolve({"std": "2.5"})["std"] == 2.5
    assert strategy.param("std").grid()[:3] == [0.5, 0.75, 1.0]
