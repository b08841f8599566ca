"""Fast calibrated predictions from a loaded model: one symbol, or many as a batch.

The last row of the candle frame is taken as the last closed bar. Only the trailing
``WARMUP_BARS`` bars are read, so the cost does not grow with the history held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.errors import DataUnavailable
from volex.ml.calibration import Calibrator
from volex.ml.features import WARMUP_BARS, candle_arrays, feature_matrix
from volex.ml.forest import PackedForest, pack_forest
from volex.ml.labels import CLASSES, DOWN, FLAT, UP
from volex.ml.reports import ModelMetadata, ModelOutlook

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TrainedModel", "latest_features", "predict_batch", "predict_latest"]


@dataclass
class TrainedModel:
    """A fitted estimator, the calibrator fitted on its out-of-sample folds, and metadata."""

    estimator: Any
    calibrator: Calibrator
    metadata: ModelMetadata
    forest: PackedForest | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.forest is None and self.metadata.kind == "random_forest":
            self.forest = pack_forest(self.estimator)

    @property
    def symbol(self) -> str:
        return self.metadata.symbol

    @property
    def timeframe(self) -> str:
        return self.metadata.timeframe

    def raw_proba(self, rows: np.ndarray) -> np.ndarray:
        """Uncalibrated class probabilities (columns by class code: down, flat, up)."""
        if self.forest is not None:
            return self.forest.predict_proba(rows)
        booster = getattr(self.estimator, "booster_", None)
        raw = booster.predict(rows) if booster is not None else self.estimator.predict_proba(rows)
        out = np.zeros((len(rows), len(CLASSES)))
        out[:, np.asarray(self.estimator.classes_, dtype=np.int64)] = raw
        return out

    def proba(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities: what decisions must use."""
        return self.calibrator.transform(self.raw_proba(rows))


def latest_features(candles: pd.DataFrame, timeframe: str) -> np.ndarray:
    """The feature row of the last bar; DataUnavailable when history is too short."""
    bars = {name: values[-WARMUP_BARS:] for name, values in candle_arrays(candles).items()}
    row = feature_matrix(bars, timeframe)[-1:]
    if not len(row) or np.isnan(row).any():
        raise DataUnavailable(f"too few candles for the model's features: {len(candles)} bars, "
                              "need roughly 300 or more")
    return row


def _bars_since_training(model: TrainedModel, candles: pd.DataFrame) -> int:
    stamps = candles["timestamp"]
    trained_until = np.datetime64(model.metadata.last_bar.replace(tzinfo=None), "ms")
    values = stamps.array.asi8 if getattr(stamps.dtype, "unit", None) == "ms" else (
        stamps.dt.as_unit("ms").array.asi8)
    return int(len(values) - np.searchsorted(values, trained_until.astype(np.int64),
                                             side="right"))


def _outlook(model: TrainedModel, proba: np.ndarray, candles: pd.DataFrame) -> ModelOutlook:
    code = int(proba.argmax())
    confidence = float(proba[code])
    record = next((b for b in model.metadata.evaluation.track_record
                   if b.lower <= confidence < b.upper or (b.upper == 1.0 and confidence == 1.0)),
                  None)
    return ModelOutlook(symbol=model.symbol, timeframe=model.timeframe,
                        horizon=model.metadata.spec.horizon, p_up=float(proba[UP]),
                        p_down=float(proba[DOWN]), p_flat=float(proba[FLAT]),
                        predicted=CLASSES[code], confidence=confidence, track_record=record,
                        as_of=candles["timestamp"].iloc[-1].to_pydatetime(),
                        trained_until=model.metadata.last_bar,
                        bars_since_training=_bars_since_training(model, candles))


def predict_latest(model: TrainedModel, candles: pd.DataFrame) -> ModelOutlook:
    """Calibrated up / down / flat probabilities for the bars after the last candle."""
    row = latest_features(candles, model.timeframe)
    return _outlook(model, model.proba(row)[0], candles)


def predict_batch(
    jobs: Mapping[str, tuple[TrainedModel, pd.DataFrame]] | Iterable[tuple[str, TrainedModel,
                                                                         pd.DataFrame]],
) -> dict[str, ModelOutlook | DataUnavailable]:
    """Outlooks for many symbols: ``{key: (model, candles)}`` -> ``{key: outlook}``.

    Symbols sharing one model are scored in one pass over its trees. A symbol with too
    little history maps to its DataUnavailable error instead of failing the batch.
    """
    items = ([(k, m, c) for k, (m, c) in jobs.items()] if isinstance(jobs, Mapping)
             else list(jobs))
    out: dict[str, ModelOutlook | DataUnavailable] = {}
    groups: dict[int, list[tuple[str, np.ndarray, pd.DataFrame]]] = {}
    models: dict[int, TrainedModel] = {}
    for key, model, candles in items:
        try:
            row = latest_features(candles, model.timeframe)
        except DataUnavailable as exc:
            out[key] = exc
            continue
        groups.setdefault(id(model), []).append((key, row, candles))
        models[id(model)] = model
    for model_id, members in groups.items():
        model = models[model_id]
        proba = model.proba(np.vstack([row for _, row, _ in members]))
        for (key, _, candles), p in zip(members, proba, strict=True):
            out[key] = _outlook(model, p, candles)
    return {key: out[key] for key, _, _ in items}
