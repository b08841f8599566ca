"""The indicator set, computed with TA-Lib (the `ta` library fills what TA-Lib lacks).

Definitions follow TA-Lib and StockCharts: Wilder smoothing for RSI, ATR and ADX; EMAs
seeded with an SMA of the first period; the slow stochastic 14/3/3; Bollinger 20/2 with
the population standard deviation; VWAP over a rolling 14-bar window (as `ta` and the
StockCharts worked example define it).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from volex.analysis.ta import talib
from volex.domain.analysis import Bands, Indicators, Macd, Stoch

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["compute_indicators", "indicators_at", "rolling_vwap"]


def _f64(values: object) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


def rolling_vwap(high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray,
                 window: int = 14) -> np.ndarray:
    """Volume-weighted typical price over a rolling window.

    TA-Lib has no VWAP; it is built from TA-Lib's rolling SUM so that it matches `ta`'s
    VolumeWeightedAveragePrice without a pandas round trip on the hot path.
    """
    typical = talib.TYPPRICE(high, low, close)
    with np.errstate(divide="ignore", invalid="ignore"):
        return talib.SUM(typical * volume, window) / talib.SUM(volume, window)


def compute_indicators(candles: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every indicator of the analysis set as an array aligned with ``candles``."""
    high, low = _f64(candles["high"]), _f64(candles["low"])
    close, volume = _f64(candles["close"]), _f64(candles["volume"])
    macd, macd_signal, macd_hist = talib.MACD(close, 12, 26, 9)
    bb_upper, bb_middle, bb_lower = talib.BBANDS(close, 20, 2.0, 2.0, talib.MA_Type.SMA)
    stoch_k, stoch_d = talib.STOCH(high, low, close, 14, 3, talib.MA_Type.SMA, 3, talib.MA_Type.SMA)
    return {
        "rsi_14": talib.RSI(close, 14),
        "macd": macd,
        "macd_signal": macd_signal,
        "macd_hist": macd_hist,
        "bb_upper": bb_upper,
        "bb_middle": bb_middle,
        "bb_lower": bb_lower,
        "stoch_k": stoch_k,
        "stoch_d": stoch_d,
        "atr_14": talib.ATR(high, low, close, 14),
        "ema_20": talib.EMA(close, 20),
        "ema_50": talib.EMA(close, 50),
        "ema_200": talib.EMA(close, 200),
        "adx_14": talib.ADX(high, low, close, 14),
        "obv": talib.OBV(close, volume),
        "vwap": rolling_vwap(high, low, close, volume, 14),
    }


def _at(values: np.ndarray, index: int) -> float | None:
    if len(values) == 0:
        return None
    value = float(values[index])
    return None if math.isnan(value) else value


def indicators_at(series: dict[str, np.ndarray], index: int = -1) -> Indicators:
    """The typed snapshot of ``series`` at one bar (the last by default)."""
    v = {name: _at(values, index) for name, values in series.items()}
    return Indicators(
        rsi_14=v["rsi_14"],
        macd=Macd(macd=v["macd"], signal=v["macd_signal"], hist=v["macd_hist"]),
        bbands=Bands(upper=v["bb_upper"], middle=v["bb_middle"], lower=v["bb_lower"]),
        stoch=Stoch(k=v["stoch_k"], d=v["stoch_d"]),
        atr_14=v["atr_14"],
        ema_20=v["ema_20"],
        ema_50=v["ema_50"],
        ema_200=v["ema_200"],
        adx_14=v["adx_14"],
        obv=v["obv"],
        vwap=v["vwap"],
    )
