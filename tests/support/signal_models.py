"""Small signal models for tests: a real forest trained in seconds, and a "known" variant.

``known_model`` keeps a real trained model (features, forest walk, registry format) but
fixes what the decision rules read: the calibrated probabilities (a calibrator that always
answers ``p``) and the out-of-sample record (whether it beats its baselines, and how often
calls at that confidence were right). Tests of the decision path then know what to expect.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd

from volex.ml.calibration import Calibrator
from volex.ml.metrics import ReliabilityBin
from volex.ml.predict import TrainedModel
from volex.ml.reports import ModelSpec

__all__ = ["SMALL_SPEC", "known_model", "sample_frame", "small_model", "train_small"]

SMALL_SPEC = ModelSpec(n_estimators=20, n_folds=3, n_jobs=1)


def train_small(candles: pd.DataFrame, symbol: str, timeframe: str) -> TrainedModel:
    from volex.ml.training import train_model

    return train_model(candles, symbol, timeframe, spec=SMALL_SPEC)


def sample_frame(symbol: str = "BTC/USDT", timeframe: str = "1d",
                 bars: int | None = None) -> pd.DataFrame:
    """Real candles from the bundled sample (the last ``bars`` of them)."""
    from volex.adapters.market_data.files import sample_candles

    frame = sample_candles(symbol, timeframe)
    assert frame is not None, f"the bundled sample has no {symbol} {timeframe}"
    return frame if bars is None else frame.tail(bars).reset_index(drop=True)


@functools.cache
def small_model(symbol: str = "BTC/USDT", timeframe: str = "1d",
                bars: int | None = None) -> TrainedModel:
    """A small model trained on the bundled sample, once per test process."""
    return train_small(sample_frame(symbol, timeframe, bars), symbol, timeframe)


def known_model(base: TrainedModel, *, p_down: float = 0.1, p_flat: float = 0.1,
                p_up: float = 0.8, beats_baselines: bool = True, calls: int = 100,
                hit_rate: float = 0.8, symbol: str | None = None) -> TrainedModel:
    """``base`` answering (p_down, p_flat, p_up) for every bar, with the given track record."""
    proba = np.array([p_down, p_flat, p_up])
    calibrator = Calibrator("temperature", 3, coef=np.zeros((3, 3)), intercept=np.log(proba))
    report = base.metadata.evaluation
    own = report.out_of_sample.log_loss
    baselines = {name: m.model_copy(update={"log_loss": own + (1.0 if beats_baselines else -0.1),
                                            "accuracy": 0.4})
                 for name, m in report.baselines.items()}
    top = float(proba.max())
    lower = np.floor(top * 10) / 10
    band = ReliabilityBin(lower=lower, upper=min(1.0, lower + 0.1), calls=calls,
                          right=round(calls * hit_rate), mean_confidence=top)
    evaluation = report.model_copy(update={"baselines": baselines, "track_record": [band]})
    metadata = base.metadata.model_copy(update={"evaluation": evaluation,
                                                "symbol": symbol or base.metadata.symbol})
    return dataclasses.replace(base, calibrator=calibrator, metadata=metadata)
