"""The bar rules of ``_kernel.simulate`` for one market, all cash in, without stops or
targets, in vectorised numpy (``portfolio.simulate_basket`` takes this path then).

Without a stop or a target the position on bar ``i`` is simply the target of bar
``i - 1``, so every trade and the equity curve follow from a few array operations, and a
plain backtest never pays numba's start-up cost (about half a second in a fresh process).
Results equal the numba kernel's (a test holds the two together).
"""

from __future__ import annotations

import numpy as np

__all__ = ["simulate_without_stops"]


def simulate_without_stops(open_: np.ndarray, close: np.ndarray, target: np.ndarray,
                           cash: float, fee: float, slip: float) -> tuple:
    """One market's equity, trades (entry/exit bar and price, size, PnL, reason) and held bars."""
    from volex.backtest._kernel_codes import EXIT_END, EXIT_SIGNAL

    n = len(close)
    held = np.zeros(n, dtype=np.bool_)
    held[1:] = target[:-1] > 0
    change = np.diff(held.view(np.int8), prepend=np.int8(0))
    entry_bar = np.flatnonzero(change == 1)
    exit_bar = np.flatnonzero(change == -1)
    open_at_end = len(exit_bar) < len(entry_bar)
    entry_price = open_[entry_bar] * (1.0 + slip)
    exit_price = np.empty(len(entry_bar))
    exit_price[: len(exit_bar)] = open_[exit_bar] * (1.0 - slip)
    reason = np.full(len(entry_bar), EXIT_SIGNAL, dtype=np.int8)
    if open_at_end:
        exit_bar = np.append(exit_bar, n - 1)
        exit_price[-1] = close[n - 1] * (1.0 - slip)
        reason[-1] = EXIT_END
    growth = exit_price * (1.0 - fee) / (entry_price * (1.0 + fee))
    cash_after = cash * np.cumprod(growth)
    cash_before = np.concatenate([[cash], cash_after[:-1]])
    size = cash_before / (entry_price * (1.0 + fee))
    pnl = cash_after - cash_before

    # Equity: the cash after the trades closed so far, or the position marked at the close.
    closed_so_far = np.cumsum(change == -1)
    equity = np.concatenate([[cash], cash_after])[closed_so_far]
    trade_of_bar = np.cumsum(change == 1) - 1
    equity[held] = size[trade_of_bar[held]] * close[held]
    if open_at_end:
        equity[-1] = cash_after[-1]
    return (equity, entry_bar.astype(np.int64), exit_bar.astype(np.int64), entry_price,
            exit_price, size, pnl, reason, int(held.sum()))
