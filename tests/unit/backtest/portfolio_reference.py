"""A slow, obvious portfolio backtest: plain Python over clock times and markets.

It restates the rules of ``volex.backtest._kernel`` (and of the allocator) without sharing
any of their code, so the fast engine can be held to it trade by trade. It also asserts the
invariants at every bar: cash never negative, open positions never above ``max_open``, no
entry taking a market above ``max_asset_pct`` of equity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from volex.backtest.engine import BacktestConfig
from volex.portfolio.allocator import AllocationRules


@dataclass
class Holding:
    units: float = 0.0
    cost: float = 0.0
    stop: float = -1.0
    take: float = math.inf
    armed: bool = True
    mark: float = 0.0
    trade: dict | None = None


@dataclass
class Outcome:
    trades: list[dict] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    equity: list[float] = field(default_factory=list)
    open_positions: list[int] = field(default_factory=list)


def _stake(rules: AllocationRules, equity: float, cash: float, open_count: int,
           exposure: float, price: float, atr: float) -> tuple[float, str]:
    """The allocator's rule, written out again: (stake, "") or (0, reason)."""
    if open_count >= rules.max_open:
        return 0.0, "max_open"
    slot = equity / rules.max_open
    if rules.stake == "slots":
        wanted = slot
    elif rules.stake == "equal":
        wanted = rules.stake_amount
    else:
        if not atr > 0:
            return 0.0, "no_volatility"
        risk = rules.risk_per_trade_pct / 100.0
        wanted = min(equity * risk * price / (rules.atr_multiple * atr), slot)
    caps = [("max_asset", equity * (rules.max_asset_pct / 100.0) - 0.0),
            ("max_exposure", equity * (rules.max_exposure_pct / 100.0) - exposure),
            ("no_cash", cash)]
    stake, reason = wanted, ""
    for name, cap in caps:
        if cap < stake:
            stake, reason = cap, name
    if stake < equity * 1e-9 or not stake > 0:
        return 0.0, reason or "no_cash"
    return stake, ""


def reference_backtest(symbols: list[str], bars: list[dict], targets: list[np.ndarray],
                       config: BacktestConfig, rules: AllocationRules,
                       atrs: list[np.ndarray] | None = None) -> Outcome:
    """Run the portfolio rules the slow way; ``atrs`` (per market, per own bar) for volatility."""
    fee, slip = config.fee, config.slippage_bps / 10_000.0
    clock = sorted({int(t) for b in bars for t in b["timestamp"]})
    where = [{int(t): j for j, t in enumerate(b["timestamp"])} for b in bars]
    book = [Holding() for _ in symbols]
    cash = config.cash
    out = Outcome()

    def sell(m: int, t: int, price: float, reason: str) -> None:
        nonlocal cash
        h = book[m]
        proceeds = h.units * price * (1.0 - fee)
        cash += proceeds
        h.trade.update(exit_bar=t, exit_price=price, pnl=proceeds - h.cost, reason=reason)
        h.units, h.trade = 0.0, None

    for t, time in enumerate(clock):
        here = [m for m in range(len(symbols)) if time in where[m]]
        want = {}
        for m in here:
            j = where[m][time]
            raw = targets[m][j - 1] if j > 0 else 0.0
            want[m] = 0.0 if np.isnan(raw) else float(raw)
        for m in here:
            if want[m] <= 0:
                book[m].armed = True
                if book[m].units > 0:
                    sell(m, t, bars[m]["open"][where[m][time]] * (1 - slip), "signal")
        entering = [m for m in here if book[m].units == 0 and want[m] > 0 and book[m].armed]
        entering.sort(key=lambda m: (-want[m], symbols[m]))
        exposure = 0.0
        for m in range(len(symbols)):
            if book[m].units > 0:
                exposure += book[m].units * book[m].mark
        equity = cash + exposure
        for m in entering:
            j = where[m][time]
            price = bars[m]["open"][j] * (1 + slip)
            atr = atrs[m][j - 1] if atrs is not None else 0.0
            open_count = sum(1 for h in book if h.units > 0)
            stake, refused = _stake(rules, equity, cash, open_count, exposure, price, atr)
            if refused:
                book[m].armed = False
                out.refused.append((symbols[m], t, refused))
                continue
            assert stake <= equity * rules.max_asset_pct / 100 * (1 + 1e-12)
            h = book[m]
            h.units, h.cost = stake / (price * (1 + fee)), stake
            cash -= stake
            exposure += stake
            h.stop = price * (1 - config.stop_loss) if config.stop_loss else -1.0
            h.take = price * (1 + config.take_profit) if config.take_profit else math.inf
            h.trade = {"symbol": symbols[m], "entry_bar": t, "entry_price": price,
                       "size": h.units}
            out.trades.append(h.trade)
        for m in here:
            h, j = book[m], where[m][time]
            if h.units == 0:
                continue
            o, hi, lo = bars[m]["open"][j], bars[m]["high"][j], bars[m]["low"][j]
            if lo <= h.stop:
                sell(m, t, min(o, h.stop) * (1 - slip), "stop_loss")
                h.armed = False
            elif hi >= h.take:
                sell(m, t, max(o, h.take) * (1 - slip), "take_profit")
                h.armed = False
        out.open_positions.append(sum(1 for h in book if h.units > 0))
        assert out.open_positions[-1] <= rules.max_open
        for m in here:
            j = where[m][time]
            book[m].mark = bars[m]["close"][j]
            if j == len(bars[m]["close"]) - 1 and book[m].units > 0:
                sell(m, t, bars[m]["close"][j] * (1 - slip), "end")
        assert cash >= -1e-9 * config.cash
        out.equity.append(cash + sum(h.units * h.mark for h in book if h.units > 0))
    return out
