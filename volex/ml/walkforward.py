"""Purged walk-forward splits and out-of-sample predictions.

The rows are cut into ``n_folds + 1`` consecutive blocks; fold k trains on everything
before block k+1 except the last ``purge`` rows, and tests on block k+1. A label at row i
reads the price at row i + horizon, so with ``purge >= horizon`` no training label peeks
into the test block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Fold", "OutOfSample", "out_of_sample_predictions", "purged_walk_forward_splits"]


@dataclass(frozen=True)
class Fold:
    """One walk-forward step: train rows [0, train_end), test rows [test_start, test_end)."""

    number: int
    train_end: int
    test_start: int
    test_end: int

    @property
    def train(self) -> np.ndarray:
        return np.arange(self.train_end)

    @property
    def test(self) -> np.ndarray:
        return np.arange(self.test_start, self.test_end)


@dataclass(frozen=True)
class OutOfSample:
    """Raw class probabilities on every test row, and the fold each row was tested in."""

    proba: np.ndarray  # (n_rows, n_classes), NaN where a row was never tested
    fold: np.ndarray  # fold number per row, -1 where never tested
    folds: list[Fold]

    @property
    def tested(self) -> np.ndarray:
        return self.fold >= 0


def purged_walk_forward_splits(n_rows: int, n_folds: int, purge: int,
                               min_train: int = 200) -> list[Fold]:
    """Expanding-window folds over ``n_rows`` ordered rows with ``purge`` rows dropped
    between each training window and its test block."""
    if n_folds < 1:
        raise ValueError("n_folds must be at least 1")
    if purge < 0:
        raise ValueError("purge must not be negative")
    edges = np.linspace(0, n_rows, n_folds + 2).astype(int)
    folds = []
    for k in range(n_folds):
        test_start, test_end = int(edges[k + 1]), int(edges[k + 2])
        train_end = test_start - purge
        if train_end < min_train or test_end <= test_start:
            continue
        folds.append(Fold(len(folds), train_end, test_start, test_end))
    if not folds:
        raise ValueError(f"{n_rows} rows are too few for walk-forward evaluation "
                         f"({n_folds} folds, purge {purge}, at least {min_train} training rows)")
    return folds


def out_of_sample_predictions(features: np.ndarray, labels: np.ndarray, folds: list[Fold],
                              new_estimator: Callable[[], Any], n_classes: int = 3,
                              threads: int = 1) -> OutOfSample:
    """Fit a fresh estimator per fold and predict its test block.

    A class absent from a training window gets probability 0 in that fold. ``threads``
    caps OpenMP threads (see ``volex.ml.models.openmp_threads``).
    """
    from volex.ml.models import openmp_threads

    proba = np.full((len(labels), n_classes), np.nan)
    fold_of = np.full(len(labels), -1, dtype=np.int64)
    y = labels.astype(np.int64)
    for fold in folds:
        model = new_estimator()
        test = slice(fold.test_start, fold.test_end)
        part = np.zeros((fold.test_end - fold.test_start, n_classes))
        with openmp_threads(threads):
            model.fit(features[: fold.train_end], y[: fold.train_end])
            part[:, np.asarray(model.classes_, dtype=np.int64)] = model.predict_proba(
                features[test])
        proba[test] = part
        fold_of[test] = fold.number
    return OutOfSample(proba=proba, fold=fold_of, folds=folds)
