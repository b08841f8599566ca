"""ml_forest: long while the signal model's walk-forward P(up) is high enough.

The probabilities come from ``volex.ml.evaluate_model``: the signal model's features,
cost-aware labels and random forest, trained fold by fold (purged by the label horizon)
and calibrated on earlier folds only. Every probability is out of sample, so the backtest
never trades on a prediction made with knowledge of the future. Bars that no fold
predicted (the warm-up, the first, training-only block, and the last ``horizon`` bars,
whose outcome is not known yet) stay flat.
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
                   "the calibrated P(up over `horizon` bars) >= `min_proba`.")
    params = (
        Param("horizon", 12, 1, 96, 6, "label horizon (bars)"),
        Param("folds", 5, 3, 10, 1, "walk-forward blocks (the first one only trains)"),
        Param("min_proba", 0.45, 0.34, 0.9, 0.02, "probability of 'up' needed to hold"),
        Param("trees", 200, 20, 500, 20, "trees in each forest"),
    )

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        up = up_probability(candles, int(params["horizon"]), int(params["folds"]),
                            int(params["trees"]))
        with np.errstate(invalid="ignore"):
            return (up >= float(params["min_proba"])).astype(np.int8)


def up_probability(candles: Mapping[str, Any], horizon: int, folds: int,
                   trees: int) -> np.ndarray:
    """Out-of-sample, calibrated P(up) per bar (NaN where no fold predicted the bar).

    The evaluation scores bars whose outcome is known, so the last ``horizon`` bars are
    NaN too: the strategy is flat there.
    """
    from volex.ml import ModelSpec, evaluate_model
    from volex.ml.features import infer_timeframe

    frame = _frame(candles)
    stamps = frame["timestamp"].dt.as_unit("ms").astype("int64").to_numpy()
    spec = ModelSpec.from_settings(None, horizon=horizon, n_folds=folds, n_estimators=trees)
    evaluation = evaluate_model(frame, "backtest", infer_timeframe(stamps), spec=spec)
    predicted = evaluation.predictions
    at = predicted["timestamp"].dt.as_unit("ms").astype("int64").to_numpy()
    up = np.full(len(stamps), np.nan)
    up[np.searchsorted(stamps, at)] = predicted["p_up"].to_numpy()
    return up


def _frame(candles: Mapping[str, Any]) -> Any:
    import pandas as pd

    if isinstance(candles, pd.DataFrame):
        return candles
    frame = pd.DataFrame({k: np.asarray(v) for k, v in candles.items()})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="ms", utc=True)
    return frame
