"""The portfolio engine: one account over a basket of markets on one clock.

Every backtest runs here; a single-market backtest is a basket of one with one slot and
no caps (``ALL_IN``), which gives exactly the single-market rules. The clock is the union
of the markets' bar times; a market with no bar at a time is not traded then. The rules of
each bar are in ``_kernel`` (numba); this module lines the markets up on the clock, asks
the strategy for targets market by market, and names the results.

A basket of one with ``ALL_IN`` and no stop or target takes ``vectorized`` (the same rules
in numpy, which spares a plain backtest numba's start-up); tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from volex.backtest.engine import BacktestConfig, Bars, TradeLog
from volex.errors import UserInputError
from volex.portfolio.allocator import REFUSALS, AllocationRules

__all__ = [
    "ALL_IN",
    "Basket",
    "PortfolioLog",
    "Refusals",
    "Simulation",
    "make_basket",
    "simulate_basket",
]

# One slot, no caps: a single market trading with all the cash, as backtests always did.
ALL_IN = AllocationRules(max_open=1)


@dataclass(frozen=True)
class Basket:
    """Markets on one clock: each market's own bars and where they sit on the clock."""

    symbols: tuple[str, ...]
    bars: tuple[Bars, ...]
    timestamps: np.ndarray  # the clock, epoch ms
    positions: tuple[np.ndarray, ...]  # clock index of each market's bars

    def __len__(self) -> int:
        return len(self.symbols)

    def between(self, start: int, stop: int) -> Basket:
        """The basket on clock indices ``[start, stop)`` (markets with no bar there drop out)."""
        symbols, bars = [], []
        for symbol, own, where in zip(self.symbols, self.bars, self.positions, strict=True):
            lo, hi = np.searchsorted(where, [start, stop])
            if hi > lo:
                symbols.append(symbol)
                bars.append({k: v[lo:hi] for k, v in own.items()})
        if not symbols:
            raise UserInputError("no market has bars in that window")
        return make_basket(symbols, bars)


def make_basket(symbols: Sequence[str], bars: Sequence[Bars]) -> Basket:
    """Line markets up on the union of their bar times."""
    if not symbols:
        raise UserInputError("name at least one SYMBOL")
    if len(set(symbols)) != len(symbols):
        raise UserInputError("each symbol may appear in a portfolio only once")
    for symbol, own in zip(symbols, bars, strict=True):
        stamps = own["timestamp"]
        if len(stamps) > 1 and not np.all(np.diff(stamps) > 0):
            raise UserInputError(f"{symbol}: bar times must increase strictly")
    clock = bars[0]["timestamp"] if len(bars) == 1 else np.unique(
        np.concatenate([b["timestamp"] for b in bars]))
    positions = ((np.arange(len(clock), dtype=np.int64),) if len(bars) == 1 else
                 tuple(np.searchsorted(clock, b["timestamp"]).astype(np.int64) for b in bars))
    return Basket(tuple(symbols), tuple(bars), np.ascontiguousarray(clock, dtype=np.int64),
                  positions)


@dataclass(frozen=True)
class PortfolioLog(TradeLog):
    """Every round trip with its market (index into the basket's symbols)."""

    market: np.ndarray

    def records(self, timestamps_ms: np.ndarray,
                symbols: Sequence[str] = ()) -> list[dict[str, Any]]:
        rows = super().records(timestamps_ms)
        if symbols:
            for row, m in zip(rows, self.market, strict=True):
                row["symbol"] = symbols[int(m)]
        return rows


@dataclass(frozen=True)
class Refusals:
    """Entry signals the allocator refused: market, clock index, reason code."""

    market: np.ndarray
    bar: np.ndarray
    code: np.ndarray

    def __len__(self) -> int:
        return len(self.code)

    def records(self, timestamps_ms: np.ndarray, symbols: Sequence[str]) -> list[dict[str, Any]]:
        from volex.backtest.engine import _iso

        return [{"symbol": symbols[int(m)], "time": _iso(timestamps_ms[b]), "bar": int(b),
                 "reason": REFUSALS[int(c)]}
                for m, b, c in zip(self.market, self.bar, self.code, strict=True)]


@dataclass(frozen=True)
class Simulation:
    """What the bar loop returns: curves on the clock, trades and refused signals."""

    equity: np.ndarray
    exposure: np.ndarray  # value of open positions / equity, at each close
    open_positions: np.ndarray  # positions open after each bar's fills
    trades: PortfolioLog
    refused: Refusals
    held_bars: int  # clock bars with at least one position


