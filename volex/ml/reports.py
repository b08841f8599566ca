"""Typed, JSON-ready results of the model core: spec, evaluation, metadata, outlook."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from volex.ml.metrics import Metrics, ReliabilityBin

__all__ = ["EvaluationReport", "ModelMetadata", "ModelOutlook", "ModelSpec"]


class ModelSpec(BaseModel):
    """Everything that decides what a model learns; saved with it and reused by evaluate."""

    model_config = {"frozen": True}

    kind: Literal["random_forest", "lightgbm", "hist_gradient_boosting"] = "random_forest"
    horizon: int = Field(12, ge=1)
    threshold: float = Field(0.003, ge=0)  # the forward return must beat this to be up/down
    n_estimators: int = Field(150, ge=1)
    n_folds: int = Field(5, ge=2)
    purge: int | None = Field(None, ge=0)  # bars between train and test; None = horizon
    calibration: Literal["sigmoid", "isotonic", "temperature"] = "temperature"
    random_state: int = 7
    n_jobs: int = -1  # forest threads (-1: all cores); boosting gets max(1, n_jobs)

    @property
    def purge_bars(self) -> int:
        return max(self.horizon, self.purge or 0)

    @classmethod
    def from_settings(cls, settings: Any = None, **overrides: Any) -> ModelSpec:
        """A spec from ``Settings`` (fees give the threshold) or ``SignalSettings``."""
        from volex.ml.labels import round_trip_cost

        values: dict[str, Any] = {}
        signal = getattr(settings, "signal", settings)
        if signal is not None:
            values.update(kind=signal.model, horizon=signal.horizon)
        trading = getattr(settings, "trading", None)
        if trading is not None:
            values["threshold"] = round(round_trip_cost(trading.fee_rate, trading.slippage_bps), 6)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class EvaluationReport(BaseModel):
    """Walk-forward, out-of-sample figures of a model next to naive baselines.

    ``out_of_sample`` scores the calibrated probabilities (what decisions use); each fold's
    calibrator was fitted on earlier folds only, so the first fold is not scored.
    ``uncalibrated`` scores the raw probabilities on the same bars.
    """

    symbol: str
    timeframe: str
    spec: ModelSpec
    folds: int
    bars_evaluated: int
    first: datetime | None
    last: datetime | None
    class_balance: dict[str, float]
    out_of_sample: Metrics
    uncalibrated: Metrics
    baselines: dict[str, Metrics]
    track_record: list[ReliabilityBin]
    directional_record: list[ReliabilityBin] = []  # up/down calls only (empty: older model)
    seconds: float = 0.0
    notes: list[str] = []

    def beats_baselines(self) -> bool:
        """True when the calibrated model has a lower log loss than every baseline."""
        return all(self.out_of_sample.log_loss < b.log_loss for b in self.baselines.values())


class ModelMetadata(BaseModel):
    """What `model list` shows and `metadata.json` holds next to the saved model."""

    symbol: str
    timeframe: str
    kind: str
    created_at: datetime
    features: list[str]
    feature_version: int
    spec: ModelSpec
    first_bar: datetime
    last_bar: datetime  # the newest candle the model saw; staleness counts bars after it
    bars: int
    training_rows: int
    library_versions: dict[str, str]
    evaluation: EvaluationReport


class ModelOutlook(BaseModel):
    """The model's calibrated view of the next ``horizon`` bars after ``as_of``."""

    symbol: str
    timeframe: str
    as_of: datetime  # open time of the last closed bar the features read
    horizon: int
    p_up: float
    p_down: float
    p_flat: float
    predicted: Literal["up", "down", "flat"]
    confidence: float
    track_record: ReliabilityBin | None = None  # past out-of-sample calls at this confidence
    trained_until: datetime | None = None  # the newest bar the model was trained on
    bars_since_training: int = 0  # compare with signal.retrain_after_bars for staleness

    def describe(self) -> str:
        text = (f"{self.predicted} over the next {self.horizon} bars: up {self.p_up:.0%}, "
                f"down {self.p_down:.0%}, flat {self.p_flat:.0%}")
        if self.track_record and self.track_record.calls:
            text += f"; {self.track_record.describe()}"
        return text
