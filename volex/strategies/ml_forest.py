"""ml_forest: long while a walk-forward random forest gives "up" enough probability.

The model is the signal model's (``volex.ml``): the same features, cost-aware labels and
estimator. Probabilities are out-of-sample only: each block of bars is predicted by a
forest trained on the bars before it (purged by the label horizon), so the backtest never
trades on a prediction made with knowledge of the future. The first block, used only for
training, stays flat.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from volex.strategies.base import Param, ParamValue, Strategy

__all__ = ["MlForest", "up_probability"]


class MlForest(Strategy):
    name = "ml_forest"
    description = ("Walk-forward random forest on the signal model's features: long while "
                   "P(up over `horizon` bars) >= `min_proba`.")
    params = (
        Param("horizon", 12, 1, 96, 6, "label horizon (bars)"),
        Param("folds", 4, 2, 10, 1, "walk-forward blocks (each trained on all bars before it)"),
        Param("min_proba", 0.45, 0.34, 0.9, 0.02, "probability of 'up' needed to hold"),
        Param("trees", 100, 20, 500, 20, "trees in each forest"),
    )
    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        up = up_probability(candles, int(params["horizon"]), int(params["folds"]),
                            int(params["trees"]))
        with np.errstate(invalid="ignore"):
            return (up >= float(params["min_proba"])).astype(np.int8)


def up_probability(candles: Mapping[str, Any], horizon: int, folds: int,
                   trees: int) -> np.ndarray:
    """Out-of-sample P(up) per bar (NaN where no model has predicted the bar)."""
    from volex.errors import UserInputError
    from volex.ml.features import build_features
    from volex.ml.labels import FLAT, UP, make_labels, round_trip_cost
    from volex.ml.models import make_estimator
    from volex.ml.walkforward import out_of_sample_predictions, purged_walk_forward_splits

    frame = _frame(candles)
    close = np.asarray(frame["close"], dtype=np.float64)
    features = np.asarray(build_features(frame, as_array=True))
    labels = make_labels(close, horizon, round_trip_cost())
    usable = np.flatnonzero(np.isfinite(features).all(axis=1))
    up = np.full(len(close), np.nan)
    try:
        splits = purged_walk_forward_splits(len(usable), folds, purge=horizon)
    except ValueError as exc:
        raise UserInputError(f"ml_forest: {exc}") from None
    rows_y = np.nan_to_num(labels[usable], nan=FLAT)  # untrainable tail rows are never fitted

    def new_forest() -> Any:
        return make_estimator("random_forest", n_estimators=trees, n_jobs=1)

    oos = out_of_sample_predictions(features[usable], rows_y, splits, new_forest)
    up[usable] = oos.proba[:, UP]
    return up


def _frame(candles: Mapping[str, Any]) -> Any:
    import pandas as pd

    if isinstance(candles, pd.DataFrame):
        return candles
    frame = pd.DataFrame({k: np.asarray(v) for k, v in candles.items()})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="ms", utc=True)
    return frame
