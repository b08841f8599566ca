"""The registry: models survive a round trip with their metadata; staleness by new bars."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from volex.ml.predict import predict_latest
from volex.ml.registry import ModelNotFound, ModelRegistry, ensure_model, is_stale, new_bars_since


def test_a_saved_model_loads_back_and_predicts_the_same(small_model, btc_2h, volex_home) -> None:
    registry = ModelRegistry()
    folder = registry.save(small_model)
    assert folder.parent == volex_home / "models"
    meta = json.loads((folder / "metadata.json").read_text())
    for key in ("symbol", "timeframe", "features", "first_bar", "last_bar", "library_versions"):
        assert key in meta
    assert "ece" in meta["evaluation"]["out_of_sample"]
    assert meta["evaluation"]["track_record"][0]["calls"] > 0
    loaded = registry.load("BTC/USDT", "2h")
    assert loaded.metadata == small_model.metadata
    assert predict_latest(loaded, btc_2h) == predict_latest(small_model, btc_2h)
    assert [m.symbol for m in registry.list()] == ["BTC/USDT"]


def test_a_missing_model_says_how_to_train_one(tmp_path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    assert registry.list() == []
    with pytest.raises(ModelNotFound, match="volex model train ETH/USDT --timeframe 1h"):
        registry.load("ETH/USDT", "1h")


def test_a_model_goes_stale_after_enough_new_bars(small_model, btc_2h) -> None:
    meta = small_model.metadata
    assert new_bars_since(meta, btc_2h) == 0
    assert not is_stale(meta, btc_2h, retrain_after_bars=1)
    extra = btc_2h.tail(30).copy()
    extra["timestamp"] += pd.Timedelta(hours=60)  # the same 30 bars again, just after the last
    longer = pd.concat([btc_2h, extra], ignore_index=True)
    assert new_bars_since(meta, longer) == 30
    assert is_stale(meta, longer, retrain_after_bars=30)
    assert not is_stale(meta, longer, retrain_after_bars=31)
    changed = meta.model_copy(update={"feature_version": meta.feature_version + 1})
    assert is_stale(changed, btc_2h, retrain_after_bars=10_000)


def test_ensure_model_trains_once_then_reuses_until_stale(btc_2h, fast_spec) -> None:
    from volex.config import SignalSettings

    registry = ModelRegistry()
    history = btc_2h.tail(2500).reset_index(drop=True)
    first = ensure_model(registry, history.iloc[:-40], "BTC/USDT", "2h",
                         SignalSettings(retrain_after_bars=30))
    created = first.metadata.created_at
    again = ensure_model(registry, history.iloc[:-20], "BTC/USDT", "2h",
                         SignalSettings(retrain_after_bars=30))
    assert again.metadata.created_at == created  # 20 new bars: still fresh
    later = ensure_model(registry, history, "BTC/USDT", "2h",
                         SignalSettings(retrain_after_bars=30))
    assert later.metadata.created_at > created  # 40 new bars: retrained
    assert later.metadata.last_bar == history["timestamp"].iloc[-1]


def test_predictions_load_without_scikit_learn_and_match_the_full_model(
        small_model, btc_2h, volex_home) -> None:
    import subprocess
    import sys

    registry = ModelRegistry()
    registry.save(small_model)
    light = registry.load("BTC/USDT", "2h", predict_only=True)
    assert light.estimator is None
    assert predict_latest(light, btc_2h) == predict_latest(small_model, btc_2h)
    code = ("import sys; from volex.ml.registry import ModelRegistry\n"
            "m = ModelRegistry().load('BTC/USDT', '2h', predict_only=True)\n"
            "print('SKLEARN', any(k.startswith('sklearn') for k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "VOLEX_HOME": str(volex_home)})
    assert "SKLEARN False" in out.stdout
