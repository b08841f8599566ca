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

Stops and targets: the chain places them on each filled buy as it does live; the venue walks
the replayed bars (see :class:`~volex.autopilot.feeds.FeedPrices`) and fills them where the
bar reached them, the entry bar included, as the engine does; their fills come back as the
backtest's ``stop_loss`` / ``take_profit`` exits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.autopilot.chain import ROUNDING_MARGIN
from volex.domain.ledger import ZERO

if TYPE_CHECKING:
    from volex.adapters.storage.autopilot import BarRecord
    from volex.backtest.engine import BacktestConfig, BacktestResult, Bars
    from volex.backtest.portfolio_result import PortfolioResult
    from volex.domain.orders import Fill
    from volex.portfolio.allocator import AllocationRules
    from volex.ports import Exchange

__all__ = ["RELAXED_LIMITS", "ReplayReport", "blocked_orders", "fills_to_result",
           "portfolio_result", "sleeve_sizer"]

# A replay trades as the backtest does (all of a market's sleeve), so the live risk limits,
# meant for a person's account, are opened wide in the replay's private store.
RELAXED_LIMITS = {"max_order_quote": "1e14", "max_position_quote": "1e14",
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
    portfolio: PortfolioResult | None = None  # with allocation rules: the account as a whole

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
        # less a hair, rounded down: the venue rounds the amount and the cost up, and a sleeve
        # that is the whole account would otherwise ask for a few 1e-8 more than is free
        return ((cash_per_market + realised - ROUNDING_MARGIN) / (1 + fee_rate)).quantize(
            Decimal("1e-8"), rounding=ROUND_DOWN)

    return sleeve


def blocked_orders(journal: list[BarRecord]) -> dict[str, str]:
    """Orders a replay's venue or risk refused, per market: where the replay and the
    backtest part (the backtest never refuses), said rather than left to be found."""
    out: dict[str, str] = {}
    for symbol in dict.fromkeys(r.symbol for r in journal):
        refused = sorted((r for r in journal if r.symbol == symbol and r.action == "blocked"),
                         key=lambda r: r.bar_ms)
        if refused:
            first = datetime.fromtimestamp(refused[0].bar_ms / 1000, UTC)
            out[symbol] = (f"{len(refused)} order(s) blocked, where the backtest trades; the "
                           f"first on the bar of {first:%Y-%m-%d %H:%M} UTC: "
                           f"{refused[0].detail}")
    return out


def fills_to_result(fills: list[Fill], bars: Bars, exits: Mapping[str, str | None], *,
                    strategy: str, symbol: str, timeframe: str, params: dict[str, Any],
                    config: BacktestConfig) -> BacktestResult:
    """The paper fills of one market as a backtest result: trades by bar, equity at closes.
    ``exits`` names the protective orders (order id -> "stop_loss" / "take_profit"): a sale
    by one of them is that exit, any other a signal's.

    A position still open at the end is closed at the last close (less slippage and fee),
    as the backtest does.
    """
    from volex.backtest.engine import EXIT_REASONS, BacktestResult, TradeLog
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
                reason = EXIT_REASONS.index(exits.get(fill.order_id) or "signal")
                _close(trades, i, price, amount * price - fee - cost, reason)
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


def portfolio_result(results: list[BacktestResult], journal: list[BarRecord],
                     rules: AllocationRules, cash: float) -> PortfolioResult:
    """The markets' replayed trades as one account, in `backtest --portfolio`'s result type:
    the clock is the union of the markets' bars, equity is the cash plus every position at
    its market's last close, refusals come from the journal."""
    from volex.backtest.engine import BacktestConfig
    from volex.backtest.metrics import compute_metrics
    from volex.backtest.portfolio import PortfolioLog, Refusals, make_basket
    from volex.backtest.portfolio_result import PortfolioResult, hold_index
    from volex.portfolio.allocator import REFUSALS

    symbols = [r.symbol for r in results]
    basket = make_basket(symbols, [{"timestamp": r.timestamps, "close": r.close}
                                   for r in results])
    clock = len(basket.timestamps)
    realised, value, unrealised = np.zeros(clock), np.zeros(clock), np.zeros(clock)
    holding = np.zeros(clock, dtype=np.int64)
    for result, where in zip(results, basket.positions, strict=True):
        log, own = result.trades, np.zeros(len(result.close))
        gain = np.zeros(len(result.close))
        held = np.zeros(len(result.close), dtype=bool)
        for entry, exit_, size, cost, why in zip(log.entry_bar, log.exit_bar, log.size,
                                                 log.cost, log.reason, strict=True):
            held[entry:exit_ + (why == 3)] = True  # sold at the last close: held that bar
            own[entry:exit_] = size * result.close[entry:exit_]
            gain[entry:exit_] = own[entry:exit_] - cost
        step = np.zeros(clock, dtype=np.int64)  # the market's latest bar at each clock time
        step[where] = np.arange(1, len(where) + 1)
        seen = np.maximum.accumulate(step) - 1
        known = seen >= 0
        value[known] += own[seen[known]]
        unrealised[known] += gain[seen[known]]
        holding[known] += held[seen[known]]
        closes = np.zeros(clock)
        np.add.at(closes, where[log.exit_bar], log.pnl)
        realised += np.cumsum(closes)
    equity = cash + realised + unrealised
    order = np.argsort(np.concatenate([basket.positions[m][r.trades.entry_bar]
                                       for m, r in enumerate(results)]), kind="stable")

    def joined(name: str, *, on_clock: bool = False) -> np.ndarray:
        parts = [basket.positions[m][getattr(r.trades, name)] if on_clock
                 else getattr(r.trades, name) for m, r in enumerate(results)]
        return np.concatenate(parts)[order]

    trades = PortfolioLog(
        joined("entry_bar", on_clock=True), joined("exit_bar", on_clock=True),
        joined("entry_price"), joined("exit_price"), joined("size"), joined("pnl"),
        joined("reason"), joined("cost"),
        market=np.concatenate([np.full(len(r.trades), m) for m, r in enumerate(results)])[order])
    refusals = [(symbols.index(r.symbol), r) for r in journal if r.action == "refused"]
    bars = [int(basket.positions[m][min(int(np.searchsorted(results[m].timestamps, r.bar_ms)) + 1,
                                        len(results[m].timestamps) - 1)]) for m, r in refusals]
    refused = Refusals(np.array([m for m, _ in refusals], dtype=np.int64),
                       np.array(bars, dtype=np.int64),
                       np.array([REFUSALS.index((r.decision or {}).get("refused", "max_open"))
                                 for _, r in refusals], dtype=np.int8))
    config = results[0].config
    config = BacktestConfig(cash=cash, fee=config.fee, slippage_bps=config.slippage_bps)
    hold = hold_index(basket)
    held_bars = int((holding > 0).sum())
    metrics = compute_metrics(equity, basket.timestamps, hold, trades.pnl, trades.cost,
                              held_bars, cash)
    exposure = np.divide(value, equity, out=np.zeros(clock), where=equity > 0)
    return PortfolioResult(results[0].strategy, tuple(symbols), dict(results[0].params), config,
                           rules, basket.timestamps, equity, exposure, holding, hold, trades,
                           refused, metrics, results[0].timeframe,
                           extra={"source": "autopilot replay (paper venue, simulated clock)"})
