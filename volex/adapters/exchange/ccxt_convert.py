"""ccxt's unified structures (markets, orders, trades) as Volex domain models.

Numbers become exact Decimals of ccxt's shortest float repr; times become aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from volex.domain.orders import Fill, Market, Order, OrderRequest, utcnow

__all__ = ["dec", "fill_from_ccxt", "from_ms", "market_from_ccxt", "order_from_ccxt", "plain"]

_STATUS = {"open": "open", "closed": "closed", "canceled": "canceled", "cancelled": "canceled",
           "rejected": "rejected", "expired": "expired"}


def market_from_ccxt(raw: dict[str, Any], precision_mode: int) -> Market:
    """A ccxt market's precision and limits as our Market (steps, minimums)."""
    limits, precision = raw.get("limits") or {}, raw.get("precision") or {}
    return Market(symbol=raw["symbol"], base=raw["base"], quote=raw["quote"],
                  amount_step=_step(precision.get("amount"), precision_mode),
                  price_step=_step(precision.get("price"), precision_mode),
                  min_amount=dec((limits.get("amount") or {}).get("min")),
                  min_cost=dec((limits.get("cost") or {}).get("min")))


def _step(value: Any, precision_mode: int) -> Decimal | None:
    """A precision as a step: ccxt gives tick sizes, or a number of decimal places."""
    import ccxt

    step = dec(value)
    if step is None or precision_mode == ccxt.TICK_SIZE:
        return step
    if precision_mode == ccxt.DECIMAL_PLACES:
        return Decimal(1).scaleb(-int(step))
    return None  # significant digits: no fixed step


def order_from_ccxt(raw: dict[str, Any], venue: str, request: OrderRequest | None = None) -> Order:
    """A ccxt order as ours; ``request`` (when we sent it) fills what the venue does not echo."""
    info = raw.get("info") or {}
    kind = _order_type(raw)
    trigger = dec(raw.get("triggerPrice")) or dec(raw.get("stopPrice"))
    price = trigger if kind in ("stop_loss", "take_profit") else dec(raw.get("price"))
    fee, fee_currency = _fee(raw)
    return Order(
        id=str(raw["id"]),
        client_order_id=(info.get("origClientOrderId") or raw.get("clientOrderId")
                         or (request.client_order_id if request else "")),
        symbol=raw.get("symbol") or (request.symbol if request else ""),
        side=raw.get("side") or (request.side if request else "buy"),
        type=kind, amount=dec(raw.get("amount")) or Decimal(0),
        price=price if kind != "market" and price else None,
        status=_STATUS.get(raw.get("status") or "open", "open"),  # type: ignore[arg-type]
        filled=dec(raw.get("filled")) or Decimal(0), average=dec(raw.get("average")),
        fee=fee, fee_currency=fee_currency,
        reduce_only=request.reduce_only if request else bool(raw.get("reduceOnly")),
        parent_id=request.parent_id if request else None, exchange=venue,
        created_at=from_ms(raw.get("timestamp")),
        updated_at=from_ms(raw.get("lastUpdateTimestamp") or raw.get("lastTradeTimestamp")
                         or raw.get("timestamp")))


def fill_from_ccxt(raw: dict[str, Any]) -> Fill:
    """A ccxt trade (one execution of our order) as a Fill."""
    fee = raw.get("fee") or {}
    return Fill(id=str(raw["id"]), order_id=str(raw.get("order") or ""),
                symbol=raw["symbol"], side=raw["side"], amount=dec(raw["amount"]),
                price=dec(raw["price"]), fee=dec(fee.get("cost")) or Decimal(0),
                fee_currency=fee.get("currency"),
                liquidity="maker" if raw.get("takerOrMaker") == "maker" else "taker",
                at=from_ms(raw.get("timestamp")))


def dec(value: Any) -> Decimal | None:
    """ccxt's number (float, int or str) as an exact Decimal of its shortest repr."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


def plain(value: Decimal | None) -> str:
    """A Decimal for messages: no exponent, no trailing zeros (``5``, ``0.00001``)."""
    return "?" if value is None else f"{value.normalize():f}"


def from_ms(ms: Any) -> datetime:
    """Epoch milliseconds as an aware UTC datetime (now when the venue gave none)."""
    return datetime.fromtimestamp(int(ms) / 1000, UTC) if ms else utcnow()


def _order_type(raw: dict[str, Any]) -> str:
    """Our order type; ccxt reports a spot stop as ``market`` with a trigger price."""
    info = raw.get("info") or {}
    native = str(info.get("type") or info.get("orderType") or "").lower()
    if "take_profit" in native or raw.get("takeProfitPrice"):
        return "take_profit"
    if "stop" in native or raw.get("stopLossPrice") or raw.get("triggerPrice"):
        return "stop_loss"
    return "limit" if "limit" in str(raw.get("type") or "").lower() else "market"


def _fee(raw: dict[str, Any]) -> tuple[Decimal, str | None]:
    """The order's total fee and its currency.

    The currency is the venue's own: Binance charges the asset received unless BNB pays.
    """
    fees = [f for f in (raw.get("fees") or [raw.get("fee")]) if f and f.get("cost") is not None]
    if not fees:
        return Decimal(0), None
    currency = fees[0].get("currency")
    total = sum((dec(f["cost"]) or Decimal(0) for f in fees if f.get("currency") == currency),
                Decimal(0))
    return total, currency
