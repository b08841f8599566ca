"""Walk-forward: parameters chosen on the past only, results reported out of sample."""

from __future__ import annotations

import numpy as np
import pytest

from volex.backtest.engine import BacktestConfig
from volex.backtest.optimize import optimize
from volex.backtest.walkforward import walk_forward
from volex.errors import UserInputError
from volex.strategies import get_strategy


def test_each_fold_is_optimised_on_bars_before_its_test_block(btc_daily: dict) -> None:
    strategy = get_strategy("sma_cross")
    seen_train_ends: list[int] = []

    def search(train: dict) -> dict:
        seen_train_ends.append(int(train["timestamp"][-1]))
        return optimize(strategy, train, trials=20).best.params

    wf = walk_forward(strategy, btc_daily, 3, search, config=BacktestConfig(),
                      objective="sharpe")
    stamps = btc_daily["timestamp"]
    assert len(wf.folds) == 3
    for fold, train_end in zip(wf.folds, seen_train_ends, strict=True):
        assert train_end < stamps[fold.test[0]]
    oos = wf.out_of_sample
    # Out of sample starts with the first test block and runs to the end, contiguously.
    assert oos.timestamps[0] == stamps[wf.folds[0].test[0]]
    assert oos.timestamps[-1] == stamps[-1] and len(oos.equity) == len(oos.timestamps)
    assert np.all(oos.trades.entry_bar < len(oos.equity))
    assert oos.metrics.final_equity == pytest.approx(oos.equity[-1])


def test_out_of_sample_equity_chains_the_test_blocks(btc_daily: dict) -> None:
    strategy = get_strategy("sma_cross")
    wf = walk_forward(strategy, btc_daily, 2, lambda _: {"fast": 10, "slow": 30},
                      config=BacktestConfig(), objective="return")
    # With fixed parameters the stitched return is the product of the per-block returns.
    block = [1 + f.out_of_sample for f in wf.folds]
    assert wf.out_of_sample.metrics.total_return == pytest.approx(np.prod(block) - 1)


def test_too_few_bars_for_the_folds_is_a_user_error(btc_daily: dict) -> None:
    short = {k: v[:200] for k, v in btc_daily.items()}
    with pytest.raises(UserInputError, match="too few"):
        walk_forward(get_strategy("sma_cross"), short, 5, lambda _: {},
                     config=BacktestConfig(), objective="sharpe")
