"""The chain on one market's bar: decide -> size -> risk -> execution -> stop and target.

Every step is journaled in the store before the next one starts (``decided``, ``intent``
with the order's client id, ``sent``, ``done``), so a process killed anywhere carries on from
the same bar after a restart: an order whose intent was written is looked up at the venue by
its client id before anything is sent again, and a bar that is done is never traded again.
Orders go through the execution agent like every other order (risk checks, the halt re-read
at send time, the order journal, the audit log); the actor is ``autopilot``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from volex.adapters.storage.autopilot import BarRecord
from volex.agents.strategy_runner import blocking_rule, holding, send_order
from volex.autopilot.faults import crash_point
from volex.errors import (
    ExchangeError,
    NetworkError,
    RiskRejected,
    TradingHalted,
    UserInputError,
)

if TYPE_CHECKING:
    from volex.adapters.storage.autopilot import AutopilotRepo
    from volex.agents.execution import ExecutionAgent
    from volex.autopilot.clock import Clock
    from volex.autopilot.deciders import Decider
    from volex.improve.risk import StakeGovernor
    from volex.portfolio.allocator import AllocationRules, Book

__all__ = ["Chain", "Sizing"]

# Bars journaled as missed after a long stop, at most (the rest of the gap is implied).
MAX_MISSED = 500
# The venue rounds fees and costs up to 1e-8: an entry of all the cash left keeps this back.
ROUNDING_MARGIN = Decimal("1e-6")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sizing:
    """How big an entry is: the portfolio allocator's stake under ``rules`` (the entries of
    one bar served together, as the portfolio backtest does), a ``sleeve`` (a callable giving
    a market's quote), ``quote`` or ``percent`` of free cash, else the risk agent's size."""

    quote: Decimal | None = None
    percent: Decimal | None = None
    stop_loss_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None
    sleeve: Callable[[str], Decimal] | None = None
    rules: AllocationRules | None = None


def _iso(ms: int) -> str:
    return f"{datetime.fromtimestamp(ms / 1000, UTC):%Y-%m-%d %H:%M}"


class Chain:
    """Runs the chain on the newest closed bar of one market, resuming a half-done one."""

    def __init__(self, execution: ExecutionAgent, repo: AutopilotRepo, account: str,
                 holder_id: str, decider: Decider, clock: Clock, timeframe: str,
                 sizing: Sizing, *, actor: str = "autopilot",
                 governor: StakeGovernor | None = None) -> None:
        self.governor = governor  # shrinks entries after a drawdown ([improve.risk])
        self.execution = execution
        self.repo = repo
        self.account = account
        self.holder_id = holder_id
        self.decider = decider
        self.clock = clock
        self.timeframe = timeframe
        self.sizing = sizing
        self.actor = actor
        # The newest record per market (write-through: this process holds the lease, so it
        # is the journal's only writer) and, during a pass, the holdings read once for all
        # markets and the no-trade records written together. Bounded by the watchlist.
        self._last: dict[str, BarRecord | None] = {}
        self._held: dict[str, Decimal] | None = None
        self._quiet: list[BarRecord] = []

    def begin_pass(self) -> None:
        """Settle what a crash left open (orders of unknown fate, missing stops and targets),
        then read the holdings once for this pass (each market trades only its own asset)."""
        for change in self.execution.reconcile_if_due(self.actor):
            log.info("autopilot reconcile: %s", change)
        exchange = self.execution.exchange
        quote = self.execution.quote
        self._held = {}
        for asset, balance in exchange.balances().items():
            if asset != quote and balance.total > 0:
                symbol = f"{asset}/{quote}"
                market = exchange.market(symbol)
                amount = market.round_amount(balance.total)
                if market.min_amount is None or amount >= market.min_amount:
                    self._held[symbol] = amount

    def end_pass(self) -> None:
        """Journal the pass's no-trade bars in one transaction."""
        self._held = None
        quiet, self._quiet = self._quiet, []
        if quiet:
            self.repo.put_many(self.account, self.holder_id, quiet, self._wall_ms())

    def handle(self, symbol: str) -> BarRecord | None:
        """Act on ``symbol``'s newest closed bar unless done; None when nothing is new."""
        now = self.clock.now()
        latest = self.decider.latest_bar(symbol, now)
        if symbol not in self._last:
            self._last[symbol] = self.repo.last(self.account, symbol, self.timeframe)
        last = self._last[symbol]
        if latest is None or (last is not None and last.bar_ms >= latest and last.stage == "done"):
            return None
        if last is not None and last.stage != "done":
            if last.bar_ms == latest:
                return self._carry_on(symbol, last)
            self._close_stale(symbol, last)
        if last is not None:
            self._missed(symbol, last.bar_ms, latest)
        want = self.decider.decide(symbol, now)
        entered = bool(last and last.bar_ms < want.bar_ms and (last.decision or {}).get("entered"))
        record = BarRecord(symbol, self.timeframe, want.bar_ms, "decided", want.target, want.why,
                           {**want.to_dict(), "entered": entered})
        side = self._side(symbol, record)  # a bar with nothing to send is done in one write
        if side is None:
            return record
        self._put(record)
        crash_point("after_decision")
        return self._carry_on(symbol, record, side)

    # -- the steps ------------------------------------------------------------------------------

    def _carry_on(self, symbol: str, record: BarRecord, side: str | None = None) -> BarRecord:
        """Take ``record`` from its stage to done."""
        if record.stage == "decided":
            side = side or self._side(symbol, record)
            if side is None:
                return record
            if side == "buy" and self.sizing.rules and "stake" not in (record.decision or {}):
                record.action = "buy"  # an entry waits for the allocator (see ``enter``)
                return record
            record.stage, record.action = "intent", side
            record.client_order_id = self._client_order_id(symbol, record.bar_ms, side)
            self._put(record)
            crash_point("after_intent")
        if record.stage == "intent":
            self._send(symbol, record)
            if record.stage != "sent":
                return record
        record.stage = "done"
        self._put(record)
        return record

    def _side(self, symbol: str, record: BarRecord) -> str | None:
        """buy, sell, or None (the record is then done: no trade, and why)."""
        decision = record.decision or {}
        target = decision.get("target", "hold")
        position = (self._held.get(symbol, Decimal(0)) if self._held is not None
                    else holding(self.execution.exchange, symbol))
        entered = bool(decision.get("entered"))
        why = decision.get("why", "")
        if target == "long" and position <= 0 and entered and decision.get("source", "").startswith(
                "strategy"):
            # As in the backtest: after a stop (or a sale by hand) the strategy must go flat
            # before it buys again.
            return self._finish(record, "no change", "closed since the entry (stop, target or "
                                "by hand): waiting for the strategy to go flat", entered=True)
        if target == "long" and position <= 0:
            return "buy"
        if target == "flat" and position > 0:
            return "sell"
        if target == "hold":
            return self._finish(record, "hold", why, entered=position > 0)
        return self._finish(record, "no change", f"{why}; holding {position.normalize():f}",
                            entered=target == "long")

    def _finish(self, record: BarRecord, action: str, detail: str, *, entered: bool) -> None:
        record.stage, record.action, record.detail = "done", action, detail
        record.decision = {**(record.decision or {}), "entered": entered}
        if self._held is not None and record.client_order_id is None:
            self._last[record.symbol] = record  # nothing was sent: journaled with the pass
            self._quiet.append(record)
            return
        self._put(record)

    def _send(self, symbol: str, record: BarRecord) -> None:
        """Send the intent's order unless the venue already holds it (a resumed bar)."""
        side, cid = record.action, record.client_order_id or ""
        known = self.execution.exchange.fetch_order_by_client_id(cid, symbol)
        if known is not None:
            self._sent(record, known.id, f"{known.status} {side} {known.filled or known.amount} "
                                         f"{symbol} (found at the venue after a restart)")
            return
        why = (record.decision or {}).get("why", "")
        reason = f"autopilot {self.decider.name}: {why} on the {self.timeframe} bar of " \
                 f"{_iso(record.bar_ms)} UTC"
        sizing = self.sizing
        stake = (record.decision or {}).get("stake")
        if stake is not None:  # the stake includes the entry fee; less a hair for rounding
            quote = (Decimal(stake) - ROUNDING_MARGIN) / (1 + self.execution.fee_rate)
        else:
            quote = sizing.sleeve(symbol) if sizing.sleeve and side == "buy" else sizing.quote
        percent = sizing.percent
        if side == "buy" and self.governor is not None:
            factor = self.governor.factor(self._book().equity)
            if factor != 1 and (quote is not None or percent is not None):
                quote = None if quote is None else quote * factor
                percent = None if percent is None else percent * factor
                reason += f"; stake x {factor} after a drawdown"
        try:
            result = send_order(self.execution, self.actor, symbol, side, reason=reason,
                                client_order_id=cid, quote=quote, percent=percent,
                                stop_loss_pct=sizing.stop_loss_pct,
                                take_profit_pct=sizing.take_profit_pct,
                                confidence=(record.decision or {}).get("confidence"))
        except (TradingHalted, RiskRejected, UserInputError, ExchangeError) as exc:
            # Refused before or by the venue: nothing was traded on this bar.
            rule = blocking_rule(exc)
            self._finish(record, "blocked", f"blocked by {rule}: {str(exc).splitlines()[0]}",
                         entered=(record.decision or {}).get("entered", False))
            return
        except NetworkError:
            raise  # the intent stays: the next pass asks the venue by the client id
        crash_point("after_send")
        order = result.order
        detail = f"{order.status} {side} {order.filled or order.amount} {symbol}"
        if order.average is not None:
            detail += f" at {order.average}"
        notes = [*result.notes, *(f"{o.type.replace('_', '-')} placed at {o.price}"
                                  for o in result.protective)]
        if result.protective:  # reconcile counts their fills as this autopilot's exits
            record.decision = {**(record.decision or {}), "protective": [
                {"id": o.id, "type": o.type} for o in result.protective]}
        self._sent(record, order.id, "; ".join([detail, *notes]))
        crash_point("after_fill")

    def _sent(self, record: BarRecord, order_id: str, detail: str) -> None:
        record.stage, record.order_id, record.detail = "sent", order_id, detail
        record.decision = {**(record.decision or {}), "entered": record.action == "buy"}
        self._put(record)

    def _missed(self, symbol: str, last_ms: int, latest_ms: int) -> None:
        """Journal the bars that closed while no autopilot ran (the newest is traded instead),
        so a gap is visible in the journal rather than silent. At most ``MAX_MISSED`` rows."""
        from volex.domain.timeframes import timeframe_ms

        step = timeframe_ms(self.timeframe)
        first = max(last_ms + step, latest_ms - MAX_MISSED * step)
        for bar_ms in range(first, latest_ms, step):
            self._quiet.append(BarRecord(symbol, self.timeframe, bar_ms, "done", "missed",
                                         "closed while no autopilot was running; the newest "
                                         "bar is acted on instead", {}))

    def _close_stale(self, symbol: str, record: BarRecord) -> None:
        """A bar left half-done by a crash, with a newer bar closed since: settle it."""
        if record.stage == "intent" and record.client_order_id:
            known = self.execution.exchange.fetch_order_by_client_id(record.client_order_id,
                                                                     symbol)
            if known is not None:
                self._sent(record, known.id, f"{known.status} {record.action} (found at the "
                                             "venue after a restart)")
                record.stage = "done"
                self._put(record)
                return
        record.stage, record.action = "done", "missed"
        record.detail = "not sent: a newer bar closed before the autopilot came back"
        self._put(record)

    # -- entries through the portfolio allocator ------------------------------------------------

    def enter(self, pending: list[BarRecord]) -> list[tuple[BarRecord, Exception | None]]:
        """Serve one pass's entries as the portfolio backtest does: strongest first (then by
        symbol), each sized by the allocator against the book after the entries before it.

        A refused entry is done ("refused", with the allocator's reason) and, as in the
        backtest, the market must go flat before it may enter again.
        """
        from volex.portfolio.allocator import allocate, entry_order

        if not pending or self.sizing.rules is None:
            return []
        rules = self.sizing.rules
        by_symbol = {r.symbol: r for r in pending}
        strengths = {s: float((r.decision or {}).get("confidence") or 1.0)
                     for s, r in by_symbol.items()}
        book = self._book()
        out: list[tuple[BarRecord, Exception | None]] = []
        for symbol in entry_order(strengths):
            record = by_symbol[symbol]
            try:
                price = self.execution.exchange.ticker(symbol).last
                got = allocate(rules, book, price=price, min_stake=book.equity / 10**9)
                if got.refused:
                    record.decision = {**(record.decision or {}), "refused": got.refused}
                    self._finish(record, "refused", f"{(record.decision or {}).get('why', '')}; "
                                 f"allocator {got.reason}", entered=True)
                else:
                    record.decision = {**(record.decision or {}), "stake": str(got.stake),
                                       "allocation": got.reason}
                    self._carry_on(symbol, record, "buy")
                    if record.action == "buy":
                        book = book.after_entry(got.stake)
                out.append((record, None))
            except Exception as exc:  # noqa: BLE001 - reported per market by the loop
                out.append((record, exc))
        return out

    def _book(self) -> Book:
        """The account as the allocator sees it: cash, and positions at the last closes."""
        from volex.portfolio.allocator import Book

        exchange = self.execution.exchange
        quote = self.execution.quote
        balances = exchange.balances()
        cash = balances[quote].total if quote in balances else Decimal(0)
        exposure, positions = Decimal(0), 0
        now = self.clock.now()
        for asset in balances:
            if asset == quote:
                continue
            symbol = f"{asset}/{quote}"
            amount = holding(exchange, symbol)
            if amount <= 0:
                continue
            positions += 1
            mark = self.decider.mark(symbol, now)
            exposure += amount * (mark if mark is not None else exchange.ticker(symbol).last)
        return Book(equity=cash + exposure, cash=cash, open_positions=positions,
                    exposure=exposure)

    def _client_order_id(self, symbol: str, bar_ms: int, side: str) -> str:
        """One id per account, market, bar and side: the venue never holds the order twice."""
        key = f"autopilot|{self.account}|{symbol}|{self.timeframe}|{bar_ms}|{side}"
        return "vxa" + hashlib.sha256(key.encode()).hexdigest()[:29]

    def _put(self, record: BarRecord) -> None:
        self.repo.put(self.account, self.holder_id, record, self._wall_ms())
        self._last[record.symbol] = record

    def _wall_ms(self) -> int:
        return int(self.clock.wall().timestamp() * 1000)
