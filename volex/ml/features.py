"""The feature matrix the signal model sees, built on ``compute_indicators``.

Every feature at bar t uses bars up to and including t only (bar t is closed when its
features are read). All features are scale-free (returns, ratios, oscillators), so one
model spans years in which the price moved by orders of magnitude.

The higher-timeframe trend reads resampled higher-timeframe bars, and only those whose
close time is at or before the close of bar t: a daily bar counts from the 2h bar that
closes at midnight, never earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from volex.analysis.indicators import compute_indicators
from volex.analysis.ta import talib
from volex.domain.candles import frame_timestamps_ms
from volex.domain.timeframes import timeframe_ms

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FEATURE_NAMES",
    "FEATURE_VERSION",
    "WARMUP_BARS",
    "build_features",
    "candle_arrays",
    "feature_matrix",
    "feature_row",
    "higher_timeframe",
    "infer_timeframe",
]

FEATURE_VERSION = 1
RETURN_HORIZONS = (1, 3, 6, 12, 24, 48)
FEATURE_NAMES: tuple[str, ...] = (
    *(f"ret_{h}" for h in RETURN_HORIZONS),
    "volatility_24",
    "rsi_14",
    "macd_hist_pct",
    "bb_pct_b",
    "bb_width",
    "stoch_k",
    "stoch_k_minus_d",
    "atr_pct",
    "adx_14",
    "ema20_dist",
    "ema50_dist",
    "ema200_dist",
    "vwap_dist",
    "volume_z_20",
    "obv_slope_10",
    "htf_trend",
    "htf_slope",
)
# Bars a frame needs before every feature is defined (EMA 200 plus the HTF EMA); the
# fast path reads this many trailing bars so that its features match the training ones.
WARMUP_BARS = 2000

_HIGHER = {"1m": "1h", "5m": "1h", "15m": "4h", "30m": "4h", "1h": "1d", "2h": "1d",
           "4h": "1d", "6h": "1w", "12h": "1w", "1d": "1w", "1w": "4w"}
_HTF_EMA = 20
_HTF_SLOPE_BARS = 3
_PRICE_COLUMNS = ("open", "high", "low", "close", "volume")
_WEEK_OFFSET_MS = 4 * 86_400_000  # epoch 0 is a Thursday; weeks start on Monday 00:00 UTC


def higher_timeframe(timeframe: str) -> str:
    """The timeframe the trend feature is read on: 2h -> 1d, 1d -> 1w, ..."""
    return _HIGHER[timeframe]


def _htf_ms(htf: str) -> int:
    return 4 * timeframe_ms("1w") if htf == "4w" else timeframe_ms(htf)


def infer_timeframe(timestamps_ms: np.ndarray) -> str:
    """The timeframe whose length is the median spacing of the bars."""
    from volex.domain.timeframes import TIMEFRAMES

    if len(timestamps_ms) < 2:
        return "1d"
    step = float(np.median(np.diff(timestamps_ms)))
    return min(TIMEFRAMES, key=lambda tf: abs(timeframe_ms(tf) - step))


def _timestamps_ms(candles: pd.DataFrame) -> np.ndarray:
    return frame_timestamps_ms(candles)


def _higher_timeframe_trend(ts_ms: np.ndarray, close: np.ndarray,
                            timeframe: str) -> tuple[np.ndarray, np.ndarray]:
    """Close vs EMA 20 and the EMA's slope on the last closed higher-timeframe bar."""
    n = len(close)
    trend, slope = np.full(n, np.nan), np.full(n, np.nan)
    if n == 0:
        return trend, slope
    htf = higher_timeframe(timeframe)
    span = _htf_ms(htf)
    offset = _WEEK_OFFSET_MS if htf in {"1w", "4w"} else 0
    bucket = (ts_ms - offset) // span
    last_in_bucket = np.append(np.flatnonzero(np.diff(bucket)), n - 1)
    htf_close = close[last_in_bucket]
    htf_close_time = (bucket[last_in_bucket] + 1) * span + offset
    ema = talib.EMA(htf_close, _HTF_EMA) if len(htf_close) >= _HTF_EMA else np.full(
        len(htf_close), np.nan)
    htf_trend = htf_close / ema - 1.0
    htf_slope = np.full(len(ema), np.nan)
    if len(ema) > _HTF_SLOPE_BARS:
        htf_slope[_HTF_SLOPE_BARS:] = ema[_HTF_SLOPE_BARS:] / ema[:-_HTF_SLOPE_BARS] - 1.0
    # The latest HTF bar that has closed by the time bar t closes.
    bar_close_time = ts_ms + timeframe_ms(timeframe)
    which = np.searchsorted(htf_close_time, bar_close_time, side="right") - 1
    known = which >= 0
    trend[known] = htf_trend[which[known]]
    slope[known] = htf_slope[which[known]]
    return trend, slope


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, 0 where den is 0 (a flat volume window is 'no news', not missing)."""
    out = np.divide(num, den, out=np.zeros_like(num), where=den != 0)
    out[np.isnan(num) | np.isnan(den)] = np.nan
    return out


def candle_arrays(candles: pd.DataFrame) -> dict[str, np.ndarray]:
    """The frame's columns as float64 arrays (timestamp as epoch ms), read once.

    Slicing these is free, so the live path slices arrays instead of frames.
    """
    arrays = {c: np.ascontiguousarray(candles[c], dtype=np.float64) for c in _PRICE_COLUMNS}
    arrays["timestamp"] = _timestamps_ms(candles)
    return arrays


def _feature_columns(bars: Mapping[str, np.ndarray], timeframe: str) -> list[np.ndarray]:
    ind = compute_indicators(bars)  # type: ignore[arg-type]  # it only indexes by column
    close, volume = bars["close"], bars["volume"]
    log_close = np.log(close)
    cols: list[np.ndarray] = []
    for h in RETURN_HORIZONS:
        ret = np.full(len(close), np.nan)
        ret[h:] = log_close[h:] - log_close[:-h]
        cols.append(ret)
    cols.append(talib.STDDEV(cols[0], 24))
    with np.errstate(divide="ignore", invalid="ignore"):
        band = ind["bb_upper"] - ind["bb_lower"]
        cols += [
            ind["rsi_14"] / 100.0,
            ind["macd_hist"] / close,
            (close - ind["bb_lower"]) / band,
            band / ind["bb_middle"],
            ind["stoch_k"] / 100.0,
            (ind["stoch_k"] - ind["stoch_d"]) / 100.0,
            ind["atr_14"] / close,
            ind["adx_14"] / 100.0,
            close / ind["ema_20"] - 1.0,
            close / ind["ema_50"] - 1.0,
            close / ind["ema_200"] - 1.0,
            close / ind["vwap"] - 1.0,
            _ratio(volume - talib.SMA(volume, 20), talib.STDDEV(volume, 20)),
            _ratio(talib.LINEARREG_SLOPE(ind["obv"], 10), talib.SMA(volume, 10)),
        ]
    cols += list(_higher_timeframe_trend(bars["timestamp"], close, timeframe))
    return cols


def feature_matrix(bars: Mapping[str, np.ndarray], timeframe: str) -> np.ndarray:
    """The (bars, features) float64 matrix from ``candle_arrays`` output (or a slice)."""
    if len(bars["close"]) == 0:
        return np.empty((0, len(FEATURE_NAMES)))
    matrix = np.vstack(_feature_columns(bars, timeframe)).T  # stacking rows copies fastest
    matrix[~np.isfinite(matrix)] = np.nan
    return matrix


def feature_row(bars: Mapping[str, np.ndarray], timeframe: str) -> np.ndarray | None:
    """The (1, features) row of the last bar only (None for no bars): the live path."""
    if len(bars["close"]) == 0:
        return None
    row = np.array([[column[-1] for column in _feature_columns(bars, timeframe)]])
    row[~np.isfinite(row)] = np.nan
    return row


def build_features(candles: pd.DataFrame, timeframe: str | None = None,
                   *, as_array: bool = False) -> pd.DataFrame | np.ndarray:
    """Features for every bar of ``candles``: NaN where a bar lacks history.

    Returns a DataFrame indexed like ``candles`` (columns ``FEATURE_NAMES``), or the raw
    float64 matrix with ``as_array=True`` (the fast path skips pandas).
    """
    bars = candle_arrays(candles)
    matrix = feature_matrix(bars, timeframe or infer_timeframe(bars["timestamp"]))
    if as_array:
        return matrix
    import pandas as pd

    return pd.DataFrame(matrix, index=candles.index, columns=list(FEATURE_NAMES))
