"""Checks an order must pass before it is sent to a venue, with messages a trader can act on.

Pure functions over a Market: amounts and prices rounded down to the market's steps, then held
against its minimum amount, tick size and minimum order value. Nothing here talks to a venue;
the caller supplies the reference price (for market orders) and what a reduce-only order may
sell.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_UP, Decimal

from volex import errors
from volex.adapters.exchange.ccxt_convert import plain
from volex.domain.orders import Balance, Market, OrderRequest

__all__ = ["check_order", "reserved_holding", "short_of_funds"]


def check_order(venue: str, request: OrderRequest, market: Market,
                reference_price: Callable[[], Decimal],
                sellable: Decimal | None = None) -> tuple[Decimal, Decimal | None]:
    """(amount, price) rounded down to ``market``'s steps; ``InvalidOrder`` below a minimum.

    ``reference_price`` values a market order for the minimum-order-value check (limit and
    trigger orders use their own price); ``sellable`` caps a reduce-only order.
    """
    base, quote = market.base, market.quote
    amount = market.round_amount(request.amount)
    if sellable is not None:
        amount = min(amount, sellable)
    minimum = market.min_amount or market.amount_step or Decimal(0)
    if amount <= 0 or amount < minimum:
        raise errors.InvalidOrder(
            f"{venue}: amount {request.amount} {base} is below {request.symbol}'s minimum "
            f"of {plain(minimum)} {base} (amounts go in steps of {plain(market.amount_step)})")
    price = None
    if request.price is not None:
        price = market.round_price(request.price)
        if price <= 0:
            raise errors.InvalidOrder(
                f"{venue}: price {request.price} {quote} is below {request.symbol}'s "
                f"tick size of {plain(market.price_step)} {quote}")
    reference = price if price is not None else reference_price()
    if market.min_cost and amount * reference < market.min_cost:
        need = (market.min_cost / reference).quantize(
            market.amount_step or Decimal("1e-8"), rounding=ROUND_UP)
        raise errors.InvalidOrder(
            f"{venue}: order value {amount * reference:.2f} {quote} is below "
            f"{request.symbol}'s minimum of {plain(market.min_cost)} {quote} "
            f"(at {plain(reference)} that is at least {plain(need)} {base})")
    return amount, price


def reserved_holding(venue: str, request: OrderRequest, market: Market,
                     held: Balance | None) -> Decimal:
    """What a reduce-only order may sell: the free holding, on the market's step.

    Spot venues charge a buy's fee in the asset bought, so a protective order for the whole
    fill would otherwise ask for slightly more than is held; coins already reserved by another
    order cannot back a second one.
    """
    if request.side != "sell":
        raise errors.InvalidOrder(f"{venue}: a spot buy cannot reduce a holding (reduce_only)")
    sellable = market.round_amount(held.free) if held else Decimal(0)
    if held and held.used > 0 and sellable < (market.min_amount or market.amount_step or 0):
        raise errors.InvalidOrder(
            f"{venue}: the {market.base} holding is already reserved by open orders "
            f"({plain(held.used)} {market.base}, e.g. a stop-loss); a spot venue cannot hold "
            "a stop-loss and a take-profit on the same coins as two orders (it needs an OCO)")
    return sellable


def short_of_funds(venue: str, request: OrderRequest, market: Market, amount: Decimal,
                   venue_says: str) -> errors.InsufficientFunds:
    """The venue's 'insufficient balance', said in the trader's terms."""
    asset = market.quote if request.side == "buy" else market.base
    return errors.InsufficientFunds(
        f"{venue}: not enough {asset} to {request.side} {plain(amount)} {market.base} "
        f"({request.type} order on {request.symbol}); the venue says: {venue_says}")
