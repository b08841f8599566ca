"""What each template does on real candles, and that no template looks ahead."""

from __future__ import annotations

import numpy as np
import pytest
import talib

from volex.strategies import get_strategy

FAST_TEMPLATES = ["sma_cross", "ema_cross", "rsi_reversion", "macd_cross",
                  "bollinger_reversion", "breakout"]


@pytest.mark.parametrize("name", FAST_TEMPLATES)
def test_targets_are_long_or_flat_and_trade(btc_daily: dict, name: str) -> None:
    strategy = get_strategy(name)
    target = np.asarray(strategy.generate(btc_daily, strategy.defaults()))
    assert target.shape == btc_daily["close"].shape
    assert set(np.unique(target)) == {0, 1}


@pytest.mark.parametrize("name", FAST_TEMPLATES)
def test_no_template_looks_ahead(btc_daily: dict, name: str) -> None:
    strategy = get_strategy(name)
    full = np.asarray(strategy.generate(btc_daily, strategy.defaults()))
    for cut in (400, 1500, 2500):
        prefix = {k: v[:cut] for k, v in btc_daily.items()}
        part = np.asarray(strategy.generate(prefix, strategy.defaults()))
        np.testing.assert_array_equal(part, full[:cut], err_msg=f"{name} differs at cut {cut}")


def test_sma_cross_is_long_exactly_while_fast_is_above_slow(btc_daily: dict) -> None:
    target = get_strategy("sma_cross").generate(btc_daily, {"fast": 10, "slow": 30})
    fast, slow = talib.SMA(btc_daily["close"], 10), talib.SMA(btc_daily["close"], 30)
    known = ~np.isnan(slow)
    np.testing.assert_array_equal(target[known], (fast > slow)[known])
    assert not target[~known].any()


def test_rsi_reversion_buys_oversold_and_holds_until_overbought(btc_daily: dict) -> None:
    params = {"period": 14, "lower": 30, "upper": 70}
    target = get_strategy("rsi_reversion").generate(btc_daily, params)
    rsi = talib.RSI(btc_daily["close"], 14)
    starts = np.flatnonzero(np.diff(target.astype(int)) == 1) + 1
    ends = np.flatnonzero(np.diff(target.astype(int)) == -1) + 1
    assert len(starts) > 3
    assert np.all(rsi[starts] < 30)
    assert np.all(rsi[ends] > 70)


def test_breakout_enters_on_a_close_above_the_previous_high(btc_daily: dict) -> None:
    target = get_strategy("breakout").generate(btc_daily, {"entry": 20, "exit": 10})
    starts = np.flatnonzero(np.diff(target.astype(int)) == 1) + 1
    assert len(starts) > 3
    for i in starts:
        assert btc_daily["close"][i] > btc_daily["high"][i - 20:i].max()
