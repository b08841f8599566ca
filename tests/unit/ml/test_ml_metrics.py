"""Scores and baselines on cases whose answer is known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from volex.ml.metrics import (
    expected_calibration_error,
    majority_baseline,
    persistence_baseline,
    reliability_table,
    score,
)
from volex.ml.walkforward import purged_walk_forward_splits


def test_perfect_and_uniform_predictions_score_as_expected() -> None:
    actual = np.array([0, 1, 2, 2])
    perfect = np.eye(3)[actual]
    m = score(perfect, actual)
    assert (m.accuracy, m.balanced_accuracy, m.brier, m.ece) == (1.0, 1.0, 0.0, 0.0)
    assert m.log_loss == pytest.approx(0.0, abs=1e-9)
    uniform = score(np.full((4, 3), 1 / 3), actual)
    assert uniform.log_loss == pytest.approx(math.log(3))
    assert uniform.brier == pytest.approx(2 / 3)


def test_balanced_accuracy_does_not_reward_calling_the_majority() -> None:
    actual = np.array([2] * 8 + [0, 1])
    always_up = np.tile([0.1, 0.1, 0.8], (10, 1))
    m = score(always_up, actual)
    assert m.accuracy == pytest.approx(0.8)
    assert m.balanced_accuracy == pytest.approx(1 / 3)


def test_ece_is_the_gap_between_confidence_and_hit_rate() -> None:
    # 70% confident every time, right 5 times out of 10: a gap of 0.2
    proba = np.tile([0.7, 0.2, 0.1], (10, 1))
    actual = np.array([0] * 5 + [1] * 5)
    assert expected_calibration_error(proba, actual) == pytest.approx(0.2)
    (band,) = reliability_table(proba, actual)
    assert (band.lower, band.upper, band.calls, band.right) == (0.7, 0.8, 10, 5)
    assert band.describe() == "when the model said 70%-80%, it was right 50% of the time over 10 calls"


def test_baselines_learn_from_the_training_window_only() -> None:
    labels = np.array([2.0] * 600 + [0.0] * 400)  # up until row 600, then down
    folds = purged_walk_forward_splits(1000, 1, 10, min_train=100)
    _, calls = majority_baseline(labels, folds)
    assert (calls[folds[0].test] == 2).all()  # the future's majority is not used
    past = np.concatenate([[np.nan] * 10, labels[:-10]])
    p_proba, p_calls = persistence_baseline(labels, past, folds)
    np.testing.assert_array_equal(p_calls[folds[0].test], np.nan_to_num(past, nan=1)[folds[0].test])
    np.testing.assert_allclose(p_proba[folds[0].test].sum(axis=1), 1.0)
