"""The execution agent: plan -> checks -> submit, cancel, flatten, positions, reconciliation.

Every order leaves the process through its :class:`~volex.agents.order_gate.OrderGate`
(:meth:`ExecutionAgent.submit`), which re-reads the halt state from the store immediately
before calling the venue, journals and audits the order in one transaction, and on a temporary
failure looks the order up by its client order id before any retry, so an order is never sent
twice. Confirmation is the front end's job: :meth:`plan` changes nothing.

A headless loop (the autopilot) trades with the same two calls as the CLI:
``plan = agent.plan(symbol, side, ...)`` then ``agent.execute(plan, actor="autopilot",
reason=...)``. ``execute`` re-plans against the state now, then checks and reserves the order
in one step per account across processes (:mod:`volex.agents.acceptance`), sends it outside
any lock, and settles the reservation when the venue's answer is journaled (or releases it if
nothing was sent). It raises RiskRejected / TradingHalted when refused, NetworkError when the
venue's answer is unknown (the order stays reserved and journaled as pending until a reconcile
learns its fate). Call :meth:`reconcile` (or :meth:`reconcile_if_due`) each loop: it settles
orders whose process died and places the stop and target of filled entries that lack them
(:meth:`restore_protection`), leaving orders another live process is sending alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from volex.agents.acceptance import accept
from volex.agents.halt import HaltSwitch
from volex.agents.order_gate import OrderGate
from volex.agents.protection import PROTECTIVE, protective_requests
from volex.agents.resize import protected_amount, sell_around_protection
from volex.agents.risk import AccountView, RiskAgent, money, pct
from volex.domain.ledger import ZERO, books_from_fills, exact, fee_for
from volex.domain.orders import (
    Balance,
    Fill,
    HaltReport,
    HaltState,
    Order,
    OrderRequest,
    Position,
    Side,
    TradePlan,
    TradeResult,
    utcnow,
)
from volex.errors import (
    InvalidOrder,
    NetworkError,
    RiskRejected,
    TradingHalted,
    UnknownSymbol,
    UserInputError,
    VolexError,
)

if TYPE_CHECKING:
    from volex.ports import Exchange, Storage

__all__ = ["ExecutionAgent", "describe_block"]

log = logging.getLogger(__name__)

HUNDRED = Decimal(100)


class ExecutionAgent:
    """Turns trade intentions into orders on one venue, through one guarded path."""

    def __init__(self, exchange: Exchange, store: Storage, risk: RiskAgent, *, quote: str,
                 fee_rate: Decimal, maker_fee_rate: Decimal, slippage_bps: Decimal,
                 halts: HaltSwitch | None = None, emit: Callable[[str, dict], None] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.risk = risk
        self.quote = quote
        self.fee_rate = Decimal(str(fee_rate))
        self.maker_fee_rate = Decimal(str(maker_fee_rate))
        self.slippage = Decimal(str(slippage_bps)) / Decimal(10_000)
        self.halts = halts or HaltSwitch(store, clock=clock)
        self.gate = OrderGate(exchange, store, self.halts, emit)
        self.journal = self.gate.journal
        self._reconciled_at = float("-inf")

    @property
    def exchange(self) -> Exchange:
        """The venue; the order gate sends to the same one (tests may swap it for a spy)."""
        return self.gate.exchange

    @exchange.setter
    def exchange(self, venue: Exchange) -> None:
        self.gate.exchange = venue

    # -- state --------------------------------------------------------------------------------

    def halt_state(self) -> HaltState:
        return self.halts.state()

    def account(self) -> AccountView:
        """Balances, holdings and resting buys valued at current prices."""
        balances = self.exchange.balances()
        orders = self.exchange.open_orders()
        values: dict[str, Decimal] = {}
        held: dict[str, Decimal] = {}
        with exact():
            for asset, balance in balances.items():
                if asset == self.quote or balance.total <= 0:
                    continue
                symbol = f"{asset}/{self.quote}"
                held[symbol] = balance.free  # plus coins a live sale frees from its protection
                if self.exchange.mode != "paper":
                    held[symbol] = min(balance.total, balance.free + protected_amount(orders, symbol))
                try:
                    values[symbol] = balance.total * self.exchange.ticker(symbol).last
                except VolexError as exc:  # no market or no price: it cannot be traded either
                    log.warning("%s left out of equity: %s", asset, exc)
            pending: dict[str, Decimal] = {}
            for order in orders:
                if order.side == "buy" and order.price is not None:
                    pending[order.symbol] = pending.get(order.symbol, ZERO) + order.remaining * order.price
            cash = balances.get(self.quote, Balance(asset=self.quote))
            equity = cash.total + sum(values.values(), ZERO)
        return AccountView(self.quote, equity, cash.free, values, held, pending, len(orders))

    def balances(self) -> list[Balance]:
        """Each asset with its value in the quote currency at the current price."""
        out = []
        for asset, balance in self.exchange.balances().items():
            if asset == self.quote:
                out.append(balance.model_copy(update={"value": balance.total, "price": Decimal(1)}))
                continue
            try:
                ticker = self.exchange.ticker(f"{asset}/{self.quote}")
            except VolexError:
                out.append(balance)
                continue
            out.append(balance.model_copy(update={"value": balance.total * ticker.last,
                                                  "price": ticker.last,
                                                  "price_source": ticker.source}))
        return out

    # -- planning -----------------------------------------------------------------------------

    def plan(self, symbol: str, side: Side, *, amount: Decimal | None = None,
             quote: Decimal | None = None, percent: Decimal | None = None,
             limit: Decimal | None = None, stop_loss_pct: Decimal | None = None,
             take_profit_pct: Decimal | None = None, confidence: float | None = None,
             min_confidence: Decimal | None = None,
             client_order_id: str | None = None) -> TradePlan:
        """The order that would be sent, its expected fill and fees, and every risk check."""
        return self._plan(symbol, side, amount=amount, quote=quote, percent=percent, limit=limit,
                          stop_loss_pct=stop_loss_pct, take_profit_pct=take_profit_pct,
                          confidence=confidence, min_confidence=min_confidence,
                          client_order_id=client_order_id)[0]

    def _plan(self, symbol: str, side: Side, *, amount: Decimal | None = None,
              quote: Decimal | None = None, percent: Decimal | None = None,
              limit: Decimal | None = None, stop_loss_pct: Decimal | None = None,
              take_profit_pct: Decimal | None = None, confidence: float | None = None,
              min_confidence: Decimal | None = None,
              client_order_id: str | None = None) -> tuple[TradePlan, AccountView, Decimal]:
        """The plan, with the account view and today's loss it was checked against."""
        if side == "sell" and (stop_loss_pct or take_profit_pct):
            raise UserInputError("--stop-loss and --take-profit protect a buy; a sell closes a holding")
        if stop_loss_pct is not None and stop_loss_pct >= HUNDRED:
            raise UserInputError(f"--stop-loss is a distance below the fill in %, under 100, "
                                 f"not {stop_loss_pct}")
        market = self.exchange.market(symbol)
        ticker = self.exchange.ticker(symbol)
        account = self.account()
        limits = self.risk.limits()
        if min_confidence is not None:
            limits = limits.model_copy(update={"min_confidence": Decimal(str(min_confidence))})
        loss = self.risk.daily_loss_pct(account)
        notes: list[str] = []
        halt = self.daily_loss_guard(loss, limits, notes)
        price = market.round_price(limit) if limit is not None else self._expected(side, ticker.last)
        rate = self.maker_fee_rate if limit is not None else self.fee_rate
        size, sized_by = self.risk.size(side, symbol, price, rate, account, limits, market,
                                        amount=amount, quote=quote, percent=percent,
                                        stop_loss_pct=stop_loss_pct)
        if size <= 0:
            raise UserInputError(f"nothing to {side}: the size comes to 0 {market.base} ({sized_by})")
        fields: dict[str, Any] = {"symbol": symbol, "side": side, "amount": size,
                                  "type": "limit" if limit is not None else "market",
                                  "price": price if limit is not None else None,
                                  "reduce_only": side == "sell", "stop_loss_pct": stop_loss_pct,
                                  "take_profit_pct": take_profit_pct}
        if client_order_id:
            fields["client_order_id"] = client_order_id
        try:
            request = OrderRequest(**fields)
        except ValidationError as exc:
            raise UserInputError(f"bad order: {exc.errors()[0]['msg']}") from None
        fee = fee_for(size, price, rate)
        with exact():
            stop = market.round_price(price * (1 - stop_loss_pct / HUNDRED)) if stop_loss_pct else None
            target = market.round_price(price * (1 + take_profit_pct / HUNDRED)) if take_profit_pct else None
        resting = int(limit is not None) + int(stop is not None) + int(target is not None)
        checks = self.risk.check(request, price, fee, account, limits, halt, daily_loss_pct=loss,
                                 confidence=confidence, resting=resting)
        if ticker.offline:
            notes.append(ticker.describe())
        plan = TradePlan(request=request, exchange=self.exchange.name, mode=self.exchange.mode,
                         price=price, price_source=ticker.source, quote_amount=size * price,
                         fee=fee, fee_rate=rate, quote_currency=market.quote,
                         stop_loss_price=stop, take_profit_price=target, sized_by=sized_by,
                         checks=checks, halt=halt, confidence=confidence,
                         min_confidence=min_confidence, notes=notes)
        return plan, account, loss

    def _expected(self, side: Side, last: Decimal) -> Decimal:
        with exact():
            moved = last * (1 + self.slippage) if side == "buy" else last * (1 - self.slippage)
        return moved.quantize(Decimal("1e-8"))

    def daily_loss_guard(self, loss: Decimal, limits: Any, notes: list[str]) -> HaltState:
        """Switch to a reduce-only halt when today's loss reaches the limit, and say so."""
        halt = self.halt_state()
        if loss < limits.max_daily_loss_pct or halt.active:
            return halt
        reason = (f"daily loss limit hit: equity down {pct(loss)} since 00:00 UTC "
                  f"(limit {pct(limits.max_daily_loss_pct)}); trading is reduce-only")
        halt = self.halts.halt("agent", reason, reduce_only=True, details={"loss_pct": str(loss)})
        notes.append(reason)
        for order in self.exchange.open_orders():
            if order.side == "buy":
                self._cancel_one(order, "agent", "daily loss limit hit")
        return halt

    # -- sending ------------------------------------------------------------------------------

    def execute(self, plan: TradePlan, *, actor: str, reason: str | None = None) -> TradeResult:
        """Re-check ``plan`` against the state now and send it, then its stop and target.

        The last check and the order's reservation are one step per account across
        processes (:func:`~volex.agents.acceptance.accept`); the reservation counts against
        the limits until the venue's answer is journaled, or is released if nothing was sent.
        """
        req = plan.request
        seen = self.store.inflight.generation(self.exchange.name)  # before the account is read
        fresh, account, loss = self._plan(
            req.symbol, req.side, amount=req.amount,
            limit=req.price if req.type == "limit" else None,
            stop_loss_pct=req.stop_loss_pct, take_profit_pct=req.take_profit_pct,
            confidence=plan.confidence, min_confidence=plan.min_confidence,
            client_order_id=req.client_order_id)
        if fresh.approved:
            fresh = accept(self.store, self.risk, fresh, account, loss, seen)
        if not fresh.approved:
            blocked = fresh.blocked_by
            self.store.audit.record(actor, "order.blocked", req.symbol, reason,
                                    {"checks": [c.model_dump(mode="json") for c in blocked]})
            if blocked[0].name == "halt":
                raise TradingHalted(f"order not sent: {fresh.halt.describe()}")
            raise RiskRejected(describe_block(fresh), fresh.checks)
        notes = list(fresh.notes)
        try:
            order, protective = sell_around_protection(self, fresh.request, actor=actor,
                                                       reason=reason, notes=notes)
        except BaseException:
            if self.journal.get(req.client_order_id) is None:  # never sent: release it
                self.store.inflight.settle(fresh.exchange, [req.client_order_id])
            raise
        if order.status == "closed" and order.side == "buy":
            protective = self.protect(order, fresh.request, actor, notes, why=reason)
            self._close_intent(fresh.request, protective, notes)
        return TradeResult(plan=fresh, order=order, protective=protective, notes=notes)

    def submit(self, request: OrderRequest, *, actor: str, reason: str | None = None,
               flatten: bool = False) -> Order:
        """THE way an order leaves Volex (see :class:`OrderGate`): halt re-read, journal +
        audit, send once, record. ``flatten`` marks the closing orders of `halt --flatten`."""
        return self.gate.submit(request, actor=actor, reason=reason, flatten=flatten)

    def protect(self, entry: Order, request: OrderRequest, actor: str,
                notes: list[str] | None = None, why: str | None = None) -> list[Order]:
        """Place the stop-loss and take-profit of a filled entry (idempotent per entry).

        Both on a venue that places them as one OCO list go as that list (the venue reserves
        the coins once and cancels one leg when the other fills); otherwise one by one (the
        paper venue cancels the other leg itself). One that cannot be placed (halted
        meanwhile, trigger past the price...) is noted in ``notes``; the entry stands.
        ``why`` is the entry's reason, repeated in theirs.
        """
        suffix = f" ({why})" if why else ""
        notes = notes if notes is not None else []
        if entry.side != "buy" or entry.filled <= 0 or entry.average is None:
            return []
        market = self.exchange.market(entry.symbol)
        held = self.exchange.balances().get(market.base)
        children, problems = protective_requests(entry, request, market,
                                                 held.free if held else ZERO)
        notes.extend(problems)
        return self.place_protective(children, actor, f"for {entry.id}{suffix}", notes)

    def place_protective(self, children: list[OrderRequest], actor: str, why: str,
                         notes: list[str]) -> list[Order]:
        """Place a stop-loss then take-profit (either may be absent): as one OCO list where
        the venue has them, else one by one; what is not placed is said in ``notes``."""
        if len(children) == 2 and getattr(self.exchange, "places_protective_pairs", False):
            stop, target = children
            try:
                return self.gate.submit_group(
                    children, lambda: self.exchange.create_protective_pair(stop, target),  # type: ignore[attr-defined]
                    actor=actor, reason=f"stop-loss and take-profit (OCO) {why}")
            except VolexError as exc:
                self._not_placed(notes, "stop-loss and take-profit", why, exc)
                return []
        placed = []
        for child in children:
            try:
                placed.append(self.submit(child, actor=actor, reason=f"{child.type} {why}"))
            except VolexError as exc:
                self._not_placed(notes, child.type.replace("_", "-"), why, exc)
        return placed

    def _close_intent(self, request: OrderRequest, placed: list[Order], notes: list[str]) -> None:
        """Mark the entry's protection placed, or given up with the reason (said in notes)."""
        if not (request.stop_loss_pct or request.take_profit_pct):
            return
        wanted = int(bool(request.stop_loss_pct)) + int(bool(request.take_profit_pct))
        if len(placed) == wanted:
            self.store.intents.close(request.client_order_id, "protected")
        elif not any("not confirmed" in note for note in notes):  # unknown: reconcile asks again
            self.store.intents.close(request.client_order_id, "unprotected", "; ".join(notes))

    def restore_protection(self, actor: str) -> list[str]:
        """Place the stop and target of filled entries whose process did not (it died, or a
        limit entry filled later), once each; says what it placed. Entries still in the hands
        of a live process are left to it."""
        changes = []
        for cid in self.store.intents.open(self.exchange.name):
            row = self.journal.get(cid)
            if row is None or row["status"] in ("pending", "open"):
                continue  # not filled yet (or its fate is the reconcile's to learn first)
            if self.store.inflight.owned_elsewhere(cid, settled=True):
                continue
            request = OrderRequest.model_validate_json(row["request"])
            try:
                entry = self.exchange.fetch_order_by_client_id(cid, request.symbol)
            except VolexError as exc:
                changes.append(f"{cid}: venue unreachable ({exc})")
                continue
            if entry is None or entry.filled <= 0:
                self.store.intents.close(cid, "void", "the entry did not fill")
                continue
            notes: list[str] = []
            placed = self.protect(entry, request, actor, notes, why="restored after a restart")
            self._close_intent(request, placed, notes)
            kinds = " and ".join(o.type.replace("_", "-") for o in placed) or "no protection"
            said = f"{cid}: placed {kinds} for the filled entry {entry.id}"
            changes.extend([said] + [f"{cid}: {note}" for note in notes])
            self.store.audit.record(actor, "protection.restored", request.symbol, said,
                                    {"client_order_id": cid, "placed": [o.id for o in placed],
                                     "notes": notes})
            log.warning("%s", said)
        return changes

    @staticmethod
    def _not_placed(notes: list[str], what: str, why: str, exc: Exception) -> None:
        """Note why ``what`` is not in place; unknown when the venue could not be asked."""
        text = str(exc).splitlines()[0]
        if isinstance(exc, NetworkError):  # journaled: the next reconcile learns its fate
            text = f"{text}; the next volex command asks the venue again"
            notes.append(f"{what} not confirmed: {text}")
        else:
            notes.append(f"{what} not placed: {text}")
        log.warning("%s %s not in place: %s", what, why, text)

    # -- cancelling, halting, flattening ----------------------------------------------------------

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        return self.exchange.open_orders(symbol)

    def cancel(self, *, actor: str, order_id: str | None = None, symbol: str | None = None,
               reason: str | None = None) -> list[Order]:
        """Cancel one order (by venue or client id), a symbol's orders, or all of them."""
        targets = self.exchange.open_orders(symbol)
        if order_id is not None:
            targets = [o for o in targets if order_id in (o.id, o.client_order_id)]
            if not targets:
                raise InvalidOrder(f"no open order {order_id} (see `volex orders`)")
        return [self._cancel_one(o, actor, reason) for o in targets]

    def _cancel_one(self, order: Order, actor: str, reason: str | None) -> Order:
        done = self.exchange.cancel_order(order.id, order.symbol)
        with self.store.transaction() as tx:
            tx.journal.record_result(order.client_order_id, order_id=order.id,
                                     status=done.status, filled=done.filled,
                                     average=done.average, fee=done.fee)
            tx.audit.record(actor, "order.cancel", order.symbol, reason,
                            {"order_id": order.id, "client_order_id": order.client_order_id,
                             "type": order.type, "status": done.status})
        self.gate.publish("orders", {"action": "order.cancel", "order_id": order.id})
        return done

    def after_halt(self, state: HaltState, *, actor: str, flatten: bool) -> HaltReport:
        """Cancel open orders (a reduce-only halt keeps stops and targets), then flatten."""
        report = HaltReport(state=state)
        # the paper venue can list its book without first matching it against prices
        listing = getattr(self.exchange, "resting_orders", self.exchange.open_orders)
        try:
            for order in listing():
                if state.reduce_only and order.type in PROTECTIVE:
                    continue
                try:
                    report.canceled.append(self._cancel_one(order, actor, "halt"))
                except VolexError as exc:
                    report.problems.append(f"could not cancel {order.id}: {exc}")
        except VolexError as exc:
            report.problems.append(f"could not list open orders: {exc}")
        if flatten:
            self._flatten(report, actor)
        return report

    def _flatten(self, report: HaltReport, actor: str) -> None:
        try:
            balances = self.exchange.balances()
        except VolexError as exc:
            report.problems.append(f"could not read balances to flatten: {exc}")
            return
        for asset, balance in balances.items():
            if asset == self.quote or balance.free <= 0:
                continue
            symbol = f"{asset}/{self.quote}"
            try:
                amount = self.exchange.market(symbol).round_amount(balance.free)
                if amount <= 0:
                    continue
                request = OrderRequest(symbol=symbol, side="sell", amount=amount, reduce_only=True)
                report.flattened.append(self.submit(request, actor=actor, reason="halt --flatten",
                                                    flatten=True))
            except VolexError as exc:
                report.problems.append(f"could not close {symbol}: {exc}")

    def reset_paper(self, balance: Decimal | None, *, actor: str, reason: str | None = None) -> Decimal:
        """Wipe the paper account (orders, fills, holdings) and start again with ``balance``."""
        reset = getattr(self.exchange, "reset", None)
        if self.exchange.mode != "paper" or reset is None:
            raise UserInputError("paper reset works on the paper account only (this is live)")
        with self.store.transaction() as tx:
            amount = reset(balance, tx)  # the paper ledger lives in the same store: one commit
            tx.journal.clear(self.exchange.name)
            tx.inflight.clear(self.exchange.name)
            tx.intents.clear(self.exchange.name)
            self.risk.start_day(amount, tx)
            tx.audit.record(actor, "paper.reset", self.exchange.name, reason,
                            {"balance": str(amount), "quote": self.quote})
        return amount

    # -- positions and reconciliation --------------------------------------------------------------

    def positions(self) -> list[Position]:
        """Holdings with entry, mark, unrealised and realised PnL, and their stop and target."""
        books = books_from_fills(self._fills())
        protective: dict[str, dict[str, Decimal]] = {}
        for order in self.exchange.open_orders():
            if order.type in PROTECTIVE and order.price is not None:
                protective.setdefault(order.symbol, {})[order.type] = order.price
        out = []
        for symbol, book in sorted(books.items()):
            if book.amount <= 0 and book.realised_pnl == 0:
                continue
            mark, source = None, None
            if book.amount > 0:
                try:
                    ticker = self.exchange.ticker(symbol)
                    mark, source = ticker.last, ticker.source
                except VolexError:
                    pass
            guards = protective.get(symbol, {})
            out.append(Position(symbol=symbol, amount=book.amount, entry_price=book.entry_price,
                                cost_basis=book.cost_basis, mark_price=mark, mark_source=source,
                                realised_pnl=book.realised_pnl, fees=book.fees,
                                stop_loss=guards.get("stop_loss"),
                                take_profit=guards.get("take_profit")))
        return out

    def _fills(self) -> list[Fill]:
        """Every fill, oldest first. A live venue that lists fills per market (Binance) is
        also asked for each market in the journal: one sold out before this process started
        is neither held nor open there, but its realised PnL counts."""
        fills = self.exchange.my_trades()
        if self.exchange.mode != "live":
            return fills
        covered = {f.symbol for f in fills}
        for symbol in sorted(self.journal.symbols(self.exchange.name) - covered):
            try:
                fills += self.exchange.my_trades(symbol)
            except UnknownSymbol as exc:  # delisted since: nothing more to learn there
                log.warning("fills of %s not read: %s", symbol, exc)
        return sorted(fills, key=lambda f: f.at)

    def reconcile_if_due(self, actor: str = "agent", every_s: float = 5.0) -> list[str]:
        """Reconcile unless it was done less than ``every_s`` seconds ago (cheap to call often)."""
        now = time.monotonic()
        if now - self._reconciled_at < every_s:
            return []
        self._reconciled_at = now
        return self.reconcile(actor)

    def reconcile(self, actor: str = "agent") -> list[str]:
        """Bring the journal in line with the venue: orders whose fate was unknown, fills of
        resting entries (whose stop and target are then placed). Returns what changed.

        An order still pending while the process sending it is alive (its lease in
        ``orders_in_flight``) is that process's: it is left alone, not declared lost."""
        changes = []
        name = self.exchange.name
        for cid in self.store.inflight.orphans(name):  # accepted, then its process died
            if self.journal.get(cid) is None:          # ... before it journaled the order
                self.store.inflight.settle(name, [cid])
        for row in self.journal.unsettled(name):
            cid, symbol = row["client_order_id"], row["symbol"]
            if row["status"] == "pending" and self.store.inflight.owned_elsewhere(cid):
                continue  # another live process is sending it: its answer is on the way
            try:
                order = self.exchange.fetch_order_by_client_id(cid, symbol)
            except VolexError as exc:
                changes.append(f"{cid}: venue unreachable ({exc})")
                continue
            if order is None:
                if row["status"] == "pending":
                    request = OrderRequest.model_validate_json(row["request"])
                    self.gate.record(request, actor, None, "rejected", "never reached the venue")
                    changes.append(f"{cid}: never reached {self.exchange.name}")
                continue
            if order.status == row["status"]:
                continue
            request = OrderRequest.model_validate_json(row["request"])
            self.gate.record(request, actor, order, order.status, "reconciled with the venue")
            changes.append(f"{cid}: {row['status']} -> {order.status}")
        return changes + self.restore_protection(actor)


def describe_block(plan: TradePlan) -> str:
    """One line naming each rule that blocked ``plan`` and by how much."""
    parts = [f"{c.name}: {c.message}" for c in plan.blocked_by]
    value = money(plan.quote_amount, plan.quote_currency)
    return f"{plan.request.side} {plan.request.amount} {plan.request.symbol} ({value}) blocked by " + "; ".join(parts)
