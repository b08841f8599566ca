"""Anomaly detectors: pure functions over data, each returning a ``Finding`` or None.

No detector reads a clock, a store or the network: the watch loop gathers the data (candles,
venue outcomes, equity, the autopilot's heartbeat) and passes "now" in, so each detector is
tested on synthetic series with known answers and on the bundled real candles.

Spikes use robust statistics: a move is measured against the median absolute deviation
(MAD) of the previous ``window`` moves, scaled by 1.4826 so it estimates one standard
deviation of normal data, yet a few wild bars in the window do not hide the next one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Finding", "daily_loss_near", "data_gaps", "drawdown", "exchange_errors",
           "heartbeat_missing", "price_spike", "rising_latency", "robust_z", "spike_bars",
           "stale_data", "venue_gap", "volume_spike"]

MAD_TO_STD = 1.4826


@dataclass(frozen=True)
class Finding:
    """What a detector saw: which detector, about what, in words, and the measured value."""

    detector: str
    subject: str
    message: str
    value: float
    threshold: float


def stale_data(subject: str, last_bar_open_ms: int | None, timeframe_ms: int, now_ms: int,
               margin_ms: int) -> Finding | None:
    """The last closed bar is older than twice the timeframe plus ``margin_ms``.

    A bar closes one timeframe after it opens; a healthy feed has its newest closed bar less
    than one timeframe old, so two timeframes plus a margin means at least one bar is missing.
    """
    limit = 2 * timeframe_ms + margin_ms
    if last_bar_open_ms is None:
        return Finding("stale_data", subject, "no closed bar at all", float("inf"), limit / 1000)
    age = now_ms - (last_bar_open_ms + timeframe_ms)
    if age <= limit:
        return None
    return Finding("stale_data", subject,
                   f"last closed bar {age / 60_000:.0f} min old (limit {limit / 60_000:.0f} min)",
                   age / 1000, limit / 1000)


def data_gaps(timestamps_ms: Sequence[int], timeframe_ms: int) -> list[tuple[int, int]]:
    """Holes in a series of bar open times: (open time of the bar before the hole, bars missing)."""
    stamps = np.asarray(timestamps_ms, dtype="int64")
    if len(stamps) < 2:
        return []
    steps = np.diff(stamps)
    where = np.nonzero(steps > timeframe_ms)[0]
    return [(int(stamps[i]), int(steps[i] // timeframe_ms) - 1) for i in where]


def robust_z(values: Sequence[float], window: int) -> float | None:
    """How many robust standard deviations the last value lies from the median of the
    ``window`` values before it; None with too little history or no variation."""
    data = np.asarray(values, dtype="float64")
    if len(data) < window + 1:
        return None
    history, last = data[-window - 1:-1], data[-1]
    centre = float(np.median(history))
    spread = MAD_TO_STD * float(np.median(np.abs(history - centre)))
    if spread == 0 or not np.isfinite(last):
        return None
    return (last - centre) / spread


def _log_returns(closes: Sequence[float]) -> np.ndarray:
    prices = np.asarray(closes, dtype="float64")
    return np.diff(np.log(prices))


def price_spike(subject: str, closes: Sequence[float], window: int, k: float) -> Finding | None:
    """The last bar's move (log return) is more than ``k`` robust standard deviations."""
    z = robust_z(_log_returns(closes), window)
    if z is None or abs(z) <= k:
        return None
    move = (float(closes[-1]) / float(closes[-2]) - 1) * 100
    return Finding("price_spike", subject,
                   f"{move:+.2f}% in one bar, {abs(z):.1f} robust std devs (limit {k:g})",
                   abs(z), k)


def volume_spike(subject: str, volumes: Sequence[float], window: int, k: float) -> Finding | None:
    """The last bar's volume (in logs) is more than ``k`` robust standard deviations high."""
    z = robust_z(np.log1p(np.asarray(volumes, dtype="float64")), window)
    if z is None or z <= k:
        return None
    return Finding("volume_spike", subject,
                   f"volume {float(volumes[-1]):,.0f}, {z:.1f} robust std devs above usual "
                   f"(limit {k:g})", z, k)


