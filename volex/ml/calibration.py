"""Calibrators fitted on out-of-sample predictions, so that 70% means right 70% of the time.

Two methods, both applied with plain numpy so the live path stays in microseconds:

- ``sigmoid``: a multinomial logistic regression on the log-probabilities (Platt scaling
  generalised to several classes). Smooth and stable; the default.
- ``isotonic``: one monotone map per class, then renormalised. More flexible, needs more
  out-of-sample bars.

``nested_calibration`` is the honest way to measure a calibrator: fold k is calibrated by
a calibrator fitted on the out-of-sample predictions of folds before k only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from volex.ml.walkforward import OutOfSample

__all__ = ["CalibrationMethod", "Calibrator", "fit_calibrator", "nested_calibration"]

CalibrationMethod = Literal["sigmoid", "isotonic"]
_EPS = 1e-6


@dataclass
class Calibrator:
    """Maps raw class probabilities to calibrated ones (rows sum to 1)."""

    method: CalibrationMethod
    n_classes: int = 3
    coef: np.ndarray | None = None  # sigmoid: (n_classes, n_classes)
    intercept: np.ndarray | None = None  # sigmoid: (n_classes,)
    knots: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # isotonic

    def transform(self, proba: np.ndarray) -> np.ndarray:
        proba = np.atleast_2d(proba)
        if self.method == "sigmoid":
            z = np.log(np.clip(proba, _EPS, 1.0)) @ self.coef.T + self.intercept
            z -= z.max(axis=1, keepdims=True)
            out = np.exp(z)
        else:
            out = np.column_stack([np.interp(proba[:, c], x, y)
                                   for c, (x, y) in enumerate(self.knots)])
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.full_like(out, 1.0 / self.n_classes),
                         where=total > 0)


def _fit_sigmoid(proba: np.ndarray, actual: np.ndarray, n_classes: int) -> Calibrator:
    from sklearn.linear_model import LogisticRegression

    present = np.unique(actual)
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit(
        np.log(np.clip(proba, _EPS, 1.0)), actual)
    coef = np.zeros((n_classes, n_classes))
    intercept = np.full(n_classes, -30.0)  # a class never seen stays (almost) impossible
    if len(present) == 2:  # sklearn fits one binary logit: split it symmetrically
        coef[present[1]], intercept[present[1]] = fitted.coef_[0] / 2, fitted.intercept_[0] / 2
        coef[present[0]], intercept[present[0]] = -fitted.coef_[0] / 2, -fitted.intercept_[0] / 2
    else:
        coef[present], intercept[present] = fitted.coef_, fitted.intercept_
    return Calibrator("sigmoid", n_classes, coef=coef, intercept=intercept)


def _fit_isotonic(proba: np.ndarray, actual: np.ndarray, n_classes: int) -> Calibrator:
    from sklearn.isotonic import IsotonicRegression

    knots = []
    for c in range(n_classes):
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(proba[:, c], (actual == c).astype(np.float64))
        knots.append((np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_)))
    return Calibrator("isotonic", n_classes, knots=knots)


def fit_calibrator(proba: np.ndarray, actual: np.ndarray,
                   method: CalibrationMethod = "sigmoid") -> Calibrator:
    """Fit a calibrator on out-of-sample ``proba`` and the classes that followed."""
    actual = actual.astype(np.int64)
    n_classes = proba.shape[1]
    if len(np.unique(actual)) < 2:
        raise ValueError("calibration needs at least two classes among the outcomes")
    if method == "sigmoid":
        return _fit_sigmoid(proba, actual, n_classes)
    if method == "isotonic":
        return _fit_isotonic(proba, actual, n_classes)
    raise ValueError(f"unknown calibration method {method!r}; use sigmoid or isotonic")


def nested_calibration(oos: OutOfSample, labels: np.ndarray,
                       method: CalibrationMethod = "sigmoid") -> np.ndarray:
    """Calibrated probabilities for folds 1.., each from a calibrator fitted on the earlier
    folds' out-of-sample predictions only. Rows of fold 0 (nothing earlier) stay NaN."""
    out = np.full_like(oos.proba, np.nan)
    for fold in oos.folds[1:]:
        earlier = (oos.fold >= 0) & (oos.fold < fold.number)
        calibrator = fit_calibrator(oos.proba[earlier], labels[earlier], method)
        rows = oos.fold == fold.number
        out[rows] = calibrator.transform(oos.proba[rows])
    return out
