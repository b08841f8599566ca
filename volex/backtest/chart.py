"""The equity curve drawn in the terminal (plotext), next to buy-and-hold."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

__all__ = ["downsample", "equity_chart"]


def downsample(values: np.ndarray, points: int) -> np.ndarray:
    """Indices of at most ``points`` evenly spaced samples (first and last included)."""
    if len(values) <= points:
        return np.arange(len(values))
    index = np.linspace(0, len(values) - 1, points).round().astype(np.int64)
    # already sorted: drop neighbours that rounded alike (np.unique would import numpy.ma)
    return index[np.concatenate(([True], index[1:] != index[:-1]))]


def equity_chart(timestamps_ms: np.ndarray, equity: np.ndarray, close: np.ndarray,
                 title: str, width: int = 100, height: int = 18) -> str:
    """The strategy's equity and buy-and-hold (same starting cash) as ANSI text."""
    import plotext as plt

    keep = downsample(equity, max(20, width * 2))
    start_cash = equity[0] if equity[0] else 1.0
    hold = close[keep] / close[0] * start_cash
    x = list(range(len(keep)))
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("pro")
    plt.title(title)
    plt.plot(x, equity[keep].tolist(), label="strategy", marker="braille", color="green")
    plt.plot(x, hold.tolist(), label="buy & hold", marker="braille", color="gray")
    ticks = np.linspace(0, len(keep) - 1, 5).round().astype(int)
    plt.xticks(ticks.tolist(), [_day(timestamps_ms[keep[i]]) for i in ticks])
    if equity.max() / max(equity.min(), 1e-9) > 20:
        plt.yscale("log")
    return plt.build()


def _day(ms: int) -> str:
    return f"{datetime.fromtimestamp(int(ms) / 1000, UTC):%Y-%m-%d}"
