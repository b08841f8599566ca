"""Train and evaluate: features + labels -> purged walk-forward -> calibration -> model.

``evaluate_model`` runs the walk-forward only and reports out-of-sample figures next to
the naive baselines; ``train_model`` does the same and then fits the final estimator on
every labelled bar and the final calibrator on every out-of-sample prediction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.errors import DataUnavailable, UserInputError
from volex.ml.calibration import fit_calibrator, nested_calibration
from volex.ml.features import FEATURE_NAMES, FEATURE_VERSION, build_features
from volex.ml.labels import CLASSES, DOWN, FLAT, UP, make_labels, past_direction
from volex.ml.metrics import (
    ReliabilityBin,
    majority_baseline,
    persistence_baseline,
    reliability_table,
    score,
)
from volex.ml.models import library_versions, make_estimator, openmp_threads
from volex.ml.predict import TrainedModel
from volex.ml.reports import EvaluationReport, ModelMetadata, ModelSpec
from volex.ml.walkforward import OutOfSample, out_of_sample_predictions, purged_walk_forward_splits

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Dataset", "Evaluation", "evaluate_model", "prepare_dataset", "train_model"]

MIN_TRAIN_ROWS = 200
TRAINING_BARS = 50_000  # "all the history available", with a ceiling for fine timeframes


@dataclass(frozen=True)
class Dataset:
    """The labelled bars with every feature defined, in time order."""

    features: np.ndarray
    labels: np.ndarray  # class codes as float (no NaN left)
    past: np.ndarray  # the last horizon's direction, for the persistence baseline
    timestamps: Any  # pandas Series of the rows' bar open times


@dataclass(frozen=True)
class Evaluation:
    """The report plus one row per scored out-of-sample bar."""

    report: EvaluationReport
    predictions: pd.DataFrame  # timestamp, p_up, p_down, p_flat, predicted, actual
    oos: OutOfSample

    def write_predictions(self, path: str | Path) -> Path:
        """Write the predictions as CSV (or Parquet for .parquet / .pq)."""
        target = Path(path).expanduser()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix.lower() in {".parquet", ".pq"}:
                self.predictions.to_parquet(target, index=False)
            else:
                self.predictions.to_csv(target, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        except OSError as exc:
            raise UserInputError(f"cannot write {target}: {exc.strerror or exc}") from None
        return target


def prepare_dataset(candles: pd.DataFrame, timeframe: str, spec: ModelSpec,
                    extra: np.ndarray | None = None) -> Dataset:
    """Features and labels of every bar that has both; ``extra`` columns (one row per
    candle, e.g. sentiment as of each bar's close) are appended to the features."""
    features = build_features(candles, timeframe, as_array=True)
    if extra is not None:
        features = np.hstack([features, extra])
    close = candles["close"].to_numpy(dtype=np.float64)
    labels = make_labels(close, spec.horizon, spec.threshold)
    past = past_direction(close, spec.horizon, spec.threshold)
    keep = ~np.isnan(features).any(axis=1) & ~np.isnan(labels)
    return Dataset(features=features[keep], labels=labels[keep], past=past[keep],
                   timestamps=candles["timestamp"][keep].reset_index(drop=True))


def _estimator_factory(spec: ModelSpec) -> Any:
    return lambda: make_estimator(spec.kind, n_estimators=spec.n_estimators,
                                  random_state=spec.random_state, n_jobs=spec.n_jobs)


def _notes(report: EvaluationReport) -> list[str]:
    notes = []
    if not report.beats_baselines():
        notes.append("the model does not beat every naive baseline on log loss: "
                     "its calls carry little or no information")
    majority = report.baselines["majority"]
    if report.out_of_sample.accuracy < majority.accuracy:
        notes.append(f"accuracy {report.out_of_sample.accuracy:.1%} is below always calling "
                     f"the majority class ({majority.accuracy:.1%})")
    if report.out_of_sample.ece >= 0.05:
        notes.append(f"calibration error {report.out_of_sample.ece:.3f} is above 0.05: "
                     "confidence figures are rough")
    return notes


def evaluate_model(candles: pd.DataFrame, symbol: str, timeframe: str,
                   settings: Any = None, *, spec: ModelSpec | None = None,
                   extra: np.ndarray | None = None) -> Evaluation:
    """Purged walk-forward evaluation with nested calibration, next to the baselines."""
    spec = spec or ModelSpec.from_settings(settings)
    started = time.perf_counter()
    data = prepare_dataset(candles, timeframe, spec, extra)
    try:
        folds = purged_walk_forward_splits(len(data.labels), spec.n_folds, spec.purge_bars,
                                           MIN_TRAIN_ROWS)
    except ValueError as exc:
        raise DataUnavailable(f"{symbol} {timeframe}: {len(candles)} candles give "
                              f"{len(data.labels)} labelled bars; {exc}") from None
    if len(folds) < 2:
        raise DataUnavailable(f"{symbol} {timeframe}: too few bars for calibrated "
                              f"walk-forward evaluation ({len(data.labels)} labelled bars)")
    oos = out_of_sample_predictions(data.features, data.labels, folds,
                                    _estimator_factory(spec), len(CLASSES), spec.n_jobs)
    calibrated = nested_calibration(oos, data.labels, spec.calibration, spec.purge_bars)
    scored = oos.fold >= 1
    actual = data.labels[scored].astype(np.int64)
    majority_p, majority_call = majority_baseline(data.labels, folds)
    persist_p, persist_call = persistence_baseline(data.labels, data.past, folds)
    stamps = data.timestamps[scored].reset_index(drop=True)
    report = EvaluationReport(
        symbol=symbol, timeframe=timeframe, spec=spec, folds=len(folds) - 1,
        bars_evaluated=int(scored.sum()),
        first=stamps.iloc[0].to_pydatetime(), last=stamps.iloc[-1].to_pydatetime(),
        class_balance={name: round(float(np.mean(actual == code)), 4)
                       for code, name in enumerate(CLASSES)},
        out_of_sample=score(calibrated[scored], actual),
        uncalibrated=score(oos.proba[scored], actual),
        baselines={"majority": score(majority_p[scored], actual, majority_call[scored]),
                   "yesterday_direction": score(persist_p[scored], actual,
                                                persist_call[scored])},
        track_record=reliability_table(calibrated[scored], actual),
        directional_record=_directional_record(calibrated[scored], actual),
    )
    report.notes = _notes(report)
    report.seconds = round(time.perf_counter() - started, 2)
    return Evaluation(report=report, predictions=_predictions_frame(stamps, calibrated[scored],
                                                                    actual), oos=oos)


def _directional_record(proba: np.ndarray, actual: np.ndarray) -> list[ReliabilityBin]:
    """The track record of up/down calls only: what a buy or sell signal is judged by."""
    directional = np.isin(proba.argmax(axis=1), (UP, DOWN))
    return reliability_table(proba[directional], actual[directional]) if directional.any() else []


def _predictions_frame(stamps: Any, proba: np.ndarray, actual: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    names = np.asarray(CLASSES)
    return pd.DataFrame({"timestamp": stamps, "p_up": proba[:, UP], "p_down": proba[:, DOWN],
                         "p_flat": proba[:, FLAT], "predicted": names[proba.argmax(axis=1)],
                         "actual": names[actual]})


def train_model(candles: pd.DataFrame, symbol: str, timeframe: str, settings: Any = None,
                *, spec: ModelSpec | None = None,
                evaluation: Evaluation | None = None) -> TrainedModel:
    """Evaluate walk-forward (unless ``evaluation`` of the same candles and spec is given),
    then fit the final model and its out-of-sample calibrator."""
    spec = spec or ModelSpec.from_settings(settings)
    started = time.perf_counter()
    evaluation = evaluation or evaluate_model(candles, symbol, timeframe, spec=spec)
    data = prepare_dataset(candles, timeframe, spec)
    estimator = _estimator_factory(spec)()
    with openmp_threads(spec.n_jobs):
        estimator.fit(data.features, data.labels.astype(np.int64))
    tested = evaluation.oos.tested
    calibrator = fit_calibrator(evaluation.oos.proba[tested], data.labels[tested],
                                spec.calibration)
    evaluation.report.seconds = round(time.perf_counter() - started, 2)
    stamps = candles["timestamp"]
    metadata = ModelMetadata(
        symbol=symbol, timeframe=timeframe, kind=spec.kind, created_at=datetime.now(UTC),
        features=list(FEATURE_NAMES), feature_version=FEATURE_VERSION, spec=spec,
        first_bar=stamps.iloc[0].to_pydatetime(), last_bar=stamps.iloc[-1].to_pydatetime(),
        bars=len(candles), training_rows=len(data.labels),
        library_versions=library_versions(spec.kind), evaluation=evaluation.report)
    return TrainedModel(estimator=estimator, calibrator=calibrator, metadata=metadata)
