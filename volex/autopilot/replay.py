"""Replay: the autopilot's own loop on history, on a simulated clock, through the paper venue.

Nothing here trades differently from live: the replay builds the same chain (decider, sizing,
risk, execution, journal) in a private, temporary store, drives it with a
:class:`ReplayClock`, and prices the paper venue from the data at market time (the open of
the bar under way, so an order sent as a bar closes fills at the next bar's open, as the
backtest assumes). Afterwards the paper venue's fills are read back as trades and an equity
curve per market, in the backtest's own result type, so the two can be compared field by
field.

Money per market: each market trades a sleeve of ``cash / markets``, all in when it enters
(the backtest's rule), grown or shrunk by what that market has realised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.domain.ledger import ZERO

if TYPE_CHECKING:
    from volex.backtest.engine import BacktestConfig, BacktestResult, Bars
    from volex.domain.orders import Fill
    from volex.ports import Exchange

__all__ = ["RELAXED_LIMITS", "ReplayReport", "fills_to_result", "sleeve_sizer"]

# A replay trades as the backtest does (all of a market's sleeve), so the live risk limits,
# meant for a person's account, are opened wide in the replay's private store.
RELAXED_LIMITS = {"max_order_quote": "1e15", "max_position_quote": "1e15",
                  "max_position_pct": "100", "max_exposure_pct": "100",
                  "max_open_positions": "1000", "max_asset_pct": "100",
                  "max_daily_loss_pct": "100", "max_open_orders": "1000"}


@dataclass
class ReplayReport:
    """The replay's results (one per market, the backtest's type) and how it went."""

    results: list[BacktestResult]
    bars_handled: int
    problems: dict[str, str]
    final_equity: float

    def to_dict(self) -> dict[str, Any]:
        return {"markets": [r.to_dict() for r in self.results], "bars_handled": self.bars_handled,
                "problems": self.problems, "final_equity": self.final_equity}


def sleeve_sizer(exchange: Exchange, cash_per_market: Decimal,
                 fee_rate: Decimal) -> Callable[[str], Decimal]:
    """The quote to spend entering a market: its sleeve, net of the entry fee."""

    def sleeve(symbol: str) -> Decimal:
        realised = ZERO
        for fill in exchange.my_trades(symbol):
            value = fill.amount * fill.price
            realised += (value if fill.side == "sell" else -value) - fill.fee
        return ((cash_per_market + realised) / (1 + fee_rate)).quantize(Decimal("1e-8"))

    return sleeve


def fills_to_result(fills: list[Fill], bars: Bars, *, strategy: str, symbol: str,
                    timeframe: str, params: dict[str, Any],
                    config: BacktestConfig) -> BacktestResult:
    """The paper fills of one market as a backtest result: trades by bar, equity at closes.

    A position still open at the end is closed at the last close (less slippage and fee),
    as the backtest does.
    """
    from volex.backtest.engine import BacktestResult, TradeLog
    from volex.backtest.metrics import compute_metrics

    stamps, close = bars["timestamp"], bars["close"]
    n = len(close)
    by_bar: dict[int, list[Fill]] = {}
    for fill in fills:
        at = int(fill.at.timestamp() * 1000)
        by_bar.setdefault(max(int(np.searchsorted(stamps, at, side="right")) - 1, 0),
                          []).append(fill)
    cash, units, held = config.cash, 0.0, 0
    equity = np.empty(n)
    trades: dict[str, list[float]] = {k: [] for k in ("entry_bar", "exit_bar", "entry_price",
                                                      "exit_price", "size", "pnl", "reason",
                                                      "cost")}
    cost = 0.0
    for i in range(n):
        for fill in by_bar.get(i, []):
            amount, price, fee = float(fill.amount), float(fill.price), float(fill.fee)
            if fill.side == "buy":
                cost = amount * price + fee
                cash -= cost
                units += amount
                _add(trades, entry_bar=i, entry_price=price, size=amount, cost=cost)
            else:
                cash += amount * price - fee
                units = max(units - amount, 0.0)
                _close(trades, i, price, amount * price - fee - cost, 0)
        if units > 0:
            held += 1
        equity[i] = cash + units * close[i]
    if units > 0:
        price = close[-1] * (1 - config.slippage_bps / 10_000)
        proceeds = units * price * (1 - config.fee)
        _close(trades, n - 1, price, proceeds - cost, 3)
        equity[-1] = cash + proceeds
    log = TradeLog(*(np.asarray(trades[k], dtype=np.int8 if k == "reason" else
                                np.int64 if k.endswith("_bar") else np.float64)
                     for k in ("entry_bar", "exit_bar", "entry_price", "exit_price", "size",
                               "pnl", "reason", "cost")))
    metrics = compute_metrics(equity, stamps, close, log.pnl, log.cost, held, config.cash)
    return BacktestResult(strategy=strategy, symbol=symbol, params=params, config=config,
                          timestamps=stamps, close=close, equity=equity, trades=log,
                          metrics=metrics, timeframe=timeframe,
                          extra={"source": "autopilot replay (paper venue, simulated clock)"})


def _add(trades: dict[str, list[float]], **values: float) -> None:
    for key, value in values.items():
        trades[key].append(value)


def _close(trades: dict[str, list[float]], bar: int, price: float, pnl: float,
           reason: int) -> None:
    trades["exit_bar"].append(bar)
    trades["exit_price"].append(price)
    trades["pnl"].append(pnl)
    trades["reason"].append(reason)
