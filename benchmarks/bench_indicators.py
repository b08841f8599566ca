"""The full indicator set (RSI, MACD, Bollinger, Stochastic, ATR, EMA 20/50/200, ADX, OBV, VWAP).

Goal: 500 bars in under 0.5 ms; 1,000,000 bars in under 150 ms (medians, warm process).
Input: the real BTC/USDT 2h candles bundled with the package (tiled to 1M bars).

    python benchmarks/bench_indicators.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from volex.adapters.market_data.files import sample_candles
from volex.analysis.indicators import compute_indicators


def _median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {c: frame[c].to_numpy(np.float64) for c in ("open", "high", "low", "close", "volume")}


def main() -> None:
    frame = sample_candles("BTC/USDT", "2h")
    small = _arrays(frame.tail(500))
    reps = -(-1_000_000 // len(frame))
    big = {k: np.tile(v, reps)[:1_000_000] for k, v in _arrays(frame).items()}
    small_frame = frame.tail(500)
    print(f"indicator set, 500 bars (arrays):     {_median_ms(lambda: compute_indicators(small), 200):8.3f} ms  (goal < 0.5)")
    print(f"indicator set, 500 bars (DataFrame):  {_median_ms(lambda: compute_indicators(small_frame), 200):8.3f} ms")
    print(f"indicator set, 1,000,000 bars:        {_median_ms(lambda: compute_indicators(big), 7):8.1f} ms  (goal < 150)")


if __name__ == "__main__":
    main()
