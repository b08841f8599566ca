"""The detectors on synthetic series with known answers and on the bundled real candles."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volex.adapters.market_data.files import sample_candles
from volex.monitor import detectors as d

HOUR = 3_600_000
TWO_H = 2 * HOUR


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def _btc_2h():
    frame = sample_candles("BTC/USDT", "2h")
    return frame["timestamp"].astype("int64").to_numpy(), frame


# -- stale data -------------------------------------------------------------------------------

def test_stale_data_fires_past_two_timeframes_plus_the_margin() -> None:
    opened = _ms("2026-01-01 10:00")          # closes at 12:00
    margin = 5 * 60_000
    assert d.stale_data("BTC 2h", opened, TWO_H, opened + TWO_H + 2 * TWO_H + margin, margin) is None
    late = d.stale_data("BTC 2h", opened, TWO_H, opened + TWO_H + 2 * TWO_H + margin + 60_000, margin)
    assert late is not None and late.detector == "stale_data"
    assert "last closed bar 246 min old (limit 245 min)" == late.message
    assert d.stale_data("BTC 2h", None, TWO_H, opened, margin).value == float("inf")


def test_the_bundled_btc_history_has_its_known_gap_of_february_2018() -> None:
    stamps, _ = _btc_2h()
    gaps = dict(d.data_gaps(stamps, TWO_H))
    # Binance's maintenance: the 2h bar of 2018-02-08 00:00 is followed by 16 missing bars.
    assert gaps[_ms("2018-02-08 00:00")] == 16
    assert max(gaps.values()) == 16
    # Fed bar by bar, the stale detector sees that hole as it happens, and not before.
    before = stamps[stamps <= _ms("2018-02-08 00:00")]
    now = _ms("2018-02-08 02:00") + 2 * TWO_H + 10 * 60_000
    assert d.stale_data("BTC/USDT 2h", int(before[-1]), TWO_H, now, 5 * 60_000) is not None
    assert d.stale_data("BTC/USDT 2h", int(before[-2]), TWO_H, _ms("2018-02-08 02:00"),
                        5 * 60_000) is None


def test_no_gaps_in_a_regular_series() -> None:
    assert d.data_gaps(list(range(0, 100 * TWO_H, TWO_H)), TWO_H) == []
    assert d.data_gaps([0, TWO_H, 4 * TWO_H], TWO_H) == [(TWO_H, 2)]


# -- spikes -----------------------------------------------------------------------------------

def test_robust_z_of_a_known_series() -> None:
    # History alternates 99 and 101: median 100, MAD 1, robust std 1.4826.
    history = [99.0, 101.0] * 50
    assert d.robust_z([*history, 100.0 + 1.4826 * 6], 100) == pytest.approx(6.0)
    assert d.robust_z([*history, 100.0], 100) == pytest.approx(0.0)
    assert d.robust_z([1.0] * 101, 100) is None      # no variation: no opinion
    assert d.robust_z([1.0, 2.0], 100) is None       # too little history


def test_a_synthetic_jump_is_flagged_and_quiet_noise_is_not() -> None:
    rng = np.random.default_rng(7)
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 400)))
    assert d.price_spike("X", closes, 200, 8.0) is None
    jumped = np.append(closes, closes[-1] * 1.2)
    found = d.price_spike("X", jumped, 200, 8.0)
    assert found is not None and found.message.startswith("+20.00% in one bar")
    assert d.price_spike("X", np.append(closes, closes[-1] * 0.8), 200, 8.0) is not None


def test_the_april_2019_pump_in_the_bundled_btc_history_is_a_spike() -> None:
    stamps, frame = _btc_2h()
    at = int(np.nonzero(stamps == _ms("2019-04-02 04:00"))[0][0])
    closes = frame["close"].to_numpy()[: at + 1]
    found = d.price_spike("BTC/USDT 2h", closes, 200, 12.0)
    assert found is not None and found.value > 30  # +10% in two hours, ~40 robust std devs
    assert d.price_spike("BTC/USDT 2h", closes[:-1], 200, 12.0) is None  # the bar before: calm
    assert at in set(d.spike_bars(frame["close"].to_numpy(), 200, 12.0).tolist())


def test_spike_bars_agrees_with_price_spike_bar_by_bar() -> None:
    _, frame = _btc_2h()
    closes = frame["close"].to_numpy()[-1200:]
    flagged = set(d.spike_bars(closes, 200, 6.0).tolist())
    one_by_one = {i for i in range(201, len(closes))
                  if d.price_spike("x", closes[: i + 1], 200, 6.0) is not None}
    assert flagged == one_by_one and flagged


def test_a_volume_burst_is_flagged() -> None:
    rng = np.random.default_rng(3)
    volumes = rng.uniform(900, 1100, 300)
    assert d.volume_spike("X", volumes, 200, 8.0) is None
    assert d.volume_spike("X", np.append(volumes, 50_000), 200, 8.0) is not None
    assert d.volume_spike("X", np.append(volumes, 10), 200, 8.0) is None  # quiet is not a spike


def test_a_gap_between_venues() -> None:
    assert d.venue_gap("BTC/USDT", {"binance": 100.0, "kraken": 101.5}, 2.0) is None
    found = d.venue_gap("BTC/USDT", {"binance": 100.0, "kraken": 103.0, "okx": 100.5}, 2.0)
    assert found is not None and found.message.startswith("kraken 103 vs binance 100: 3.00% apart")
    assert d.venue_gap("BTC/USDT", {"binance": 100.0}, 2.0) is None


# -- the exchange, the account, the autopilot ---------------------------------------------------

def test_error_rate_over_a_window() -> None:
    assert d.exchange_errors("ex", [True] * 15 + [False] * 5, 20, 0.3) is None
    found = d.exchange_errors("ex", [True] * 13 + [False] * 7, 20, 0.3)
    assert found is not None and "7 of the last 20" in found.message
    assert d.exchange_errors("ex", [False] * 3, 20, 0.3) is None  # too few to judge
    # Only the window counts: old failures are forgotten.
    assert d.exchange_errors("ex", [False] * 50 + [True] * 20, 20, 0.3) is None


def test_rising_latency() -> None:
    assert d.rising_latency("ex", [100.0] * 10 + [250.0] * 10, 3.0) is None
    found = d.rising_latency("ex", [100.0] * 10 + [400.0] * 10, 3.0)
    assert found is not None and "100 ms to 400 ms" in found.message


def test_drawdown_from_the_peak_and_daily_loss_near_its_limit() -> None:
    assert d.drawdown("equity", [100, 120, 100], 20.0) is None  # 16.7% below the peak
    found = d.drawdown("equity", [100, 120, 90], 20.0)
    assert found is not None and found.value == pytest.approx(25.0)
    assert d.daily_loss_near("loss", 3.9, 5.0) is None
    assert d.daily_loss_near("loss", 4.0, 5.0).message == "loss today 4.00% is 80% of the 5% limit"


def test_a_missing_heartbeat() -> None:
    assert d.heartbeat_missing("autopilot", None, 10_000_000, 180_000) is None
    assert d.heartbeat_missing("autopilot", 10_000_000 - 170_000, 10_000_000, 180_000) is None
    assert d.heartbeat_missing("autopilot", 10_000_000 - 200_000, 10_000_000, 180_000) is not None


@given(st.lists(st.floats(1, 1e6), min_size=2, max_size=50), st.floats(0.1, 99))
def test_drawdown_fires_exactly_when_the_last_value_is_far_enough_below_the_peak(
        equity: list[float], limit: float) -> None:
    found = d.drawdown("e", equity, limit)
    assert (found is not None) == ((1 - equity[-1] / max(equity)) * 100 > limit)
