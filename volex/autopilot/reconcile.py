"""Reconcile: what the autopilot really traded against what the backtest says it would have.

The autopilot's own trades are the venue's fills of the orders its bar journal names (a
trade placed by hand, by another actor, is not the autopilot's and is left out). The
backtest's trades come from replaying the autopilot's recorded settings over the same bars
(:meth:`Volex.replay_autopilot`, which equals `backtest --portfolio`). Both are reduced to
events (market, side, bar the fill landed in, price) and matched per market and side in time
order, a fill up to ``MAX_LATE_BARS`` bars after the backtest's still counting as the same
trade (late). What is left is missed (the backtest traded, the autopilot did not) or extra
(the autopilot traded, the backtest did not). The fills of the stop-loss and take-profit
orders that protected the autopilot's buys are its trades too; every sale carries its
``exit_reason`` as a backtest trade does, and the replay places the same stops and targets.

Cost of the difference per market, in quote: slippage (the fill price against the backtest's
next-open price, signed so that a worse fill costs more), the fees paid beyond the backtest's
fee rate, and the bars fills came late.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from volex.adapters.storage.autopilot import BarRecord
    from volex.backtest.engine import BacktestResult
    from volex.domain.orders import Fill

__all__ = ["MAX_LATE_BARS", "Event", "MarketReconcile", "actual_events", "autopilot_orders",
           "expected_events", "match_market"]

MAX_LATE_BARS = 3


@dataclass(frozen=True)
class Event:
    """One trade (buy or sell) of one market: the bar its fill landed in, at what price."""

    symbol: str
    side: str
    bar_ms: int
    price: float
    amount: float = 0.0
    fee: float = 0.0
    order_id: str | None = None
    # a sale's exit as a backtest trade names it: "signal", "stop_loss" or "take_profit"
    exit_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "bar": _iso(self.bar_ms)}


@dataclass
class MarketReconcile:
    """One market's comparison: pairs matched, missed, extra, and what the difference cost."""

    symbol: str
    step_ms: int
    matched: list[tuple[Event, Event]] = field(default_factory=list)  # (backtest, autopilot)
    missed: list[Event] = field(default_factory=list)
    extra: list[Event] = field(default_factory=list)
    slippage: float = 0.0
    fees: float = 0.0
    fee_excess: float = 0.0
    late_bars: int = 0

    @property
    def cost(self) -> float:
        """What the autopilot lost against the backtest on the trades both made (quote)."""
        return self.slippage + self.fee_excess

    def to_dict(self) -> dict[str, Any]:
        return {"symbol": self.symbol, "matched": len(self.matched), "missed": len(self.missed),
                "extra": len(self.extra),
                "protective_exits": sum(1 for e in (*self.extra, *(a for _, a in self.matched))
                                        if e.exit_reason in ("stop_loss", "take_profit")),
                "slippage": round(self.slippage, 8),
                "fees": round(self.fees, 8), "fee_excess": round(self.fee_excess, 8) + 0.0,
                "late_bars": self.late_bars, "cost": round(self.cost, 8) + 0.0,
                "trades": {
                    "matched": [{"backtest": b.to_dict(), "autopilot": a.to_dict(),
                                 "late_bars": (a.bar_ms - b.bar_ms) // self.step_ms}
                                for b, a in self.matched],
                    "missed": [e.to_dict() for e in self.missed],
                    "extra": [e.to_dict() for e in self.extra]}}


def expected_events(result: BacktestResult) -> list[Event]:
    """The backtest's trades as events; the closing of a position still open at the end of
    the data is bookkeeping, not a trade, and is left out."""
    from volex.backtest.engine import EXIT_REASONS

    stamps = result.timestamps
    out = []
    for t in result.trades.records(stamps):
        out.append(Event(result.symbol, "buy", int(stamps[t["entry_bar"]]), t["entry_price"],
                         t["size"]))
        if t["exit_reason"] != EXIT_REASONS[3]:
            out.append(Event(result.symbol, "sell", int(stamps[t["exit_bar"]]), t["exit_price"],
                             t["size"], exit_reason=t["exit_reason"]))
    return sorted(out, key=lambda e: e.bar_ms)


def autopilot_orders(journal: Iterable[BarRecord]) -> dict[str, str | None]:
    """The autopilot's own orders (-> None) and the protective orders the chain placed on
    its buys (-> "stop_loss" / "take_profit"), by order id, from its bar journal."""
    out: dict[str, str | None] = {}
    for record in journal:
        if record.order_id:
            out[record.order_id] = None
        for order in (record.decision or {}).get("protective") or ():
            out[order["id"]] = order["type"]
    return out


def actual_events(fills: list[Fill], order_ids: Mapping[str, str | None], step_ms: int
                  ) -> list[Event]:
    """The fills of the autopilot's orders (order id -> None, or the protective exit it
    was), one event per order (price averaged by amount)."""
    orders: dict[str, list[Fill]] = {}
    for fill in fills:
        if fill.order_id in order_ids:
            orders.setdefault(fill.order_id, []).append(fill)
    out = []
    for order_id, parts in orders.items():
        amount = sum(float(f.amount) for f in parts)
        value = sum(float(f.amount * f.price) for f in parts)
        first = min(int(f.at.timestamp() * 1000) for f in parts)
        out.append(Event(parts[0].symbol, parts[0].side, first // step_ms * step_ms,
                         value / amount if amount else 0.0, amount,
                         sum(float(f.fee) for f in parts), order_id,
                         order_ids[order_id] or ("signal" if parts[0].side == "sell" else None)))
    return sorted(out, key=lambda e: e.bar_ms)


def match_market(symbol: str, expected: list[Event], actual: list[Event], step_ms: int,
                 fee_rate: float) -> MarketReconcile:
    """Pair each backtest trade with the first unpaired autopilot trade of the same side in
    the bars from its own to ``MAX_LATE_BARS`` later; the rest are missed or extra."""
    out = MarketReconcile(symbol, step_ms)
    left = list(actual)
    for want in expected:
        got = next((a for a in left if a.side == want.side
                    and 0 <= a.bar_ms - want.bar_ms <= MAX_LATE_BARS * step_ms), None)
        if got is None:
            out.missed.append(want)
            continue
        left.remove(got)
        out.matched.append((want, got))
        sign = 1.0 if got.side == "buy" else -1.0
        out.slippage += sign * (got.price - want.price) * got.amount
        out.fees += got.fee
        out.fee_excess += got.fee - fee_rate * got.price * got.amount
        out.late_bars += (got.bar_ms - want.bar_ms) // step_ms
    out.extra = left
    for extra in left:
        out.fees += extra.fee
    return out


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()