def spike_bars(closes: Sequence[float], window: int, k: float) -> np.ndarray:
    """Indices (into ``closes``) of every bar whose move ``price_spike`` would flag: the
    detector run over a whole history at once (tests and the false-alarm benchmark)."""
    from numpy.lib.stride_tricks import sliding_window_view

    returns = _log_returns(closes)
    if len(returns) < window + 1:
        return np.array([], dtype="int64")
    history = sliding_window_view(returns[:-1], window)
    centre = np.median(history, axis=1)
    spread = MAD_TO_STD * np.median(np.abs(history - centre[:, None]), axis=1)
    last = returns[window:]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(spread > 0, (last - centre) / spread, 0.0)
    return np.nonzero(np.abs(z) > k)[0] + window + 1


def venue_gap(subject: str, prices: Mapping[str, float], max_gap_pct: float) -> Finding | None:
    """The venues' prices for one market differ by more than ``max_gap_pct`` (high vs low)."""
    usable = {venue: float(p) for venue, p in prices.items() if p and p > 0}
    if len(usable) < 2:
        return None
    high = max(usable, key=usable.__getitem__)
    low = min(usable, key=usable.__getitem__)
    gap = (usable[high] / usable[low] - 1) * 100
    if gap <= max_gap_pct:
        return None
    return Finding("venue_gap", subject,
                   f"{high} {usable[high]:,.8g} vs {low} {usable[low]:,.8g}: {gap:.2f}% apart "
                   f"(limit {max_gap_pct:g}%)", gap, max_gap_pct)


def exchange_errors(subject: str, outcomes: Sequence[bool], window: int, max_rate: float,
                    min_count: int = 5) -> Finding | None:
    """Of the last ``window`` calls or orders (True = ok), the share that failed or was
    rejected exceeds ``max_rate``; fewer than ``min_count`` is too little to judge."""
    recent = list(outcomes)[-window:]
    if len(recent) < min_count:
        return None
    rate = recent.count(False) / len(recent)
    if rate <= max_rate:
        return None
    return Finding("exchange_errors", subject,
                   f"{recent.count(False)} of the last {len(recent)} requests failed or were "
                   f"rejected ({rate:.0%}, limit {max_rate:.0%})", rate, max_rate)


def rising_latency(subject: str, latencies_ms: Sequence[float], factor: float,
                   min_count: int = 10) -> Finding | None:
    """The median latency of the newer half of the samples is ``factor`` times the older half's."""
    data = np.asarray(latencies_ms, dtype="float64")
    if len(data) < min_count:
        return None
    half = len(data) // 2
    before, now = float(np.median(data[:half])), float(np.median(data[half:]))
    if before <= 0 or now / before <= factor:
        return None
    return Finding("exchange_latency", subject,
                   f"latency up from {before:.0f} ms to {now:.0f} ms ({now / before:.1f}x, "
                   f"limit {factor:g}x)", now / before, factor)


def drawdown(subject: str, equity: Sequence[float], max_pct: float) -> Finding | None:
    """Equity has fallen more than ``max_pct`` from its peak."""
    data = np.asarray(equity, dtype="float64")
    if len(data) == 0:
        return None
    peak = float(np.max(data))
    if peak <= 0:
        return None
    down = (1 - float(data[-1]) / peak) * 100
    if down <= max_pct:
        return None
    return Finding("drawdown", subject,
                   f"equity {float(data[-1]):,.2f} is {down:.1f}% below its peak {peak:,.2f} "
                   f"(limit {max_pct:g}%)", down, max_pct)


def daily_loss_near(subject: str, loss_pct: float, limit_pct: float,
                    fraction: float = 0.8) -> Finding | None:
    """Today's loss has reached ``fraction`` of the daily loss limit (the halt comes at 100%)."""
    if limit_pct <= 0 or loss_pct < limit_pct * fraction:
        return None
    return Finding("daily_loss", subject,
                   f"loss today {loss_pct:.2f}% is {loss_pct / limit_pct:.0%} of the "
                   f"{limit_pct:g}% limit", loss_pct, limit_pct * fraction)


def heartbeat_missing(subject: str, last_beat_ms: int | None, now_ms: int,
                      max_age_ms: int) -> Finding | None:
    """A process that promised to beat (the autopilot holding its lease) has not for too long."""
    if last_beat_ms is None:
        return None  # nothing runs, so nothing is missing
    age = now_ms - last_beat_ms
    if age <= max_age_ms:
        return None
    return Finding("autopilot_heartbeat", subject,
                   f"no heartbeat for {age / 1000:.0f} s (limit {max_age_ms / 1000:.0f} s)",
                   age / 1000, max_age_ms / 1000)
