"""The parameter gate on the bundled BTC/USDT 1d candles: re-tuned parameters replace the saved
ones only when the search beats them out of sample on the same walk-forward blocks."""

from __future__ import annotations

import pytest

from volex.adapters.market_data.files import sample_candles
from volex.backtest.engine import BacktestConfig, bars_from_frame
from volex.backtest.optimize import grid_points
from volex.improve.strategies import judge_parameters
from volex.strategies.registry import get_strategy


@pytest.fixture(scope="module")
def bars():
    return bars_from_frame(sample_candles("BTC/USDT", "1d").tail(2000))


def _judge(bars, name: str, current: dict, min_trades: int = 10):
    strategy = get_strategy(name)
    return judge_parameters(strategy, bars, strategy.resolve(current), symbol="BTC/USDT",
                            folds=3, config=BacktestConfig(), objective="sharpe",
                            min_trades=min_trades)


def test_parameters_that_beat_the_saved_ones_out_of_sample_are_promoted_on_the_grid(bars):
    decision = _judge(bars, "sma_cross", {"fast": 10, "slow": 30})
    assert decision.outcome == "promoted", decision.reason
    assert decision.tuned_score > decision.current_score
    assert decision.tuned_trades >= 10
    assert decision.new_params in [dict(p) for p in grid_points(get_strategy("sma_cross"))]


def test_saved_parameters_that_the_search_does_not_beat_are_kept(bars):
    decision = _judge(bars, "ema_cross", {"fast": 12, "slow": 26})
    assert (decision.outcome, decision.new_params) == ("kept", None)
    assert decision.tuned_score <= decision.current_score
    assert "does not beat the current parameters'" in decision.reason


def test_too_few_out_of_sample_trades_keep_the_saved_parameters(bars):
    decision = _judge(bars, "sma_cross", {"fast": 10, "slow": 30}, min_trades=1000)
    assert decision.outcome == "kept" and "1000 needed" in decision.reason
