"""Check-and-accept: the last risk check and an order's acceptance as one step per account.

Several processes (CLI commands, the dashboard, the autopilot, a bot) may confirm orders on
one account at the same moment. Each plans against what the venue showed it; alone, each
plan passes. :func:`accept` makes the final check and the reservation one step: under the
account's lock (``Database.locked``: ``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL, held for milliseconds and never across a venue call) it re-runs every risk check
with the reservations of orders other processes have accepted but whose fills the plan could
not have seen, and, if they still pass, reserves this order. Then the order is sent (outside
the lock), and the gate settles the reservation when the venue's answer is journaled.

A headless loop uses it through :meth:`ExecutionAgent.execute` (plan -> execute): the
reservation, the send, and the settle or release all happen there.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from volex.adapters.storage.inflight import Reservation
from volex.agents.risk import AccountView, RiskAgent
from volex.domain.ledger import ZERO, exact
from volex.domain.orders import TradePlan

if TYPE_CHECKING:
    from volex.adapters.storage.store import Store

__all__ = ["accept", "with_reservations"]


def with_reservations(account: AccountView, held: list[Reservation]) -> AccountView:
    """``account`` as it will be once the reserved orders fill: their buys count as position
    and spent cash, their sells as coins no longer held, each as an open order."""
    pending = dict(account.pending_buys)
    holdings = dict(account.held)
    free = account.free_quote
    with exact():
        for r in held:
            if r.side == "buy":
                pending[r.symbol] = pending.get(r.symbol, ZERO) + r.notional
                free -= r.cost
            else:
                holdings[r.symbol] = holdings.get(r.symbol, ZERO) - r.amount
    return replace(account, free_quote=free, pending_buys=pending, held=holdings,
                   open_orders=account.open_orders + len(held))


def accept(store: Store, risk: RiskAgent, plan: TradePlan, account: AccountView,
           daily_loss_pct: Decimal, seen_gen: int) -> TradePlan:
    """Reserve ``plan``'s order if every check still passes with the orders in flight.

    ``account`` must have been read from the venue after the account generation
    ``seen_gen`` was read. Returns the plan with the checks as run under the lock; the
    order is reserved only if it is approved.
    """
    request = plan.request
    name = plan.exchange
    resting = (int(request.type == "limit") + int(plan.stop_loss_price is not None)
               + int(plan.take_profit_price is not None))
    with store.db.locked(f"account:{name}") as conn:
        flying = store.inflight.outstanding(conn, name, seen_gen)
        limits = risk.limits()
        if plan.min_confidence is not None:
            limits = limits.model_copy(update={"min_confidence": Decimal(str(plan.min_confidence))})
        checks = risk.check(request, plan.price, plan.fee, with_reservations(account, flying),
                            limits, plan.halt, daily_loss_pct=daily_loss_pct,
                            confidence=plan.confidence, resting=resting)
        checked = plan.model_copy(update={"checks": checks})
        if checked.approved:
            with exact():
                notional = request.amount * plan.price
            store.inflight.hold(conn, name, request.client_order_id, request.symbol,
                                request.side, request.amount, notional, notional + plan.fee)
    return checked
