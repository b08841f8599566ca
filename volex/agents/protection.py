"""The stop-loss and take-profit orders that protect a filled buy, as order requests.

Pure: from the entry as the venue filled it, the trader's distances in %, the market's rules
and what is held, to the sell orders to place. Each child's client order id derives from the
entry's (``-sl`` / ``-tp``), so placing them again after a crash finds them instead of
doubling them.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import ValidationError

from volex.domain.ledger import exact
from volex.domain.orders import Market, Order, OrderRequest

__all__ = ["PROTECTIVE", "protective_requests"]

HUNDRED = Decimal(100)
PROTECTIVE = ("stop_loss", "take_profit")


def protective_requests(entry: Order, request: OrderRequest, market: Market,
                        held: Decimal) -> tuple[list[OrderRequest], list[str]]:
    """The stop-loss then take-profit asked for on ``request``, each selling what is held of
    ``entry``'s fill; and a note for each that cannot be built (e.g. a trigger below the tick).

    ``held`` is the free holding: a spot venue may have taken the buy's fee in the coin.
    """
    amount = market.round_amount(min(entry.filled, held))
    children: list[OrderRequest] = []
    notes: list[str] = []
    for kind, pct_value, sign in (("stop_loss", request.stop_loss_pct, -1),
                                  ("take_profit", request.take_profit_pct, 1)):
        if not pct_value or entry.average is None:
            continue
        with exact():
            trigger = market.round_price(entry.average * (1 + sign * pct_value / HUNDRED))
        cid = f"{request.client_order_id[:32]}-{'sl' if kind == 'stop_loss' else 'tp'}"
        try:
            children.append(OrderRequest(symbol=entry.symbol, side="sell", type=kind,
                                         amount=amount, price=trigger, client_order_id=cid,
                                         reduce_only=True, parent_id=entry.id))
        except ValidationError as exc:
            notes.append(f"{kind.replace('_', '-')} not placed: {str(exc).splitlines()[0]}")
    return children, notes
