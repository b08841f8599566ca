"""The strategy runner: a strategy's target on each newly closed bar, traded through execution.

On each closed bar the runner computes the strategy's target (the same ``targets`` the
backtester uses, on the same parameters), compares it with the holding in that market and,
when they differ, buys to go long or sells the holding to go flat. Every order goes through
:meth:`ExecutionAgent.execute`, so the risk checks, the halt re-read at send time, the journal
and the audit all apply; the actor is the runner's (``agent``) and the reason names the
strategy. The last bar acted on is kept in the store, so a restart never trades a bar twice.

A strategy that enters on an event (a cross, a breakout) is bought on the event's bar: a run
that starts after the event (the strategy already long on bars before its first) waits for
the next one rather than buying into a move that began without it, and says so.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from volex.domain.orders import utcnow
from volex.errors import (
    DataUnavailable,
    ExchangeError,
    NetworkError,
    RiskRejected,
    TradingHalted,
    UserInputError,
)

if TYPE_CHECKING:
    from volex.agents.execution import ExecutionAgent
    from volex.domain.candles import CandleSet
    from volex.domain.orders import TradeResult
    from volex.ports import Exchange
    from volex.strategies.base import ParamValue, Strategy

__all__ = ["BarReport", "RunSpec", "StrategyRunner", "blocking_rule", "holding", "send_order"]

log = logging.getLogger(__name__)

# Seconds after a bar's close before asking for it (the venue needs a moment to publish it).
CLOSE_GRACE_S = 5.0
# The longest sleep between looks at the market when no new bar has appeared.
MAX_POLL_S = 60.0


class KeyValueStore(Protocol):
    """Where the runner remembers the last bar it acted on (the store's ``StateRepo``)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class RunSpec:
    """One strategy run: what to trade, on which candles, how big, and where."""

    strategy: Strategy
    symbol: str
    timeframe: str
    timeframe_ms: int
    params: dict[str, ParamValue]
    load: Callable[[], CandleSet]
    mode: str = "paper"
    quote: Decimal | None = None
    percent: Decimal | None = None
    stop_loss_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None


@dataclass(frozen=True)
class BarReport:
    """What the runner did on one bar: ``action`` is buy, sell, no change, blocked or done."""

    strategy: str
    symbol: str
    timeframe: str
    mode: str
    bar: datetime
    target: str
    position: Decimal
    action: str
    detail: str = ""
    order_id: str | None = None
    blocked_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "symbol": self.symbol, "timeframe": self.timeframe,
                "mode": self.mode, "bar": self.bar.isoformat(), "target": self.target,
                "position": f"{self.position.normalize():f}", "action": self.action, "detail": self.detail,
                "order_id": self.order_id, "blocked_by": self.blocked_by}


