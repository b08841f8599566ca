"""The window asked for is the window tested, whatever the source of the timeframe.

With the timeframe taken from config, `--days` and `--since/--until` beyond 1,000 bars were
once ignored without a word; optimize listed one TPE point ten times and hid each
walk-forward fold's parameters.
"""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def _json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    return out[0] if isinstance(out, list) else out


def test_days_beyond_a_thousand_bars_test_every_bar_asked_for_and_say_the_data_is_shorter() -> None:
    run_ = _json("backtest", "ema_cross", "BTC/USDT", "--days", "3000")
    assert run_["timeframe"] == "1d" and run_["bars"] > 2_900
    assert run_["first_bar"].startswith("2017-08-17")
    assert any("the data starts 2017-08-17" in note for note in run_["notes"])
    shown = run("backtest", "ema_cross", "BTC/USDT", "--days", "3000")
    assert "the data starts 2017-08-17" in shown.output and "2,931 bars tested" in shown.output


def test_a_since_until_window_far_in_the_past_is_tested_and_counted_in_the_header() -> None:
    run_ = _json("backtest", "ema_cross", "BTC/USDT", "--since", "2019-01-01",
                 "--until", "2021-01-01")
    assert run_["first_bar"].startswith("2019-01-01") and run_["last_bar"].startswith("2021-01-01")
    assert run_["bars"] == 732 and not any("data starts" in n for n in run_["notes"])
    shown = run("backtest", "ema_cross", "BTC/USDT", "--since", "2019-01-01", "--until",
                "2021-01-01")
    assert "732 bars" in shown.output


def test_optimize_days_uses_the_whole_window() -> None:
    found = _json("optimize", "sma_cross", "BTC/USDT", "--days", "2000", "--trials", "3")
    assert found["best"]["metrics"]["bars"] == 2000 and "2000 bars" in found["source"]


def test_bayes_lists_each_point_once() -> None:
    found = _json("optimize", "sma_cross", "BTC/USDT", "--method", "bayes", "--trials", "40")
    points = [tuple(sorted(t["params"].items())) for t in found["top"]]
    assert len(points) == len(set(points)) >= 10
    # every trial asked for is accounted for: scored, refused (fast >= slow) or a repeat
    assert found["evaluated"] + found["skipped_by_constraints"] + found["repeated_points"] == 40
    assert found["repeated_points"] > 0
    shown = run("optimize", "sma_cross", "BTC/USDT", "--method", "bayes", "--trials", "40")
    said = " ".join(shown.output.split())
    assert (f"40 trials ({found['evaluated']} distinct points, "
            f"{found['skipped_by_constraints']} refused by the strategy's constraints, "
            f"{found['repeated_points']} repeated a point already scored)") in said


def test_optimize_walk_forward_shows_each_folds_parameters() -> None:
    shown = run("optimize", "sma_cross", "BTC/USDT", "--days", "1500", "--walk-forward", "3",
                "--trials", "8")
    assert shown.exit_code == 0, shown.output
    assert "Best params" in shown.output and shown.output.count("fast=") >= 3
