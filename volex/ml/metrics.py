"""Scores of probabilistic class predictions, and the naive baselines they must beat.

All functions take ``proba`` as an (n, n_classes) array whose column c is the probability
of class code c, and ``actual`` as integer class codes.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, computed_field

from volex.ml.walkforward import Fold

__all__ = [
    "Metrics",
    "ReliabilityBin",
    "accuracy",
    "balanced_accuracy",
    "brier_score",
    "expected_calibration_error",
    "log_loss",
    "majority_baseline",
    "persistence_baseline",
    "reliability_table",
    "score",
]

ECE_BINS = 10


class Metrics(BaseModel):
    """Out-of-sample scores of one predictor over ``bars`` bars."""

    bars: int
    accuracy: float
    balanced_accuracy: float
    log_loss: float
    brier: float
    ece: float


class ReliabilityBin(BaseModel):
    """Calls made with top-class confidence in [lower, upper) and how often they were right."""

    lower: float
    upper: float
    calls: int
    right: int
    mean_confidence: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hit_rate(self) -> float | None:
        """How often these calls were right (None when there were none)."""
        return round(self.right / self.calls, 4) if self.calls else None

    def describe(self) -> str:
        if not self.calls:
            return f"no calls at {self.lower:.0%}-{self.upper:.0%} yet"
        return (f"when the model said {self.lower:.0%}-{self.upper:.0%}, it was right "
                f"{self.right / self.calls:.0%} of the time over {self.calls} calls")


def accuracy(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean(predicted == actual)) if len(actual) else float("nan")


def balanced_accuracy(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Mean recall over the classes that occur in ``actual``."""
    recalls = [np.mean(predicted[actual == c] == c) for c in np.unique(actual)]
    return float(np.mean(recalls)) if recalls else float("nan")


def log_loss(proba: np.ndarray, actual: np.ndarray, eps: float = 1e-15) -> float:
    picked = proba[np.arange(len(actual)), actual]
    return float(-np.mean(np.log(np.clip(picked, eps, 1.0))))


def brier_score(proba: np.ndarray, actual: np.ndarray) -> float:
    """Multiclass Brier: mean over bars of the squared distance to the one-hot outcome."""
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(actual)), actual] = 1.0
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def _bins(confidence: np.ndarray, n_bins: int) -> np.ndarray:
    return np.minimum((confidence * n_bins).astype(np.int64), n_bins - 1)


def expected_calibration_error(proba: np.ndarray, actual: np.ndarray,
                               n_bins: int = ECE_BINS) -> float:
    """ECE on the top-class probability, equal-width bins over [0, 1]."""
    if not len(actual):
        return float("nan")
    confidence = proba.max(axis=1)
    right = proba.argmax(axis=1) == actual
    which = _bins(confidence, n_bins)
    total = 0.0
    for b in np.unique(which):
        mask = which == b
        total += mask.sum() * abs(right[mask].mean() - confidence[mask].mean())
    return float(total / len(actual))


def reliability_table(proba: np.ndarray, actual: np.ndarray,
                      n_bins: int = ECE_BINS) -> list[ReliabilityBin]:
    """The track record per confidence band (non-empty bands only)."""
    confidence = proba.max(axis=1)
    right = proba.argmax(axis=1) == actual
    which = _bins(confidence, n_bins)
    return [ReliabilityBin(lower=b / n_bins, upper=(b + 1) / n_bins, calls=int(mask.sum()),
                           right=int(right[mask].sum()),
                           mean_confidence=round(float(confidence[mask].mean()), 4))
            for b in range(n_bins) if (mask := which == b).any()]


def score(proba: np.ndarray, actual: np.ndarray, predicted: np.ndarray | None = None) -> Metrics:
    """Every metric at once; ``predicted`` defaults to the most probable class."""
    actual = actual.astype(np.int64)
    calls = proba.argmax(axis=1) if predicted is None else predicted.astype(np.int64)
    return Metrics(bars=len(actual), accuracy=accuracy(calls, actual),
                   balanced_accuracy=balanced_accuracy(calls, actual),
                   log_loss=log_loss(proba, actual), brier=brier_score(proba, actual),
                   ece=expected_calibration_error(proba, actual))


def _frequencies(labels: np.ndarray, n_classes: int) -> np.ndarray:
    counts = np.bincount(labels.astype(np.int64), minlength=n_classes) + 1.0  # Laplace
    return counts / counts.sum()


def majority_baseline(labels: np.ndarray, folds: list[Fold],
                      n_classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Always the training window's majority class, with its class frequencies as
    probabilities. Returns (proba, predicted) on every test row (NaN / -1 elsewhere)."""
    proba = np.full((len(labels), n_classes), np.nan)
    predicted = np.full(len(labels), -1, dtype=np.int64)
    for fold in folds:
        freq = _frequencies(labels[: fold.train_end], n_classes)
        proba[fold.test_start:fold.test_end] = freq
        predicted[fold.test_start:fold.test_end] = int(freq.argmax())
    return proba, predicted


def persistence_baseline(labels: np.ndarray, past: np.ndarray, folds: list[Fold],
                         n_classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Predict that the last ``horizon`` bars' direction repeats; its probabilities are
    how often each outcome followed that direction in the training window."""
    proba = np.full((len(labels), n_classes), np.nan)
    predicted = np.full(len(labels), -1, dtype=np.int64)
    past_codes = np.nan_to_num(past, nan=1.0).astype(np.int64)  # unknown past reads as flat
    for fold in folds:
        train_y, train_past = labels[: fold.train_end], past_codes[: fold.train_end]
        table = np.array([_frequencies(train_y[train_past == c], n_classes)
                          for c in range(n_classes)])
        test = slice(fold.test_start, fold.test_end)
        proba[test] = table[past_codes[test]]
        predicted[test] = past_codes[test]
    return proba, predicted
