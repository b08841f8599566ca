"""A backtest or search sent as JSON comes back the same, infinite profit factor included."""

from __future__ import annotations

import json
import math

import numpy as np

from volex import Volex
from volex.backtest.wire import (
    backtest_from_wire,
    backtest_to_wire,
    optimize_from_wire,
    optimize_to_wire,
)


def test_runs_survive_strict_json_whole() -> None:
    with Volex(offline=True) as volex:
        runs = volex.backtest("sma_cross", ["BTC/USDT"], timeframe="1d", days=400)
        search = volex.optimize("sma_cross", "BTC/USDT", timeframe="1d", days=400, trials=4,
                                walk_forward=2)
    run = runs[0]
    # A run with no losing trade has an infinite profit factor, which JSON cannot carry.
    run.result.metrics = type(run.result.metrics)(**{**run.result.metrics.as_dict(),
                                                     "profit_factor": math.inf})
    back = backtest_from_wire(json.loads(json.dumps(backtest_to_wire(run), allow_nan=False)))
    assert back.result.metrics == run.result.metrics
    assert np.array_equal(back.result.timestamps, run.result.timestamps)
    assert back.to_dict() == run.to_dict()
    again = optimize_from_wire(json.loads(json.dumps(optimize_to_wire(search), allow_nan=False)))
    assert again.result.trials == search.result.trials
    assert again.walk_forward.summary() == search.walk_forward.summary()
    assert again.to_dict() == search.to_dict()
