"""Predictions: calibrated, identical single and batch, identical to sklearn's forest."""

from __future__ import annotations

import numpy as np
import pytest

from volex.errors import DataUnavailable
from volex.ml.features import build_features
from volex.ml.predict import predict_batch, predict_latest


def test_the_tree_walk_gives_sklearns_probabilities(small_model, btc_2h) -> None:
    rows = build_features(btc_2h, "2h", as_array=True)[-1500:]
    np.testing.assert_allclose(small_model.forest.predict_proba(rows),
                               small_model.estimator.predict_proba(rows), atol=1e-12)


def test_the_outlook_is_the_calibrated_view_of_the_last_bar(small_model, btc_2h) -> None:
    outlook = predict_latest(small_model, btc_2h)
    row = build_features(btc_2h, "2h", as_array=True)[-1:]
    expected = small_model.calibrator.transform(small_model.estimator.predict_proba(row))[0]
    assert [outlook.p_down, outlook.p_flat, outlook.p_up] == pytest.approx(list(expected), abs=1e-6)
    assert outlook.as_of == btc_2h["timestamp"].iloc[-1]
    assert outlook.horizon == 12
    assert outlook.confidence == max(outlook.p_up, outlook.p_down, outlook.p_flat)
    record = outlook.track_record
    assert record is not None and record.lower <= outlook.confidence < record.upper
    assert "it was right" in outlook.describe()
    assert outlook.trained_until == btc_2h["timestamp"].iloc[-1]
    assert outlook.bars_since_training == 0


def test_the_outlook_counts_bars_closed_since_training(small_model, btc_2h) -> None:
    import pandas as pd

    extra = btc_2h.tail(5).copy()
    extra["timestamp"] += pd.Timedelta(hours=10)
    outlook = predict_latest(small_model, pd.concat([btc_2h, extra], ignore_index=True))
    assert outlook.bars_since_training == 5
    assert outlook.as_of == extra["timestamp"].iloc[-1]


def test_a_batch_matches_one_by_one_and_isolates_short_histories(small_model, btc_2h) -> None:
    jobs = {"A": (small_model, btc_2h), "B": (small_model, btc_2h.iloc[:-7]),
            "SHORT": (small_model, btc_2h.tail(50))}
    out = predict_batch(jobs)
    assert list(out) == ["A", "B", "SHORT"]
    assert out["A"] == predict_latest(small_model, btc_2h)
    assert out["B"] == predict_latest(small_model, btc_2h.iloc[:-7])
    assert isinstance(out["SHORT"], DataUnavailable)
    with pytest.raises(DataUnavailable, match="too few candles"):
        predict_latest(small_model, btc_2h.tail(50))
