"""The signal model on real BTC/USDT 2h candles: walk-forward, calibrated, honest.

Uses the last 20,000 bars (2021-03 .. 2025-08) of the bundled BTC/USDT 2h candles with a
smaller forest than the default so that it runs in seconds.
"""

from __future__ import annotations

import pytest

from tests.conftest import candle_file
from volex.adapters.market_data.files import read_candles_file
from volex.ml.reports import ModelSpec
from volex.ml.training import evaluate_model


@pytest.fixture(scope="module")
def evaluation():
    candles = read_candles_file(candle_file("BTC_USDT_2h")).tail(20_000).reset_index(drop=True)
    spec = ModelSpec(n_estimators=60, n_folds=5)
    return evaluate_model(candles, "BTC/USDT", "2h", spec=spec)


def test_calibrated_confidence_means_what_it_says(evaluation) -> None:
    report = evaluation.report
    assert report.bars_evaluated > 12_000
    assert report.out_of_sample.ece < 0.05
    assert report.out_of_sample.ece < report.uncalibrated.ece
    # calibration must not buy its lower ECE with worse probabilities overall
    assert report.out_of_sample.log_loss <= report.uncalibrated.log_loss + 0.005


def test_the_track_record_matches_the_exported_predictions(evaluation) -> None:
    frame = evaluation.predictions
    confidence = frame[["p_up", "p_down", "p_flat"]].max(axis=1)
    right = frame["predicted"] == frame["actual"]
    for band in evaluation.report.track_record:
        mask = (confidence >= band.lower) & (confidence < band.upper)
        assert int(mask.sum()) == band.calls
        assert int(right[mask].sum()) == band.right


def test_the_model_is_scored_against_naive_baselines(evaluation) -> None:
    report = evaluation.report
    majority = report.baselines["majority"]
    # one class per fold: balanced accuracy near chance, whatever its raw accuracy
    assert majority.balanced_accuracy == pytest.approx(1 / 3, abs=0.02)
    assert report.baselines["yesterday_direction"].bars == report.bars_evaluated
    # a model that calls worse than the majority class says so in its notes
    below = report.out_of_sample.accuracy < majority.accuracy
    assert below == any("below always calling" in note for note in report.notes)
