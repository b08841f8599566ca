"""The signal model: features, labels, purged walk-forward, calibration, registry, prediction.

Importing ``volex.ml`` is cheap; names below load their module (and numpy / sklearn) on
first use. What to call, in the order a signal agent needs it:

Train and save (or reuse) a model for one market::

    from volex.ml import ModelRegistry, ensure_model, predict_latest
    registry = ModelRegistry()                      # $VOLEX_HOME/models
    model = ensure_model(registry, candles, "BTC/USDT", "2h", settings)
    # trains when missing or when settings.signal.retrain_after_bars new bars have closed

Ask it about the next ``horizon`` bars (calibrated; what decisions must use)::

    outlook = predict_latest(model, candles)        # ModelOutlook, ~1 ms
    outlook.p_up, outlook.p_down, outlook.p_flat, outlook.predicted, outlook.confidence
    outlook.track_record   # ReliabilityBin: out-of-sample calls at this confidence, hit rate

Many symbols at once::

    predict_batch({"BTC/USDT": (model_btc, candles_btc), ...})  # {symbol: outlook | error}

Honest figures (walk-forward, purge >= horizon, each fold scored with a temperature
calibrator fitted on earlier folds only; the saved calibrator is fitted on every fold)::

    model.metadata.evaluation            # EvaluationReport: out_of_sample, uncalibrated,
                                         # baselines, track_record, notes
    evaluate_model(candles, symbol, timeframe, settings)  # Evaluation: .report, .predictions

``candles`` is a frame with timestamp (bar open, UTC), open, high, low, close, volume; the
last row must be a closed bar. Prediction reads the last ``features.WARMUP_BARS`` (2,000)
bars, so that many is enough; training wants all the history (``training.TRAINING_BARS``).
Arrays instead of frames: ``features.candle_arrays`` / ``features.feature_matrix``. Class codes are DOWN=0, FLAT=1, UP=2 (``volex.ml.labels``).
A model is only worth acting on when ``metadata.evaluation.beats_baselines()`` and its
track record at the outlook's confidence is good enough; deciding that is the caller's job.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Evaluation",
    "EvaluationReport",
    "ModelMetadata",
    "ModelNotFound",
    "ModelOutlook",
    "ModelRegistry",
    "ModelSpec",
    "TrainedModel",
    "ensure_model",
    "evaluate_model",
    "is_stale",
    "predict_batch",
    "predict_latest",
    "train_model",
]

_HOME = {
    "Evaluation": "volex.ml.training",
    "evaluate_model": "volex.ml.training",
    "train_model": "volex.ml.training",
    "EvaluationReport": "volex.ml.reports",
    "ModelMetadata": "volex.ml.reports",
    "ModelOutlook": "volex.ml.reports",
    "ModelSpec": "volex.ml.reports",
    "ModelNotFound": "volex.ml.registry",
    "ModelRegistry": "volex.ml.registry",
    "ensure_model": "volex.ml.registry",
    "is_stale": "volex.ml.registry",
    "TrainedModel": "volex.ml.predict",
    "predict_batch": "volex.ml.predict",
    "predict_latest": "volex.ml.predict",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'volex.ml' has no attribute {name!r}")
