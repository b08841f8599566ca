"""Features: enough of them, scale-free, and never a peek at a later bar."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volex.ml.features import FEATURE_NAMES, WARMUP_BARS, build_features, higher_timeframe
from volex.ml.predict import latest_features

BARS = 700
_CANDLES: dict[int, pd.DataFrame] = {}


def _base(make_candles, seed: int) -> pd.DataFrame:
    if seed not in _CANDLES:
        _CANDLES[seed] = make_candles(BARS, seed=seed)
    return _CANDLES[seed]


def test_the_feature_set_covers_price_volume_indicators_and_a_higher_timeframe() -> None:
    assert len(FEATURE_NAMES) >= 12
    for name in ("ret_1", "ret_12", "rsi_14", "macd_hist_pct", "bb_pct_b", "bb_width", "stoch_k",
                 "atr_pct", "adx_14", "ema20_dist", "volume_z_20", "obv_slope_10", "htf_trend"):
        assert name in FEATURE_NAMES
    assert higher_timeframe("2h") == "1d" and higher_timeframe("1d") == "1w"


def test_every_feature_is_defined_after_warm_up(make_candles) -> None:
    features = build_features(_base(make_candles, 0), "2h")
    assert list(features.columns) == list(FEATURE_NAMES)
    assert features.iloc[400:].notna().all().all()


def test_features_do_not_depend_on_the_price_level(make_candles) -> None:
    candles = _base(make_candles, 0)
    scaled = candles.copy()
    scaled[["open", "high", "low", "close"]] *= 1000.0
    a, b = build_features(candles, "2h"), build_features(scaled, "2h")
    pd.testing.assert_frame_equal(a.iloc[400:], b.iloc[400:], rtol=1e-6, atol=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 3), cut=st.integers(1, BARS - 2), shock=st.floats(0.2, 5.0),
       noise_seed=st.integers(0, 2**16))
def test_features_at_bar_t_ignore_every_later_bar(make_candles, seed: int, cut: int,
                                                  shock: float, noise_seed: int) -> None:
    candles = _base(make_candles, seed)
    later = candles.copy()
    rng = np.random.default_rng(noise_seed)
    after = slice(cut + 1, None)
    factor = shock * rng.lognormal(0, 0.3, BARS - cut - 1)
    for col in ("open", "high", "low", "close"):
        later.loc[later.index[after], col] = candles[col].to_numpy()[after] * factor
    later.loc[later.index[after], "volume"] = rng.lognormal(8, 2, BARS - cut - 1)
    before = build_features(candles, "2h", as_array=True)[: cut + 1]
    changed = build_features(later, "2h", as_array=True)[: cut + 1]
    truncated = build_features(candles.iloc[: cut + 1], "2h", as_array=True)
    np.testing.assert_array_equal(before, changed)
    np.testing.assert_array_equal(before, truncated)


def test_the_daily_trend_moves_only_when_a_day_has_closed(make_candles) -> None:
    candles = _base(make_candles, 1)
    trend = build_features(candles, "2h")["htf_trend"].to_numpy()
    hours = candles["timestamp"].dt.hour.to_numpy()
    changes = np.flatnonzero(np.diff(trend) != 0) + 1
    changes = changes[~np.isnan(trend[changes])]
    assert len(changes) > 10
    assert set(hours[changes]) == {22}  # the 22:00 bar closes at midnight: the day is done


def test_the_weekly_trend_of_daily_bars_moves_only_when_a_week_has_closed(make_candles) -> None:
    candles = make_candles(700, seed=2, freq="1D")
    trend = build_features(candles, "1d")["htf_trend"].to_numpy()
    changes = np.flatnonzero(np.diff(trend) != 0) + 1
    changes = changes[~np.isnan(trend[changes])]
    assert len(changes) > 10
    # the Sunday bar closes at Monday 00:00 UTC, when the week is done
    assert set(candles["timestamp"].dt.day_of_week.to_numpy()[changes]) == {6}


def test_the_fast_path_reads_the_same_features_as_training(btc_2h: pd.DataFrame) -> None:
    full = build_features(btc_2h, "2h", as_array=True)[-1]
    assert len(btc_2h) > WARMUP_BARS
    fast = latest_features(btc_2h, "2h")[0]
    np.testing.assert_allclose(fast, full, rtol=1e-5, atol=1e-9)
