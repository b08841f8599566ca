"""Calibration: overconfident probabilities come back honest; honest ones stay honest."""

from __future__ import annotations

import numpy as np
import pytest

from volex.ml.calibration import fit_calibrator, nested_calibration
from volex.ml.metrics import expected_calibration_error
from volex.ml.walkforward import OutOfSample, purged_walk_forward_splits


def _honest(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities that are calibrated by construction, and outcomes drawn from them."""
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet([2.0, 1.0, 2.0], n)
    actual = np.array([rng.choice(3, p=p) for p in proba])
    return proba, actual


def _sharpen(proba: np.ndarray, power: float = 3.0) -> np.ndarray:
    sharp = proba**power
    return sharp / sharp.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("method", ["temperature", "sigmoid", "isotonic"])
def test_calibration_repairs_overconfidence_out_of_sample(method: str) -> None:
    fit_p, fit_y = _honest(6000, 1)
    test_p, test_y = _honest(6000, 2)
    before = expected_calibration_error(_sharpen(test_p), test_y)
    calibrator = fit_calibrator(_sharpen(fit_p), fit_y, method)
    after = expected_calibration_error(calibrator.transform(_sharpen(test_p)), test_y)
    assert before > 0.1
    assert after < 0.03
    np.testing.assert_allclose(calibrator.transform(_sharpen(test_p)).sum(axis=1), 1.0)


@pytest.mark.parametrize("method", ["temperature", "sigmoid", "isotonic"])
def test_calibration_keeps_honest_probabilities_honest(method: str) -> None:
    fit_p, fit_y = _honest(6000, 3)
    test_p, test_y = _honest(6000, 4)
    before = expected_calibration_error(test_p, test_y)
    after = expected_calibration_error(fit_calibrator(fit_p, fit_y, method).transform(test_p),
                                       test_y)
    assert after < max(0.03, before + 0.01)


def test_nested_calibration_never_learns_from_the_fold_it_scores() -> None:
    proba, actual = _honest(4000, 5)
    labels = actual.astype(float)
    folds = purged_walk_forward_splits(4000, 3, 0, min_train=100)
    fold_of = np.full(4000, -1)
    for f in folds:
        fold_of[f.test_start:f.test_end] = f.number
    oos = OutOfSample(proba=_sharpen(proba), fold=fold_of, folds=folds)
    calibrated = nested_calibration(oos, labels)
    assert np.isnan(calibrated[fold_of == 0]).all()  # nothing earlier to learn from
    shuffled = labels.copy()
    last = fold_of == folds[-1].number
    shuffled[last] = np.random.default_rng(0).permutation(labels[last])
    again = nested_calibration(oos, shuffled)
    # changing the outcomes of the last fold changes nothing that was scored before it
    np.testing.assert_array_equal(calibrated[~last & (fold_of > 0)], again[~last & (fold_of > 0)])


def test_nested_calibration_skips_rows_whose_labels_reach_into_the_fold() -> None:
    proba, actual = _honest(4000, 6)
    labels = actual.astype(float)
    folds = purged_walk_forward_splits(4000, 2, 0, min_train=100)
    fold_of = np.full(4000, -1)
    for f in folds:
        fold_of[f.test_start:f.test_end] = f.number
    oos = OutOfSample(proba=_sharpen(proba), fold=fold_of, folds=folds)
    start = folds[1].test_start
    changed = labels.copy()
    changed[start - 12:start] = (labels[start - 12:start] + 1) % 3  # the purged rows only
    scored = fold_of == 1
    np.testing.assert_array_equal(nested_calibration(oos, labels, purge=12)[scored],
                                  nested_calibration(oos, changed, purge=12)[scored])
    assert not np.array_equal(nested_calibration(oos, labels)[scored],
                              nested_calibration(oos, changed)[scored])


def test_one_outcome_only_cannot_be_calibrated() -> None:
    with pytest.raises(ValueError, match="two classes"):
        fit_calibrator(np.full((10, 3), 1 / 3), np.zeros(10))
