"""The bar loop, compiled with numba (cached on disk) because every bar depends on the last.

Rules, in the order they apply on each bar ``i``:

1. The target decided on bar ``i - 1``'s close is acted on at bar ``i``'s open: enter long
   with all cash when flat, or exit when long. Buys fill at ``open * (1 + slip)``, sells at
   ``open * (1 - slip)``; the fee is charged on the traded value of every fill.
2. While long (including the entry bar), the stop and the target are checked against the
   bar's low and high; when both are touched, the stop (the worse case) is taken. A bar
   that opens beyond a level fills at its open (a gap), otherwise at the level.
3. After a stop or target exit the strategy must go flat before it may enter again.
4. The equity is marked at each close; an open position is sold at the last close.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["EXIT_END", "EXIT_SIGNAL", "EXIT_STOP", "EXIT_TARGET", "simulate"]

EXIT_SIGNAL, EXIT_STOP, EXIT_TARGET, EXIT_END = 0, 1, 2, 3


@njit(cache=True, nogil=True)
def _close(i, price, code, units, cost, fee, trade, exit_bar, exit_price, pnl, reason):
    """Record the sale of ``units`` at ``price`` as trade number ``trade``; returns the cash."""
    cash = units * price * (1.0 - fee)
    exit_bar[trade] = i
    exit_price[trade] = price
    pnl[trade] = cash - cost
    reason[trade] = code
    return cash


@njit(cache=True, nogil=True)
def simulate(open_, high, low, close, target, cash, fee, slip, stop_pct, take_pct):
    """Run the long-only rules over one series; returns the equity curve and the trades."""
    n = open_.shape[0]
    equity = np.empty(n)
    cap = n // 2 + 1
    entry_bar = np.empty(cap, np.int64)
    exit_bar = np.empty(cap, np.int64)
    entry_price = np.empty(cap)
    exit_price = np.empty(cap)
    size = np.empty(cap)
    pnl = np.empty(cap)
    reason = np.empty(cap, np.int8)
    trades = 0
    units = 0.0
    cost = 0.0
    stop_level = 0.0
    take_level = 0.0
    armed = True
    held_bars = 0
    for i in range(n):
        if i > 0:
            want = target[i - 1]
            if want <= 0:
                armed = True
            if units == 0.0 and want > 0 and armed:
                price = open_[i] * (1.0 + slip)
                units = cash / (price * (1.0 + fee))
                cost = cash
                cash = 0.0
                entry_bar[trades] = i
                entry_price[trades] = price
                size[trades] = units
                stop_level = price * (1.0 - stop_pct) if stop_pct > 0.0 else -1.0
                take_level = price * (1.0 + take_pct) if take_pct > 0.0 else np.inf
            elif units > 0.0 and want <= 0:
                cash = _close(i, open_[i] * (1.0 - slip), EXIT_SIGNAL, units, cost, fee, trades,
                              exit_bar, exit_price, pnl, reason)
                trades += 1
                units = 0.0
        if units > 0.0:
            level = 0.0
            code = -1
            if low[i] <= stop_level:
                level = min(open_[i], stop_level)
                code = EXIT_STOP
            elif high[i] >= take_level:
                level = max(open_[i], take_level)
                code = EXIT_TARGET
            if code >= 0:
                cash = _close(i, level * (1.0 - slip), code, units, cost, fee, trades, exit_bar,
                              exit_price, pnl, reason)
                trades += 1
                units = 0.0
                armed = False
        if units > 0.0:
            held_bars += 1
        equity[i] = cash + units * close[i]
    if units > 0.0:
        cash = _close(n - 1, close[n - 1] * (1.0 - slip), EXIT_END, units, cost, fee, trades,
                      exit_bar, exit_price, pnl, reason)
        trades += 1
        equity[n - 1] = cash
    return (equity, entry_bar[:trades], exit_bar[:trades], entry_price[:trades],
            exit_price[:trades], size[:trades], pnl[:trades], reason[:trades], held_bars)
