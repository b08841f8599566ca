"""Labels: where the price is ``horizon`` bars later, net of trading costs.

A move counts as up (or down) only when it beats the round-trip cost of trading it
(fees on entry and exit plus slippage both ways); anything smaller is flat.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CLASSES",
    "DOWN",
    "FLAT",
    "UP",
    "forward_return",
    "make_labels",
    "past_direction",
    "round_trip_cost",
]

# Class codes as the estimators see them; CLASSES[code] is the name.
DOWN, FLAT, UP = 0, 1, 2
CLASSES: tuple[str, str, str] = ("down", "flat", "up")


def round_trip_cost(fee_rate: float = 0.001, slippage_bps: float = 5.0) -> float:
    """The fraction a round trip costs: a fee and slippage on the way in and out."""
    return 2.0 * (fee_rate + slippage_bps / 10_000.0)


def forward_return(close: np.ndarray, horizon: int) -> np.ndarray:
    """close[t + horizon] / close[t] - 1; NaN for the last ``horizon`` bars (not known yet)."""
    close = np.asarray(close, dtype=np.float64)
    out = np.full(len(close), np.nan)
    if horizon < 1:
        raise ValueError("horizon must be at least 1 bar")
    if len(close) > horizon:
        out[:-horizon] = close[horizon:] / close[:-horizon] - 1.0
    return out


def _classify(returns: np.ndarray, threshold: float) -> np.ndarray:
    labels = np.full(len(returns), np.nan)
    known = ~np.isnan(returns)
    labels[known] = FLAT
    labels[known & (returns > threshold)] = UP
    labels[known & (returns < -threshold)] = DOWN
    return labels


def make_labels(close: np.ndarray, horizon: int, threshold: float) -> np.ndarray:
    """Class codes (DOWN, FLAT, UP) of the forward return; NaN where it is not known yet."""
    if threshold < 0:
        raise ValueError("threshold must not be negative")
    return _classify(forward_return(close, horizon), threshold)


def past_direction(close: np.ndarray, horizon: int, threshold: float) -> np.ndarray:
    """The class of the move over the last ``horizon`` bars, known at bar t.

    The persistence baseline ("yesterday's direction" on 2h bars with a 12-bar horizon)
    predicts that the next move repeats this one.
    """
    close = np.asarray(close, dtype=np.float64)
    past = np.full(len(close), np.nan)
    if len(close) > horizon:
        past[horizon:] = close[horizon:] / close[:-horizon] - 1.0
    return _classify(past, threshold)
