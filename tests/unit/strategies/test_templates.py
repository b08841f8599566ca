"""What each template does on real candles, and that no template looks ahead."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import talib

from volex.strategies import get_strategy

DATA = Path(__file__).parents[3] / ".." / "shared" / "data"
FAST_TEMPLATES = ["sma_cross", "ema_cross", "rsi_reversion", "macd_cross",
                  "bollinger_reversion", "breakout"]


@pytest.fixture(scope="module")
def bars() -> dict:
    path = DATA / "BTC_USDT_1d.csv"
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"reference data {path} is missing")
        pytest.skip(f"reference data {path} is missing")
    from volex.adapters.market_data.files import read_candles_file
    from volex.backtest.engine import bars_from_frame

    return bars_from_frame(read_candles_file(path))


@pytest.mark.parametrize("name", FAST_TEMPLATES)
def test_targets_are_long_or_flat_and_trade(bars: dict, name: str) -> None:
    strategy = get_strategy(name)
    target = np.asarray(strategy.generate(bars, strategy.defaults()))
    assert target.shape == bars["close"].shape
    assert set(np.unique(target)) == {0, 1}


@pytest.mark.parametrize("name", FAST_TEMPLATES)
def test_no_template_looks_ahead(bars: dict, name: str) -> None:
    strategy = get_strategy(name)
    full = np.asarray(strategy.generate(bars, strategy.defaults()))
    for cut in (400, 1500, 2500):
        prefix = {k: v[:cut] for k, v in bars.items()}
        part = np.asarray(strategy.generate(prefix, strategy.defaults()))
        np.testing.assert_array_equal(part, full[:cut], err_msg=f"{name} differs at cut {cut}")


def test_sma_cross_is_long_exactly_while_fast_is_above_slow(bars: dict) -> None:
    target = get_strategy("sma_cross").generate(bars, {"fast": 10, "slow": 30})
    fast, slow = talib.SMA(bars["close"], 10), talib.SMA(bars["close"], 30)
    known = ~np.isnan(slow)
    np.testing.assert_array_equal(target[known], (fast > slow)[known])
    assert not target[~known].any()


def test_rsi_reversion_buys_oversold_and_holds_until_overbought(bars: dict) -> None:
    params = {"period": 14, "lower": 30, "upper": 70}
    target = get_strategy("rsi_reversion").generate(bars, params)
    rsi = talib.RSI(bars["close"], 14)
    starts = np.flatnonzero(np.diff(target.astype(int)) == 1) + 1
    ends = np.flatnonzero(np.diff(target.astype(int)) == -1) + 1
    assert len(starts) > 3
    assert np.all(rsi[starts] < 30)
    assert np.all(rsi[ends] > 70)


def test_breakout_enters_on_a_close_above_the_previous_high(bars: dict) -> None:
    target = get_strategy("breakout").generate(bars, {"entry": 20, "exit": 10})
    starts = np.flatnonzero(np.diff(target.astype(int)) == 1) + 1
    assert len(starts) > 3
    for i in starts:
        assert bars["close"][i] > bars["high"][i - 20:i].max()
