"""How often the monitor's detectors cry wolf: the default thresholds on the bundled 2h history.

    python benchmarks/bench_monitor.py [--k 12] [--volume-k 8] [--window 200]

Replays each bundled 2h series (BTC/USDT 2017-2025, ETH/USDT and DOGE/USDT 2025) bar by bar
through the price and volume spike detectors and counts the bars they flag: per 1,000 bars
and per 30 days. The history has a few real events (BTC's +10% pump of 2019-04-02, the crash
of 2020-03-12/13), so the count is an upper bound on the false-alarm rate; the dates flagged
are printed so a person can judge them. Also: the holes in the data (what the stale-data
detector reports when it happens live) and the time one check of one market takes.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from volex.adapters.market_data.files import sample_candles
from volex.config import MonitorSettings
from volex.monitor import detectors as d

TWO_H = 2 * 3_600_000
SERIES = ("BTC/USDT", "ETH/USDT", "DOGE/USDT")


def volume_flags(volumes: np.ndarray, window: int, k: float) -> list[int]:
    """Bars the volume detector flags, replayed one bar at a time as the watch sees them."""
    logs = np.log1p(volumes)
    return [i for i in range(window, len(logs))
            if (z := d.robust_z(logs[: i + 1], window)) is not None and z > k]


def main() -> None:
    defaults = MonitorSettings()
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=float, default=defaults.spike_k)
    parser.add_argument("--volume-k", type=float, default=defaults.volume_k)
    parser.add_argument("--window", type=int, default=defaults.spike_window)
    args = parser.parse_args()
    print(f"thresholds: price k={args.k:g}, volume k={args.volume_k:g}, window={args.window} bars")
    print(f"{'series':<10} {'bars':>6} {'price':>6} {'/1k':>6} {'/30d':>6} {'volume':>7} "
          f"{'/1k':>6} {'/30d':>6} {'gaps':>5}")
    totals = np.zeros(3)
    for symbol in SERIES:
        frame = sample_candles(symbol, "2h")
        stamps = frame["timestamp"].astype("int64").to_numpy()
        closes, volumes = frame["close"].to_numpy(), frame["volume"].to_numpy()
        price = d.spike_bars(closes, args.window, args.k)
        volume = volume_flags(volumes, args.window, args.volume_k)
        bars = len(closes) - args.window - 1
        months = bars * TWO_H / (30 * 86_400_000)
        gaps = d.data_gaps(stamps, TWO_H)
        totals += (bars, len(price), len(volume))
        print(f"{symbol:<10} {bars:>6} {len(price):>6} {len(price) / bars * 1000:>6.2f} "
              f"{len(price) / months:>6.2f} {len(volume):>7} {len(volume) / bars * 1000:>6.2f} "
              f"{len(volume) / months:>6.2f} {len(gaps):>5}")
        when = ", ".join(frame["timestamp"].iloc[i].strftime("%Y-%m-%d %H:%M") for i in price[:8])
        print(f"  price flags: {when}{' ...' if len(price) > 8 else ''}")
    bars, price, volume = totals
    months = bars * TWO_H / (30 * 86_400_000)
    print(f"{'all':<10} {int(bars):>6} {int(price):>6} {price / bars * 1000:>6.2f} "
          f"{price / months:>6.2f} {int(volume):>7} {volume / bars * 1000:>6.2f} "
          f"{volume / months:>6.2f}")
    closes = sample_candles("BTC/USDT", "2h")["close"].to_numpy()[-(args.window + 2):]
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        d.price_spike("BTC/USDT 2h", closes, args.window, args.k)
    print(f"one price-spike check of one market: {(time.perf_counter() - started) / rounds * 1e6:.0f} us")


if __name__ == "__main__":
    main()
