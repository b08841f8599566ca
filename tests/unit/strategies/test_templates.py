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


def _lines(name: str, close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if name == "macd_cross":
        macd, signal, _ = talib.MACD(close, 12, 26, 9)
        return macd, signal
    average = talib.SMA if name == "sma_cross" else talib.EMA
    return average(close, 10), average(close, 30)


CROSS = {"sma_cross": {"fast": 10, "slow": 30}, "ema_cross": {"fast": 10, "slow": 30},
         "macd_cross": {"fast": 12, "slow": 26, "signal": 9}}


@pytest.mark.parametrize("name", list(CROSS))
def test_cross_templates_enter_on_the_cross_and_leave_on_the_cross_back(btc_daily: dict,
                                                                        name: str) -> None:
    target = get_strategy(name).generate(btc_daily, CROSS[name]).astype(int)
    fast, slow = _lines(name, btc_daily["close"])
    starts = np.flatnonzero(np.diff(target) == 1) + 1
    ends = np.flatnonzero(np.diff(target) == -1) + 1
    assert len(starts) > 10
    assert np.all((fast[starts - 1] < slow[starts - 1]) & (fast[starts] > slow[starts]))
    assert np.all((fast[ends - 1] > slow[ends - 1]) & (fast[ends] < slow[ends]))


@pytest.mark.parametrize("name", list(CROSS))
def test_history_that_opens_mid_trend_waits_for_the_next_cross(btc_daily: dict,
                                                               name: str) -> None:
    fast, slow = _lines(name, btc_daily["close"])
    with np.errstate(invalid="ignore"):
        above = fast > slow
    # a cut 40 bars into a stretch where the fast line is above: both lines exist by then
    begin = next(i for i in range(200, len(above)) if above[i - 40:i + 1].all())
    cut = {k: v[begin - 40:] for k, v in btc_daily.items()}
    target = get_strategy(name).generate(cut, CROSS[name])
    cut_fast, cut_slow = _lines(name, cut["close"])
    with np.errstate(invalid="ignore"):
        crossed = np.flatnonzero((cut_fast[:-1] < cut_slow[:-1]) & (cut_fast[1:] > cut_slow[1:]))
    first_cross = int(crossed[0]) + 1
    assert above[begin] and not target[:first_cross].any()
    assert target[first_cross] == 1


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
