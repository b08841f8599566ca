"""A deliberately worse model for promotion tests.

On the bundled data a well-calibrated model trained on shuffled labels is about as good as a
real one (the sample holds little predictable signal; both sit near the class base rates).
So the worse model here learns from shuffled labels AND is overconfident (probabilities
sharpened to the 4th power): confident noise, clearly worse out of sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from volex.ml.calibration import Calibrator
from volex.ml.models import make_estimator
from volex.ml.predict import TrainedModel
from volex.ml.reports import ModelSpec
from volex.ml.training import prepare_dataset, train_model

__all__ = ["shuffled_label_trainer"]


def shuffled_label_trainer(candles: pd.DataFrame, symbol: str, timeframe: str,
                           spec: ModelSpec) -> TrainedModel:
    """Same recipe and metadata as a real training, but fitted on permuted labels."""
    real = train_model(candles, symbol, timeframe, spec=spec)
    data = prepare_dataset(candles, timeframe, spec)
    estimator = make_estimator(spec.kind, n_estimators=spec.n_estimators,
                               random_state=spec.random_state, n_jobs=spec.n_jobs)
    estimator.fit(data.features, np.random.default_rng(3).permutation(data.labels).astype(np.int64))
    sharpen = Calibrator("temperature", 3, coef=np.eye(3) * 4.0, intercept=np.zeros(3))
    return TrainedModel(estimator=estimator, calibrator=sharpen, metadata=real.metadata)