class StrategyRunner:
    """Trades one strategy's target position through the execution agent, bar by bar."""

    def __init__(self, execution: ExecutionAgent, memory: KeyValueStore, *, actor: str = "agent",
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.execution = execution
        self.memory = memory
        self.actor = actor
        self.clock = clock or utcnow
        self._sleep = sleep or time.sleep

    def run(self, spec: RunSpec, on_bar: Callable[[BarReport], None], *,
            once: bool = False) -> None:
        """Act on the latest closed bar, then (unless ``once``) on each one that closes."""
        reported: datetime | None = None
        while True:
            try:
                report = self.step(spec)
            except (NetworkError, DataUnavailable) as exc:
                if once:
                    raise
                log.warning("strategy %s: %s; trying again", spec.strategy.name, exc)
                self._sleep(MAX_POLL_S)  # a blip must not stop a running strategy
                continue
            if report.bar != reported:
                on_bar(report)
                reported = report.bar
            if once:
                return
            self._sleep(self._wait_s(spec, report.bar))

    def step(self, spec: RunSpec) -> BarReport:
        """Act on the latest closed bar once: trade when the target and the holding differ."""
        self.execution.reconcile_if_due(self.actor)
        bar, target, since = self._latest_target(spec)
        key = self._key(spec)
        done = self.memory.get(key)
        position = holding(self.execution.exchange, spec.symbol)
        report = _Reporter(spec, bar, "long" if target else "flat", position)
        if done and done.get("bar_ms", -1) >= _ms(bar):
            return report("done", f"bar already handled ({done.get('action')})")
        event = spec.strategy.entry_event
        seen_ms = done.get("bar_ms", -1) if done else _ms(bar) - 1
        bought = bool(done and done.get("entered") and not done.get("missed"))
        if target and position <= 0 and event and not bought and _ms(since) <= seen_ms:
            # The entry fired before this run saw it: as after a stop, go flat first.
            self.memory.set(key, {"bar_ms": _ms(bar), "action": "no change", "entered": True,
                                  "missed": True})
            return report("no change", f"started mid-trend: the {event} came on the bar of "
                                       f"{since:%Y-%m-%d %H:%M} UTC, before this run; waiting "
                                       f"for the next {event}")
        if target and position <= 0 and done and done.get("entered"):
            # As in the backtest: after a stop (or a sale by hand) the strategy must go flat
            # before it buys again.
            self.memory.set(key, {"bar_ms": _ms(bar), "action": "no change", "entered": True})
            return report("no change", "closed since the entry (stop, target or by hand): "
                                       "waiting for the strategy to go flat before buying again")
        if bool(target) == (position > 0):
            self.memory.set(key, {"bar_ms": _ms(bar), "action": "no change",
                                  "entered": bool(target)})
            return report("no change")
        side = "buy" if target else "sell"
        self.memory.set(key, {"bar_ms": _ms(bar), "action": f"{side} sending",  # before sending
                              "entered": bool(target)})
        try:
            result = self._send(spec, side, bar)
        except (TradingHalted, RiskRejected, UserInputError, ExchangeError) as exc:
            # Refused before or by the venue: not traded, so the bar may be tried again. A
            # network failure keeps the bar: the order's fate is the next reconcile's to learn.
            self.memory.set(key, done)
            rule = blocking_rule(exc)
            return report("blocked", str(exc).splitlines()[0], blocked_by=rule)
        order = result.order
        self.memory.set(key, {"bar_ms": _ms(bar), "action": side, "order_id": order.id,
                              "entered": bool(target)})
        detail = f"{order.status} {side} {order.filled or order.amount} {spec.symbol}"
        if order.average is not None:
            detail += f" at {order.average}"
        notes = [*result.notes, *(f"{o.type.replace('_', '-')} placed at {o.price}"
                                  for o in result.protective)]
        return report(side, "; ".join([detail, *notes]), order_id=order.id)

    # -- the pieces ---------------------------------------------------------------------------

    def _latest_target(self, spec: RunSpec) -> tuple[datetime, int, datetime]:
        """The latest closed bar's open time, the target on its close, and since which bar.

        ``since`` is the open time of the first bar of the current run of equal targets (the
        bar whose signal made the strategy long, when it is long).
        """
        import numpy as np

        from volex.backtest.engine import bars_from_frame

        frame = spec.load().frame
        now = self.clock()
        closes = frame["timestamp"] + timedelta(milliseconds=spec.timeframe_ms)
        frame = frame[closes <= now].reset_index(drop=True)
        if len(frame) < 2:
            raise DataUnavailable(f"no closed {spec.timeframe} bars of {spec.symbol} to act on")
        held = spec.strategy.targets(bars_from_frame(frame), spec.params) > 0
        changes = np.flatnonzero(held != held[-1])
        first = int(changes[-1]) + 1 if len(changes) else 0
        stamps = frame["timestamp"]
        return (stamps.iloc[-1].to_pydatetime(), int(held[-1]),
                stamps.iloc[first].to_pydatetime())

    def _send(self, spec: RunSpec, side: str, bar: datetime) -> TradeResult:
        """Plan and execute one order through the execution agent's normal path."""
        buying = side == "buy"
        reason = (f"strategy {spec.strategy.name}: target {'long' if buying else 'flat'} "
                  f"on the {spec.timeframe} bar of {bar:%Y-%m-%d %H:%M} UTC")
        return send_order(self.execution, self.actor, spec.symbol, side, reason=reason,
                          client_order_id=_client_order_id(spec, bar, side), quote=spec.quote,
                          percent=spec.percent, stop_loss_pct=spec.stop_loss_pct,
                          take_profit_pct=spec.take_profit_pct)

    def _key(self, spec: RunSpec) -> str:
        venue = self.execution.exchange.name
        return (f"strategy_run:{spec.mode}:{venue}:{spec.strategy.name}:{spec.symbol}:"
                f"{spec.timeframe}")

    def _wait_s(self, spec: RunSpec, bar: datetime) -> float:
        """Seconds until the bar after ``bar`` has closed (at most ``MAX_POLL_S``)."""
        next_close = bar + timedelta(milliseconds=2 * spec.timeframe_ms)
        left = (next_close - self.clock()).total_seconds() + CLOSE_GRACE_S
        return min(max(left, 1.0), MAX_POLL_S)


class _Reporter:
    """Builds the BarReport of one bar (the fields every outcome shares)."""

    def __init__(self, spec: RunSpec, bar: datetime, target: str, position: Decimal) -> None:
        self.spec, self.bar, self.target, self.position = spec, bar, target, position

    def __call__(self, action: str, detail: str = "", *, order_id: str | None = None,
                 blocked_by: str | None = None) -> BarReport:
        spec = self.spec
        return BarReport(spec.strategy.name, spec.symbol, spec.timeframe, spec.mode, self.bar,
                         self.target, self.position, action, detail, order_id, blocked_by)


def send_order(agent: ExecutionAgent, actor: str, symbol: str, side: str, *, reason: str,
               client_order_id: str, quote: Decimal | None = None,
               percent: Decimal | None = None, stop_loss_pct: Decimal | None = None,
               take_profit_pct: Decimal | None = None,
               confidence: float | None = None) -> TradeResult:
    """Buy (sized, with its stop and target) or sell the whole holding, through execution.

    A sale first cancels the market's resting sells: stops and targets hold the coins it needs.
    """
    if side == "sell":
        for order in agent.open_orders(symbol):
            if order.side == "sell":
                agent.cancel(actor=actor, order_id=order.id, reason=f"{reason}: going flat")
    buying = side == "buy"
    plan = agent.plan(symbol, side,  # type: ignore[arg-type]
                      quote=quote if buying else None, percent=percent if buying else None,
                      stop_loss_pct=stop_loss_pct if buying else None,
                      take_profit_pct=take_profit_pct if buying else None,
                      confidence=confidence, client_order_id=client_order_id)
    return agent.execute(plan, actor=actor, reason=reason)


def holding(exchange: Exchange, symbol: str) -> Decimal:
    """How much of ``symbol``'s base asset is held, in tradable units (dust counts as 0)."""
    market = exchange.market(symbol)
    balance = exchange.balances().get(market.base)
    amount = market.round_amount(balance.total) if balance else Decimal(0)
    if market.min_amount is not None and amount < market.min_amount:
        return Decimal(0)
    return amount


def blocking_rule(exc: Exception) -> str:
    """The rule that stopped an order: halt, the failed risk checks, the venue, or sizing."""
    if isinstance(exc, TradingHalted):
        return "halt"
    if isinstance(exc, RiskRejected):
        names = [c.name for c in exc.checks if not c.passed]
        return ", ".join(names) or "risk"
    if isinstance(exc, ExchangeError):
        return "venue"
    return "sizing"


def _client_order_id(spec: RunSpec, bar: datetime, side: str) -> str:
    """One id per strategy, market, bar and side: the venue never holds the order twice."""
    key = f"{spec.mode}|{spec.strategy.name}|{spec.symbol}|{spec.timeframe}|{_ms(bar)}|{side}"
    return "vx" + hashlib.sha256(key.encode()).hexdigest()[:30]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
