"""ml_forest trades only on out-of-sample probabilities from the signal model."""

from __future__ import annotations

import numpy as np

from volex.strategies import get_strategy
from volex.strategies.ml_forest import up_probability


def test_ml_forest_holds_only_where_an_out_of_sample_forecast_says_up(btc_daily: dict) -> None:
    up = up_probability(btc_daily, horizon=12, folds=3, trees=20)
    predicted = ~np.isnan(up)
    first = int(np.argmax(predicted))
    # The first walk-forward block only trains; the last 12 bars have no outcome yet, so
    # the evaluation does not score them either.
    assert first > len(up) // 4 and predicted[first:-12].all() and not predicted[-12:].any()
    assert np.all((up[predicted] >= 0) & (up[predicted] <= 1))
    strategy = get_strategy("ml_forest")
    target = strategy.generate(btc_daily, strategy.resolve({"folds": 3, "trees": 20,
                                                       "min_proba": 0.4}))
    np.testing.assert_array_equal(target, np.nan_to_num(up, nan=0.0) >= 0.4)
    assert 0 < target.sum() < predicted.sum()
