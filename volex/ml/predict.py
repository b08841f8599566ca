"""Fast calibrated predictions from a loaded model: one symbol, or many as a batch.

The last row of the candle frame is taken as the last closed bar. Only the trailing
``WARMUP_BARS`` bars are read, so the cost does not grow with the history held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.errors import DataUnavailable
from volex.ml.calibration import Calibrator
from volex.ml.features import WARMUP_BARS, candle_arrays, feature_row
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


def _latest(candles: pd.DataFrame, timeframe: str) -> tuple[np.ndarray, np.ndarray]:
    """The last bar's feature row and every bar's open time (epoch ms)."""
    arrays = candle_arrays(candles)
    row = feature_row({name: values[-WARMUP_BARS:] for name, values in arrays.items()},
                      timeframe)
    if row is None or np.isnan(row).any():
        raise DataUnavailable(f"too few candles for the model's features: {len(candles)} bars, "
                              "need roughly 300 or more")
    return row, arrays["timestamp"]


def latest_features(candles: pd.DataFrame, timeframe: str) -> np.ndarray:
    """The (1, n_features) row of the last bar; DataUnavailable when history is too short."""
    return _latest(candles, timeframe)[0]


def _outlook(model: TrainedModel, proba: np.ndarray, stamps_ms: np.ndarray) -> ModelOutlook:
    meta = model.metadata
    code = int(proba.argmax())
    confidence = float(proba[code])
    record = next((b for b in meta.evaluation.track_record
                   if b.lower <= confidence < b.upper or (b.upper == 1.0 and confidence == 1.0)),
                  None)
    trained_ms = int(meta.last_bar.timestamp() * 1000)
    return ModelOutlook(symbol=meta.symbol, timeframe=meta.timeframe, horizon=meta.spec.horizon,
                        p_up=float(proba[UP]), p_down=float(proba[DOWN]),
                        p_flat=float(proba[FLAT]), predicted=CLASSES[code],
                        confidence=confidence, track_record=record,
                        as_of=datetime.fromtimestamp(stamps_ms[-1] / 1000, UTC),
                        trained_until=meta.last_bar,
                        bars_since_training=int(len(stamps_ms) - np.searchsorted(
                            stamps_ms, trained_ms, side="right")))


def predict_latest(model: TrainedModel, candles: pd.DataFrame) -> ModelOutlook:
    """Calibrated up / down / flat probabilities for the bars after the last candle."""
    row, stamps = _latest(candles, model.timeframe)
    return _outlook(model, model.proba(row)[0], stamps)


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
    groups: dict[int, list[tuple[str, np.ndarray, np.ndarray]]] = {}
    models: dict[int, TrainedModel] = {}
    for key, model, candles in items:
        try:
            row, stamps = _latest(candles, model.timeframe)
        except DataUnavailable as exc:
            out[key] = exc
            continue
        groups.setdefault(id(model), []).append((key, row, stamps))
        models[id(model)] = model
    for model_id, members in groups.items():
        model = models[model_id]
        proba = model.proba(np.vstack([row for _, row, _ in members]))
        for (key, _, stamps), p in zip(members, proba, strict=True):
            out[key] = _outlook(model, p, stamps)
    return {key: out[key] for key, _, _ in items}
