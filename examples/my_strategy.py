"""A user strategy: long while the close is above its moving average and RSI is not overbought.

    volex strategy show above_average --file examples/my_strategy.py
    volex backtest above_average BTC/USDT --file examples/my_strategy.py --offline -p period=100
    volex optimize above_average BTC/USDT --file examples/my_strategy.py --offline --method bayes

A strategy is a class with a ``name``, typed ``params`` (default, range, grid step),
optional ``constraints`` and ``generate(candles, params)``, which returns the target
position of every bar (1 long, 0 flat) decided on that bar's close: use only data up to
and including the bar. ``candles`` maps timestamp (epoch ms), open, high, low, close and
volume to arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import talib

from volex.strategies import Constraint, Param, Strategy


class AboveAverage(Strategy):
    name = "above_average"
    description = "Long while close > SMA(period) and RSI(14) < overbought."
    params = (
        Param("period", 50, 5, 300, 5, "moving-average period (bars)"),
        Param("overbought", 80, 55, 95, 5, "RSI level above which we stay out"),
    )
    constraints = (Constraint("overbought > 50", lambda p: p["overbought"] > 50),)

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, float]) -> np.ndarray:
        close = np.asarray(candles["close"], dtype=np.float64)
        average = talib.SMA(close, int(params["period"]))
        rsi = talib.RSI(close, 14)
        with np.errstate(invalid="ignore"):
            return ((close > average) & (rsi < params["overbought"])).astype(np.int8)
