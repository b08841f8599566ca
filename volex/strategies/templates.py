"""The built-in strategy templates, each a few lines over TA-Lib indicators.

Every template is spot and long-only: 1 means hold the asset, 0 means hold cash. A rule
named after an event fires on the event: the cross templates enter on the bar where the fast
line crosses above the slow one and leave on the bar where it crosses below (as
backtesting.py's ``SmaCross`` with ``lib.crossover``), the breakout on the close that breaks
the channel. Level rules (RSI below ``lower``, a close below the band) hold as a state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from volex.analysis.ta import talib
from volex.strategies.base import (
    Constraint,
    Param,
    ParamValue,
    Strategy,
    as_array,
    cross_position,
    hysteresis,
)

__all__ = [
    "TEMPLATES",
    "BollingerReversion",
    "Breakout",
    "EmaCross",
    "MacdCross",
    "RsiReversion",
    "SmaCross",
]

_FAST_BELOW_SLOW = Constraint("fast < slow", lambda p: p["fast"] < p["slow"])


class _AverageCross(Strategy):
    """Long from the fast moving average crossing above the slow one until it crosses below."""

    constraints = (_FAST_BELOW_SLOW,)
    entry_event = "cross"
    average = staticmethod(talib.SMA)

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        close = as_array(candles, "close")
        return cross_position(self.average(close, int(params["fast"])),
                               self.average(close, int(params["slow"])))


class SmaCross(_AverageCross):
    name = "sma_cross"
    description = ("Buy when the fast simple moving average crosses above the slow one; sell "
                   "when it crosses below.")
    params = (
        Param("fast", 10, 2, 100, 5, "fast SMA period (bars)"),
        Param("slow", 30, 5, 300, 10, "slow SMA period (bars)"),
    )


class EmaCross(_AverageCross):
    name = "ema_cross"
    description = ("Buy when the fast exponential moving average crosses above the slow one; "
                   "sell when it crosses below.")
    params = (
        Param("fast", 12, 2, 100, 5, "fast EMA period (bars)"),
        Param("slow", 26, 5, 300, 10, "slow EMA period (bars)"),
    )
    average = staticmethod(talib.EMA)


class RsiReversion(Strategy):
    name = "rsi_reversion"
    description = "Buy when RSI falls below `lower` (oversold); sell when it rises above `upper`."
    params = (
        Param("period", 14, 2, 50, 2, "RSI period (bars)"),
        Param("lower", 30, 1, 98, 5, "oversold level: enter below it"),
        Param("upper", 70, 2, 99, 5, "overbought level: exit above it"),
    )
    constraints = (Constraint("0 < lower < upper < 100",
                              lambda p: 0 < p["lower"] < p["upper"] < 100),)

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        rsi = talib.RSI(as_array(candles, "close"), int(params["period"]))
        with np.errstate(invalid="ignore"):
            return hysteresis(rsi < params["lower"], rsi > params["upper"])


class MacdCross(Strategy):
    name = "macd_cross"
    description = ("Buy when the MACD line crosses above its signal line; sell when it "
                   "crosses below.")
    params = (
        Param("fast", 12, 2, 50, 2, "fast EMA period (bars)"),
        Param("slow", 26, 5, 100, 4, "slow EMA period (bars)"),
        Param("signal", 9, 2, 30, 2, "signal EMA period (bars)"),
    )
    constraints = (_FAST_BELOW_SLOW,)
    entry_event = "cross"

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        macd, signal, _ = talib.MACD(as_array(candles, "close"), int(params["fast"]),
                                     int(params["slow"]), int(params["signal"]))
        return cross_position(macd, signal)


class BollingerReversion(Strategy):
    name = "bollinger_reversion"
    description = "Buy a close below the lower Bollinger band; sell a close above the middle."
    params = (
        Param("period", 20, 5, 100, 5, "moving-average period (bars)"),
        Param("std", 2.0, 0.5, 4.0, 0.25, "band width in standard deviations"),
    )

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        close = as_array(candles, "close")
        width = float(params["std"])
        _, middle, lower = talib.BBANDS(close, int(params["period"]), width, width,
                                        talib.MA_Type.SMA)
        with np.errstate(invalid="ignore"):
            return hysteresis(close < lower, close > middle)


class Breakout(Strategy):
    name = "breakout"
    description = ("Donchian breakout: buy a close above the highest high of the last `entry` "
                   "bars; sell a close below the lowest low of the last `exit` bars.")
    params = (
        Param("entry", 20, 2, 200, 5, "breakout channel length (bars)"),
        Param("exit", 10, 2, 100, 5, "exit channel length (bars)"),
    )
    constraints = (Constraint("exit < entry", lambda p: p["exit"] < p["entry"]),)
    entry_event = "breakout"

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        high, low = as_array(candles, "high"), as_array(candles, "low")
        close = as_array(candles, "close")
        # The channel of the bars before this one: a close can only break a past extreme.
        upper = _shift(talib.MAX(high, int(params["entry"])))
        lower = _shift(talib.MIN(low, int(params["exit"])))
        with np.errstate(invalid="ignore"):
            return hysteresis(close > upper, close < lower)


def _shift(values: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    out[0] = np.nan
    out[1:] = values[:-1]
    return out


TEMPLATES: tuple[type[Strategy], ...] = (SmaCross, EmaCross, RsiReversion, MacdCross,
                                         BollingerReversion, Breakout)
