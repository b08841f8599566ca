"""The promotion gate on the bundled BTC/USDT 1d candles: a candidate replaces the model in
use only when it beats it on the bars that model never saw."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.support.models import shuffled_label_trainer
from volex.adapters.market_data.files import sample_candles
from volex.config import ImproveSettings
from volex.improve.models import CallScores, _verdict, default_trainer, judge_candidate
from volex.ml.reports import ModelSpec
from volex.ml.training import train_model

SPEC = ModelSpec(n_estimators=30, n_folds=3, n_jobs=1)
HELD_OUT = 1000  # the newest bars: after the current model's training data
THRESHOLD = 0.6


@pytest.fixture(scope="module")
def candles() -> pd.DataFrame:
    frame = sample_candles("BTC/USDT", "1d")
    assert frame is not None
    return frame.reset_index(drop=True)


@pytest.fixture(scope="module")
def good_current(candles):
    return train_model(candles.head(len(candles) - HELD_OUT), "BTC/USDT", "1d", spec=SPEC)


def test_a_candidate_trained_on_shuffled_labels_is_never_promoted(good_current, candles) -> None:
    decision, promoted = judge_candidate(good_current, candles, ImproveSettings(), THRESHOLD,
                                         trainer=shuffled_label_trainer)
    assert (decision.outcome, promoted) == ("kept", None)
    assert "log loss gain" in decision.reason
    assert decision.current.bars == decision.candidate.bars > 900  # the same held-out bars
    assert decision.candidate.log_loss > decision.current.log_loss


def test_a_real_candidate_replaces_a_shuffled_label_model(candles) -> None:
    bad = shuffled_label_trainer(candles.head(len(candles) - HELD_OUT), "BTC/USDT", "1d", SPEC)
    decision, promoted = judge_candidate(bad, candles, ImproveSettings(), THRESHOLD)
    assert decision.outcome == "promoted", decision.reason
    gain = decision.current.log_loss - decision.candidate.log_loss
    assert gain >= ImproveSettings().min_logloss_gain
    assert decision.candidate.calls >= ImproveSettings().min_calls
    assert decision.candidate.hit_rate >= decision.current.hit_rate
    assert promoted is not None  # retrained on everything, ready to save
    assert promoted.metadata.last_bar == candles["timestamp"].iloc[-1].to_pydatetime()
    assert promoted.metadata.spec == SPEC  # the recipe of the model it replaces


def test_without_enough_new_bars_the_current_model_stays(candles) -> None:
    current = train_model(candles.head(len(candles) - 100), "BTC/USDT", "1d", spec=SPEC)
    decision, promoted = judge_candidate(current, candles, ImproveSettings(), THRESHOLD)
    assert (decision.outcome, promoted, decision.candidate) == ("kept", None, None)
    assert "labelled bars since the model's last training bar" in decision.reason


def test_a_sliding_window_trains_only_on_the_last_bars(good_current, candles) -> None:
    seen: list[tuple[int, pd.Timestamp]] = []

    def recording(frame, symbol, timeframe, spec):
        seen.append((len(frame), frame["timestamp"].iloc[-1]))
        return default_trainer(frame, symbol, timeframe, spec)

    settings = ImproveSettings(window="sliding", window_bars=1000, blocks=2)
    judge_candidate(good_current, candles, settings, THRESHOLD, trainer=recording)
    assert len(seen) >= 2 and all(n == 1000 for n, _ in seen)
    first_block = seen[0][1]
    assert first_block <= pd.Timestamp(good_current.metadata.last_bar) + pd.Timedelta(days=13)


@pytest.mark.parametrize(("candidate", "why"), [
    (CallScores(bars=500, log_loss=0.79, calls=5, right=5), "only 5 calls"),
    (CallScores(bars=500, log_loss=0.79, calls=100, right=50), "hit rate 50.0% is worse"),
    (CallScores(bars=500, log_loss=0.799, calls=100, right=70), "log loss gain +0.0010"),
])
def test_each_rule_of_the_gate_can_keep_the_current_model(candidate, why) -> None:
    current = CallScores(bars=500, log_loss=0.80, calls=100, right=60)
    outcome, reason = _verdict(current, candidate, ImproveSettings())
    assert outcome == "kept" and why in reason
    better = CallScores(bars=500, log_loss=0.79, calls=100, right=60)
    assert _verdict(current, better, ImproveSettings())[0] == "promoted"
