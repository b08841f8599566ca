"""Walk-forward and optimisation over a portfolio reduce to the single-market ones for a
basket of one with one slot, and search one parameter set for every market of a basket."""

from __future__ import annotations

import numpy as np
import pytest

from volex.backtest.engine import BacktestConfig, slice_bars
from volex.backtest.optimize import optimize
from volex.backtest.portfolio import ALL_IN, make_basket
from volex.backtest.portfolio_result import Portfolio
from volex.backtest.portfolio_walkforward import portfolio_walk_forward
from volex.backtest.walkforward import walk_forward
from volex.portfolio.allocator import AllocationRules
from volex.strategies.registry import get_strategy


def _search(strategy, config):
    return lambda data: optimize(strategy, data, trials=15, config=config).best.params


def test_a_basket_of_one_walks_forward_like_the_single_market(btc_daily: dict) -> None:
    strategy = get_strategy("sma_cross")
    config = BacktestConfig(fee=0.001, stop_loss=0.08)
    single = walk_forward(strategy, btc_daily, 3, _search(strategy, config), config=config,
                          objective="sharpe")
    basket = portfolio_walk_forward(strategy, Portfolio(make_basket(["BTC"], [btc_daily]),
                                                        ALL_IN), 3, _search(strategy, config),
                                    config=config, objective="sharpe")
    assert [f.params for f in basket.folds] == [f.params for f in single.folds]
    np.testing.assert_allclose(basket.out_of_sample.equity, single.out_of_sample.equity,
                               rtol=1e-12)
    assert basket.out_of_sample.metrics == single.out_of_sample.metrics
    assert basket.in_sample == single.in_sample


def test_one_parameter_set_is_scored_on_the_whole_basket(btc_daily: dict) -> None:
    strategy = get_strategy("sma_cross")
    halves = [slice_bars(btc_daily, 0, 1200), slice_bars(btc_daily, 600, len(btc_daily["close"]))]
    portfolio = Portfolio(make_basket(["EARLY", "LATE"], halves), AllocationRules(max_open=2))
    found = optimize(strategy, portfolio, trials=10, symbol=portfolio.symbol)
    best = found.best
    assert found.symbol == "EARLY,LATE"
    assert best.metrics["final_equity"] == pytest.approx(
        portfolio.metrics(strategy, best.params, BacktestConfig()).final_equity)
