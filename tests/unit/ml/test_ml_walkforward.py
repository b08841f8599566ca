"""Walk-forward: expanding windows, a purge of at least the horizon, no training on the future."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volex.ml.walkforward import out_of_sample_predictions, purged_walk_forward_splits


@given(n_rows=st.integers(500, 50_000), n_folds=st.integers(1, 10), purge=st.integers(0, 100))
def test_no_training_label_reaches_into_its_test_block(n_rows: int, n_folds: int,
                                                       purge: int) -> None:
    folds = purged_walk_forward_splits(n_rows, n_folds, purge, min_train=100)
    previous_end = None
    for fold in folds:
        # a training label at row i reads row i + horizon; with purge >= horizon it is < test
        assert fold.train.max() + purge < fold.test_start
        assert fold.test_start < fold.test_end <= n_rows
        assert previous_end is None or fold.test_start == previous_end  # contiguous, ordered
        previous_end = fold.test_end
    assert folds[-1].test_end == n_rows


def test_too_few_rows_is_an_error_not_an_empty_evaluation() -> None:
    with pytest.raises(ValueError, match="too few"):
        purged_walk_forward_splits(230, 5, 12, min_train=200)


class _Recorder:
    """A stand-in estimator that remembers the rows it was trained on."""

    seen: ClassVar[list[int]] = []

    def fit(self, features: np.ndarray, labels: np.ndarray) -> _Recorder:
        self.classes_ = np.unique(labels)
        self.seen.append(int(features[:, 0].max()))
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return np.full((len(features), len(self.classes_)), 1.0 / len(self.classes_))


def test_each_fold_trains_only_on_rows_before_its_purge_gap() -> None:
    rows = np.arange(1000, dtype=float)[:, None]
    labels = np.tile([0.0, 1.0, 2.0], 334)[:1000]
    folds = purged_walk_forward_splits(1000, 4, 12, min_train=100)
    _Recorder.seen = []
    oos = out_of_sample_predictions(rows, labels, folds, _Recorder)
    assert _Recorder.seen == [f.train_end - 1 for f in folds]
    assert all(last < f.test_start - 12 for last, f in zip(_Recorder.seen, folds, strict=True))
    assert not oos.tested[: folds[0].test_start].any() and oos.tested[folds[0].test_start:].all()
    np.testing.assert_allclose(oos.proba[oos.tested].sum(axis=1), 1.0)


def test_a_class_missing_from_training_gets_zero_probability() -> None:
    rows = np.arange(600, dtype=float)[:, None]
    labels = np.where(np.arange(600) < 400, 0.0, 2.0)
    folds = purged_walk_forward_splits(600, 2, 5, min_train=100)
    oos = out_of_sample_predictions(rows, labels, folds, _Recorder)
    first = oos.fold == 0
    assert (oos.proba[first][:, 1:] == 0).all()
