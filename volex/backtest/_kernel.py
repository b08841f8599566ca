"""The bar loop of every backtest: one account over one or many markets, compiled with numba.

Markets share one clock (the union of their bar times; arrays are ``(markets, clock)``).
A market without a bar at a time is not traded then. On each clock time ``t``, in order:

1. Signal exits: for each market with a bar, the target decided on its previous bar's close
   (``want``) is acted on at this bar's open; a long whose target is flat sells at
   ``open * (1 - slip)``. A flat target re-arms the market.
2. Entries: the markets whose target is long, that are flat and armed, are served in the
   documented order (higher target first, then ``rank``: the symbol's alphabetical rank).
   Each asks the allocator (``volex.portfolio.allocator.stake_size``, compiled here) for a
   stake against the equity marked at the last closes before this bar, and buys at
   ``open * (1 + slip)`` with ``stake / (price * (1 + fee))`` units. A refused signal is
   recorded with its reason and gone: the market must go flat before it may enter again.
3. While long (including the entry bar), the stop and the target are checked against the
   bar's low and high; when both are touched, the stop (the worse case) is taken. A bar
   that opens beyond a level fills at its open, otherwise at the level. After a stop or
   target exit the market must go flat before it may enter again.
4. Marks: each market's close becomes its mark; a position still open on its market's last
   bar is sold at that close (``end``). The equity is cash plus positions at their marks.

The fee is charged on the traded value of every fill. With one market, one slot and no
caps, these are exactly the rules of a single-market backtest (all cash in, all cash out).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from volex.backtest._kernel_codes import EXIT_END, EXIT_SIGNAL, EXIT_STOP, EXIT_TARGET
from volex.portfolio.allocator import stake_size

__all__ = ["simulate"]

_stake = njit(cache=True, nogil=True)(stake_size)
# Below this share of equity a stake is dust, and the signal is refused.
MIN_STAKE_FRACTION = 1e-9


@njit(cache=True, nogil=True)
def simulate(open_, high, low, close, has_bar, want, atr, last_bar, rank, cash, fee, slip,
             stop_pct, take_pct, rule, max_open, stake_amount, max_asset_frac,
             max_exposure_frac, risk_frac, atr_multiple, capacity):
    """Run the rules above; returns the curves, the trades and the refused signals."""
    markets, clock = open_.shape
    equity = np.empty(clock)
    exposure_curve = np.empty(clock)
    open_curve = np.empty(clock, np.int64)
    t_market = np.empty(capacity, np.int64)
    entry_bar = np.empty(capacity, np.int64)
    exit_bar = np.empty(capacity, np.int64)
    entry_price = np.empty(capacity)
    exit_price = np.empty(capacity)
    size = np.empty(capacity)
    pnl = np.empty(capacity)
    reason = np.empty(capacity, np.int8)
    r_market = np.empty(capacity, np.int64)
    r_bar = np.empty(capacity, np.int64)
    r_code = np.empty(capacity, np.int8)
    units = np.zeros(markets)
    cost = np.zeros(markets)
    mark = np.zeros(markets)
    stop_level = np.zeros(markets)
    take_level = np.zeros(markets)
    trade_of = np.zeros(markets, np.int64)
    armed = np.ones(markets, np.bool_)
    order = np.empty(markets, np.int64)
    trades = 0
    refused = 0
    open_count = 0
    held_bars = 0
    for t in range(clock):
        # 1. signal exits at the open
        for m in range(markets):
            if not has_bar[m, t]:
                continue
            if want[m, t] <= 0:
                armed[m] = True
                if units[m] > 0.0:
                    cash += _sell(t, open_[m, t] * (1.0 - slip), EXIT_SIGNAL, units[m], cost[m],
                                  fee, trade_of[m], exit_bar, exit_price, pnl, reason)
                    units[m] = 0.0
                    open_count -= 1
        # 2. entries, served in order, sized on the equity at the last marks
        candidates = 0
        for m in range(markets):
            if has_bar[m, t] and units[m] == 0.0 and want[m, t] > 0 and armed[m]:
                j = candidates
                while j > 0 and _before(want[m, t], rank[m], want[order[j - 1], t],
                                        rank[order[j - 1]]):
                    order[j] = order[j - 1]
                    j -= 1
                order[j] = m
                candidates += 1
        if candidates:
            exposure = 0.0
            for m in range(markets):
                if units[m] > 0.0:
                    exposure += units[m] * mark[m]
            book_equity = cash + exposure
            for k in range(candidates):
                m = order[k]
                price = open_[m, t] * (1.0 + slip)
                stake, code = _stake(rule, max_open, stake_amount, max_asset_frac,
                                     max_exposure_frac, risk_frac, atr_multiple,
                                     book_equity * MIN_STAKE_FRACTION, book_equity, cash,
                                     open_count, exposure, 0.0, price, atr[m, t])
                armed[m] = code == 0
                if code:
                    r_market[refused] = m
                    r_bar[refused] = t
                    r_code[refused] = code
                    refused += 1
                    continue
                units[m] = stake / (price * (1.0 + fee))
                cost[m] = stake
                cash -= stake
                exposure += stake
                open_count += 1
                trade_of[m] = trades
                t_market[trades] = m
                entry_bar[trades] = t
                entry_price[trades] = price
                size[trades] = units[m]
                trades += 1
                stop_level[m] = price * (1.0 - stop_pct) if stop_pct > 0.0 else -1.0
                take_level[m] = price * (1.0 + take_pct) if take_pct > 0.0 else np.inf
        # 3. stops and targets inside the bar
        for m in range(markets):
            if not has_bar[m, t] or units[m] == 0.0:
                continue
            level = 0.0
            code = -1
            if low[m, t] <= stop_level[m]:
                level = min(open_[m, t], stop_level[m])
                code = EXIT_STOP
            elif high[m, t] >= take_level[m]:
                level = max(open_[m, t], take_level[m])
                code = EXIT_TARGET
            if code >= 0:
                cash += _sell(t, level * (1.0 - slip), code, units[m], cost[m], fee,
                              trade_of[m], exit_bar, exit_price, pnl, reason)
                units[m] = 0.0
                open_count -= 1
                armed[m] = False
        if open_count > 0:
            held_bars += 1
        open_curve[t] = open_count
        # 4. marks at the close; a market's last bar closes its position
        for m in range(markets):
            if has_bar[m, t]:
                mark[m] = close[m, t]
                if t == last_bar[m] and units[m] > 0.0:
                    cash += _sell(t, close[m, t] * (1.0 - slip), EXIT_END, units[m], cost[m],
                                  fee, trade_of[m], exit_bar, exit_price, pnl, reason)
                    units[m] = 0.0
                    open_count -= 1
        value = 0.0
        for m in range(markets):
            if units[m] > 0.0:
                value += units[m] * mark[m]
        equity[t] = cash + value
        exposure_curve[t] = value / equity[t] if equity[t] > 0.0 else 0.0
    return (equity, exposure_curve, open_curve, t_market[:trades], entry_bar[:trades],
            exit_bar[:trades], entry_price[:trades], exit_price[:trades], size[:trades],
            pnl[:trades], reason[:trades], held_bars, r_market[:refused], r_bar[:refused],
            r_code[:refused])


@njit(cache=True, nogil=True)
def _before(strength, rank, other_strength, other_rank):
    """Whether a signal is served before another on the same bar."""
    if strength != other_strength:
        return strength > other_strength
    return rank < other_rank


@njit(cache=True, nogil=True)
def _sell(t, price, code, units, cost, fee, trade, exit_bar, exit_price, pnl, reason):
    """Record the sale of ``units`` at ``price`` closing trade ``trade``; returns the cash."""
    cash = units * price * (1.0 - fee)
    exit_bar[trade] = t
    exit_price[trade] = price
    pnl[trade] = cash - cost
    reason[trade] = code
    return cash