def simulate_basket(basket: Basket, targets: Sequence[np.ndarray], config: BacktestConfig,
                    rules: AllocationRules = ALL_IN) -> Simulation:
    """Run the bar rules for ``targets`` (one array per market, 1 long / 0 flat)."""
    signals = []
    for symbol, own, target in zip(basket.symbols, basket.bars, targets, strict=True):
        signal = np.ascontiguousarray(np.nan_to_num(target, nan=0.0), dtype=np.float64)
        if len(signal) != len(own["close"]):
            where = f" of {symbol}" if symbol else ""
            raise UserInputError(f"strategy returned {len(signal)} targets for "
                                 f"{len(own['close'])} bars{where}")
        signals.append(signal)
    slip = config.slippage_bps / 10_000.0
    if len(basket) == 1 and rules == ALL_IN and not (config.stop_loss or config.take_profit):
        return _all_in(basket.bars[0], signals[0], config, slip)
    return _loop(basket, signals, config, rules, slip)


def _loop(basket: Basket, signals: list[np.ndarray], config: BacktestConfig,
          rules: AllocationRules, slip: float) -> Simulation:
    from volex.backtest._kernel import simulate

    markets, clock = len(basket), len(basket.timestamps)
    prices = ("open", "high", "low", "close")
    if markets == 1:  # the market's own arrays are the grid: no copies
        grid = {k: np.ascontiguousarray(basket.bars[0][k], dtype=np.float64).reshape(1, clock)
                for k in prices}
    else:
        grid = {k: np.full((markets, clock), np.nan) for k in prices}
    has_bar = np.zeros((markets, clock), dtype=np.bool_)
    want = np.zeros((markets, clock))
    atr = np.zeros((markets, clock))
    for m, (own, where, signal) in enumerate(zip(basket.bars, basket.positions, signals,
                                                 strict=True)):
        if markets > 1:
            for k in prices:
                grid[k][m, where] = own[k]
        has_bar[m, where] = True
        want[m, where[1:]] = signal[:-1]
        if rules.stake == "volatility":
            atr[m, where[1:]] = _atr(own, rules.atr_period)[:-1]
    rank = np.argsort(np.argsort(np.array(basket.symbols))).astype(np.int64)
    last_bar = np.array([where[-1] for where in basket.positions], dtype=np.int64)
    capacity = sum(len(where) // 2 + 1 for where in basket.positions)
    out = simulate(grid["open"], grid["high"], grid["low"], grid["close"], has_bar, want, atr,
                   last_bar, rank, float(config.cash), float(config.fee), slip,
                   float(config.stop_loss or 0.0), float(config.take_profit or 0.0),
                   rules.rule_code, rules.max_open, float(rules.stake_amount or 0.0),
                   rules.max_asset_pct / 100.0, rules.max_exposure_pct / 100.0,
                   rules.risk_per_trade_pct / 100.0, float(rules.atr_multiple), capacity)
    (equity, exposure, open_curve, market, entry_bar, exit_bar, entry_price, exit_price, size,
     pnl, reason, held, r_market, r_bar, r_code) = out
    trades = PortfolioLog(entry_bar, exit_bar, entry_price, exit_price, size, pnl, reason,
                          cost=size * entry_price * (1.0 + config.fee), market=market)
    return Simulation(equity, exposure, open_curve, trades, Refusals(r_market, r_bar, r_code),
                      int(held))


def _atr(own: Bars, period: int) -> np.ndarray:
    from volex.analysis.ta import talib

    return talib.ATR(own["high"], own["low"], own["close"], timeperiod=period)


def _all_in(own: Bars, signal: np.ndarray, config: BacktestConfig, slip: float) -> Simulation:
    from volex.backtest._kernel_codes import EXIT_END
    from volex.backtest.vectorized import simulate_without_stops

    out = simulate_without_stops(own["open"], own["close"], signal, float(config.cash),
                                 float(config.fee), slip)
    equity, entry_bar, exit_bar, entry_price, exit_price, size, pnl, reason, held = out
    delta = np.zeros(len(equity) + 1, dtype=np.int64)
    np.add.at(delta, entry_bar, 1)
    signal_exits = exit_bar[reason != EXIT_END]
    np.add.at(delta, signal_exits, -1)
    open_curve = np.cumsum(delta[:-1])
    exposure = open_curve.astype(np.float64)
    if len(reason) and reason[-1] == EXIT_END:
        exposure[-1] = 0.0
    empty = np.zeros(0, dtype=np.int64)
    trades = PortfolioLog(entry_bar, exit_bar, entry_price, exit_price, size, pnl, reason,
                          cost=size * entry_price * (1.0 + config.fee),
                          market=np.zeros(len(pnl), dtype=np.int64))
    return Simulation(equity, exposure, open_curve, trades,
                      Refusals(empty, empty, empty.astype(np.int8)), int(held))
