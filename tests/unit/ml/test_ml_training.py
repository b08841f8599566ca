"""Training and evaluation on real candles: honest reports, usable predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volex.errors import DataUnavailable
from volex.ml.features import FEATURE_NAMES
from volex.ml.reports import ModelSpec
from volex.ml.training import evaluate_model, train_model


def test_the_report_puts_the_model_next_to_its_baselines(small_model) -> None:
    report = small_model.metadata.evaluation
    assert set(report.baselines) == {"majority", "yesterday_direction"}
    assert report.spec.purge_bars >= report.spec.horizon
    for metrics in (report.out_of_sample, report.uncalibrated, *report.baselines.values()):
        assert metrics.bars == report.bars_evaluated > 1000
        assert 0 <= metrics.accuracy <= 1 and 0 <= metrics.ece <= 1 and metrics.log_loss > 0
    assert sum(b.calls for b in report.track_record) == report.bars_evaluated
    assert sum(report.class_balance.values()) == pytest.approx(1.0, abs=1e-3)


def test_metadata_says_what_was_trained_on_what(small_model, btc_2h) -> None:
    meta = small_model.metadata
    assert (meta.symbol, meta.timeframe, meta.kind) == ("BTC/USDT", "2h", "random_forest")
    assert meta.features == list(FEATURE_NAMES)
    assert meta.first_bar == btc_2h["timestamp"].iloc[0]
    assert meta.last_bar == btc_2h["timestamp"].iloc[-1]
    assert meta.training_rows < meta.bars  # warm-up and the unlabelled tail are left out
    assert {"scikit-learn", "numpy", "python"} <= set(meta.library_versions)


def test_exported_predictions_are_one_row_per_scored_bar(btc_2h, fast_spec, tmp_path) -> None:
    evaluation = evaluate_model(btc_2h, "BTC/USDT", "2h", spec=fast_spec)
    path = evaluation.write_predictions(tmp_path / "out" / "preds.csv")
    frame = pd.read_csv(path)
    assert list(frame.columns) == ["timestamp", "p_up", "p_down", "p_flat", "predicted", "actual"]
    assert len(frame) == evaluation.report.bars_evaluated
    np.testing.assert_allclose(frame[["p_up", "p_down", "p_flat"]].sum(axis=1), 1.0, atol=1e-9)
    top = frame[["p_down", "p_flat", "p_up"]].to_numpy().argmax(axis=1)
    assert (frame["predicted"] == np.array(["down", "flat", "up"])[top]).all()
    assert set(frame["actual"]) <= {"up", "down", "flat"}
    assert pd.to_datetime(frame["timestamp"]).is_monotonic_increasing


def test_same_data_same_spec_gives_the_same_report(btc_2h, fast_spec) -> None:
    a = evaluate_model(btc_2h.tail(2500), "BTC/USDT", "2h", spec=fast_spec).report
    b = evaluate_model(btc_2h.tail(2500), "BTC/USDT", "2h", spec=fast_spec).report
    assert a.out_of_sample == b.out_of_sample


@pytest.mark.parametrize("kind", ["lightgbm", "hist_gradient_boosting"])
def test_other_learners_train_and_predict(btc_2h, kind: str) -> None:
    from volex.ml.predict import predict_latest

    spec = ModelSpec(kind=kind, n_estimators=30, n_folds=3, n_jobs=1)
    model = train_model(btc_2h.tail(2500), "BTC/USDT", "2h", spec=spec)
    assert model.metadata.kind == kind
    outlook = predict_latest(model, btc_2h)
    assert outlook.p_up + outlook.p_down + outlook.p_flat == pytest.approx(1.0)


def test_settings_choose_horizon_learner_and_cost_threshold() -> None:
    from volex.config import Settings

    settings = Settings(signal={"horizon": 6, "model": "lightgbm"},
                        trading={"fee_rate": 0.002, "slippage_bps": 10})
    spec = ModelSpec.from_settings(settings)
    assert (spec.horizon, spec.kind, spec.purge_bars) == (6, "lightgbm", 6)
    assert spec.threshold == pytest.approx(0.006)


def test_too_little_history_is_a_clear_error(btc_2h, fast_spec) -> None:
    with pytest.raises(DataUnavailable, match="BTC/USDT 2h"):
        evaluate_model(btc_2h.tail(400), "BTC/USDT", "2h", spec=fast_spec)
