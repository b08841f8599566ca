"""A sale on a live venue resizes the stop-loss and take-profit around it.

On a live spot venue (Binance) a resting stop, target or OCO list reserves the coins it would
sell, so a market sale of those coins is refused. A sell of a symbol with protection open
therefore cancels that protection first (journaled and audited like any cancel), sends the
sell through the order gate, then places the protection again at the same trigger prices for
what is still held: one OCO list where the venue has them. Should the sell fail, the
protection goes back for what is held. A full sale leaves nothing to protect. The paper venue
shrinks its own stops (``PaperExchange._shrink_protection``) and is left alone here.

The new protective orders' client order ids derive from the sell's (``-rsl``/``-rtp`` after
it, ``-bsl``/``-btp`` when put back after a failure), so a retry finds them instead of
doubling them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import ValidationError

from volex.agents.protection import PROTECTIVE
from volex.domain.ledger import ZERO
from volex.domain.orders import Order, OrderRequest
from volex.errors import VolexError

if TYPE_CHECKING:
    from volex.agents.execution import ExecutionAgent

__all__ = ["protected_amount", "sell_around_protection"]


def protected_amount(orders: list[Order], symbol: str) -> Decimal:
    """The coins of ``symbol`` that resting protection reserves (an OCO list reserves its
    amount once, so the largest leg), which a sale may free by resizing it."""
    return max((o.remaining for o in orders
                if o.symbol == symbol and o.side == "sell" and o.type in PROTECTIVE), default=ZERO)


def sell_around_protection(agent: ExecutionAgent, request: OrderRequest, *, actor: str,
                           reason: str | None, notes: list[str]) -> tuple[Order, list[Order]]:
    """Send the sell ``request``, moving the symbol's protection out of its way and back.

    Returns the sell and the protection now in place for it (empty when none was moved).
    """
    venue = agent.exchange
    guards = []
    if request.side == "sell" and venue.mode != "paper" \
            and not agent.journal.exists(request.client_order_id):  # a retry: sent before
        guards = sorted((o for o in venue.open_orders(request.symbol)
                         if o.side == "sell" and o.type in PROTECTIVE),
                        key=lambda o: PROTECTIVE.index(o.type))
    if not guards:
        return agent.submit(request, actor=actor, reason=reason), []
    why = f"moved for the sale {request.client_order_id}"
    for guard in guards:
        if guard.status == "open":  # cancelling one leg of an OCO list ends the other too
            agent._cancel_one(guard, actor, f"protection {why}")
    try:
        sold = agent.submit(request, actor=actor, reason=reason)
    except VolexError:
        _again(agent, guards, request.client_order_id, "b", actor,
               "put back: the sale failed", notes)
        raise
    return sold, _again(agent, guards, request.client_order_id, "r", actor, why, notes)


def _again(agent: ExecutionAgent, guards: list[Order], sell_id: str, tag: str, actor: str,
           why: str, notes: list[str]) -> list[Order]:
    """Place ``guards`` again at their triggers for what is held now (none if nothing is)."""
    market = agent.exchange.market(guards[0].symbol)
    held = agent.exchange.balances().get(market.base)
    amount = market.round_amount(min(max(g.remaining for g in guards),
                                     held.free if held else ZERO))
    if amount <= 0 or (market.min_amount is not None and amount < market.min_amount):
        return []  # sold out (or dust): nothing left to protect
    children = []
    for guard in guards:
        cid = f"{sell_id[:30]}-{tag}{'sl' if guard.type == 'stop_loss' else 'tp'}"
        try:
            children.append(OrderRequest(symbol=guard.symbol, side="sell", type=guard.type,
                                         amount=amount, price=guard.price, client_order_id=cid,
                                         reduce_only=True, parent_id=guard.parent_id))
        except ValidationError as exc:
            notes.append(f"{guard.type.replace('_', '-')} not placed again: "
                         f"{str(exc).splitlines()[0]}")
    placed = agent.place_protective(children, actor, why, notes)
    agent.store.audit.record(actor, "protection.resized", guards[0].symbol, why,
                             {"sale": sell_id, "amount": str(amount),
                              "canceled": [g.id for g in guards], "placed": [o.id for o in placed]})
    return placed
