"""Orders, fills, balances, positions, trade plans and the halt state: typed data only.

Money is ``Decimal`` everywhere (never float): amounts are in the base asset, prices and
costs in the quote asset. Times are timezone-aware UTC. Every model serialises to JSON
(``model_dump(mode="json")`` turns Decimals into strings) so local and remote agents share
them unchanged.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from volex.domain.halt import TRADING_STATES, HaltState, utcnow
from volex.errors import UserInputError

__all__ = [
    "TRADING_STATES",
    "Balance",
    "Fill",
    "HaltReport",
    "HaltState",
    "Market",
    "Mode",
    "Order",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "Position",
    "PriceSource",
    "RiskCheck",
    "Side",
    "Ticker",
    "TradePlan",
    "TradeResult",
    "decimal_arg",
    "entry_size",
    "new_client_order_id",
    "utcnow",
]

Side = Literal["buy", "sell"]
OrderType = Literal["market", "limit", "stop_loss", "take_profit"]
OrderStatus = Literal["open", "closed", "canceled", "rejected", "expired"]
# Where a price came from: live from the venue, the candle cache, the bundled sample, or set
# by hand (tests, simulators). Anything but "exchange" is an offline price and is flagged.
PriceSource = Literal["exchange", "cache", "sample", "manual", "file"]
Mode = Literal["paper", "live"]


def new_client_order_id() -> str:
    """A fresh client order id: ``vx`` + 30 hex digits (fits every venue's 32-36 char limit)."""
    return f"vx{uuid.uuid4().hex[:30]}"


def decimal_arg(name: str, value: Decimal | float | str | None, *,
                positive: bool = True) -> Decimal | None:
    """A number the person typed as a Decimal (None stays None); bad input is UserInputError."""
    if value is None:
        return None
    from volex.domain.numbers import parse_decimal

    number = parse_decimal(name, value)
    if positive and number <= 0:
        raise UserInputError(f"{name} must be a positive number, not {value}")
    return number


def _floor_to(value: Decimal, step: Decimal | None) -> Decimal:
    if step is None or step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


class Ticker(BaseModel):
    """The current price of one market, with where it came from."""

    symbol: str
    last: Decimal
    bid: Decimal | None = None
    ask: Decimal | None = None
    at: datetime = Field(default_factory=utcnow)
    source: PriceSource = "exchange"

    @property
    def offline(self) -> bool:
        """True when the price is not live from the venue (cache, sample or manual)."""
        return self.source != "exchange"

    def describe(self) -> str:
        what = {"exchange": "live", "cache": "offline price: cached candle close",
                "sample": "offline price: bundled sample close", "manual": "set by hand",
                "file": "price from the replayed candle file"}
        return f"{what[self.source]}, {self.at:%Y-%m-%d %H:%M} UTC"


class Market(BaseModel):
    """A venue's trading rules for one symbol: precision steps and minimums."""

    symbol: str
    base: str
    quote: str
    amount_step: Decimal | None = None  # smallest increment of the base amount
    price_step: Decimal | None = None   # tick size
    min_amount: Decimal | None = None
    min_cost: Decimal | None = None     # minimum notional, in quote

    def round_amount(self, amount: Decimal) -> Decimal:
        """The amount rounded down to the venue's step (never more than asked)."""
        return _floor_to(amount, self.amount_step)

    def round_price(self, price: Decimal) -> Decimal:
        return _floor_to(price, self.price_step) if self.price_step else price


class OrderRequest(BaseModel):
    """What Volex asks a venue to do.

    ``price`` is the limit price for ``limit`` orders and the trigger price for ``stop_loss``
    and ``take_profit`` orders (both are sells of a long spot holding: a stop triggers when the
    price falls to it, a target when it rises to it; both then sell at market). ``stop_loss_pct``
    and ``take_profit_pct`` on an entry order ask the execution agent to place those protective
    orders after the entry fills; venues ignore them. ``client_order_id`` is the idempotency key:
    a venue never holds two orders with the same one.
    """

    symbol: str
    side: Side
    type: OrderType = "market"
    amount: Decimal = Field(gt=0)
    price: Decimal | None = Field(None, gt=0)
    client_order_id: str = Field(default_factory=new_client_order_id, min_length=1, max_length=36)
    reduce_only: bool = False
    stop_loss_pct: Decimal | None = Field(None, gt=0, lt=100)
    take_profit_pct: Decimal | None = Field(None, gt=0)
    parent_id: str | None = None  # the entry order a protective order belongs to

    @model_validator(mode="after")
    def _price_when_needed(self) -> OrderRequest:
        if self.type != "market" and self.price is None:
            raise ValueError(f"a {self.type} order needs a price")
        if self.type in ("stop_loss", "take_profit") and self.side != "sell":
            raise ValueError(f"a {self.type} order sells a holding (side must be sell)")
        return self


class Order(BaseModel):
    """An order as the venue reports it."""

    id: str
    client_order_id: str
    symbol: str
    side: Side
    type: OrderType
    amount: Decimal
    price: Decimal | None = None      # limit or trigger price
    status: OrderStatus
    filled: Decimal = Decimal(0)
    average: Decimal | None = None    # average fill price
    fee: Decimal = Decimal(0)
    fee_currency: str | None = None
    reduce_only: bool = False
    parent_id: str | None = None
    exchange: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    reason: str | None = None         # why it was rejected, expired or canceled

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def cost(self) -> Decimal:
        """Quote value filled so far (fees excluded)."""
        return self.filled * self.average if self.average is not None else Decimal(0)


class Fill(BaseModel):
    """One execution (a trade) of an order."""

    id: str
    order_id: str
    client_order_id: str | None = None
    symbol: str
    side: Side
    amount: Decimal
    price: Decimal
    fee: Decimal = Decimal(0)
    fee_currency: str | None = None
    liquidity: Literal["taker", "maker"] = "taker"
    at: datetime = Field(default_factory=utcnow)

    @property
    def cost(self) -> Decimal:
        return self.amount * self.price


class Balance(BaseModel):
    """One asset's holdings: ``free`` to trade, ``used`` reserved by open orders.

    ``value`` (in the quote currency, at ``price`` from ``price_source``) is filled in by the
    execution agent for display; venues leave it empty.
    """

    asset: str
    free: Decimal = Decimal(0)
    used: Decimal = Decimal(0)
    value: Decimal | None = None
    price: Decimal | None = None
    price_source: PriceSource | None = None

    @property
    def total(self) -> Decimal:
        return self.free + self.used


class Position(BaseModel):
    """A spot holding valued at the mark price, with average-cost PnL."""

    symbol: str
    amount: Decimal                    # base held (zero for a closed position with PnL)
    entry_price: Decimal | None = None  # average cost per unit
    cost_basis: Decimal = Decimal(0)
    mark_price: Decimal | None = None
    mark_source: PriceSource | None = None
    realised_pnl: Decimal = Decimal(0)
    fees: Decimal = Decimal(0)
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None

    @property
    def value(self) -> Decimal:
        return self.amount * self.mark_price if self.mark_price is not None else self.cost_basis

    @property
    def unrealised_pnl(self) -> Decimal:
        return self.value - self.cost_basis if self.mark_price is not None else Decimal(0)


class RiskCheck(BaseModel):
    """One risk rule applied to one order: passed or not, and by how much."""

    name: str                  # the limit's name, e.g. max_order_quote
    passed: bool
    limit: Decimal | None = None
    value: Decimal | None = None
    message: str               # plain words; when blocked says by how much


class TradePlan(BaseModel):
    """Everything shown before an order is sent: size, expected fill, fees, stops, checks."""

    request: OrderRequest
    exchange: str
    mode: Mode
    price: Decimal                     # expected fill price (limit price for limit orders)
    price_source: PriceSource
    quote_amount: Decimal              # amount * price
    fee: Decimal                       # expected fee, in quote
    fee_rate: Decimal
    quote_currency: str
    stop_loss_price: Decimal | None = None
    take_profit_price: Decimal | None = None
    sized_by: str = "amount"           # how the size was chosen, in words
    checks: list[RiskCheck] = []
    halt: HaltState = HaltState()
    confidence: float | None = None
    min_confidence: Decimal | None = None  # this trade's override of the limit
    notes: list[str] = []

    @property
    def approved(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def blocked_by(self) -> list[RiskCheck]:
        return [c for c in self.checks if not c.passed]

    @property
    def offline_price(self) -> bool:
        return self.price_source != "exchange"


class TradeResult(BaseModel):
    """What a trade did: the entry order and the stop-loss / take-profit orders placed."""

    plan: TradePlan
    order: Order
    protective: list[Order] = []
    notes: list[str] = []


class HaltReport(BaseModel):
    """What `halt` did after storing the state: orders cancelled, positions closed, problems."""

    state: HaltState
    canceled: list[Order] = []
    flattened: list[Order] = []
    problems: list[str] = []


def entry_size(quote: object, percent: object, stop_loss: object, take_profit: object
               ) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """(quote, percent, stop-loss %, take-profit %) of a runner's entries, checked as typed."""
    if quote is not None and percent is not None:
        raise UserInputError("give one size: --quote or --percent")
    pct = decimal_arg("--percent", percent)
    if pct is not None and pct > 100:
        raise UserInputError(f"--percent must be at most 100, not {percent}")
    stop = decimal_arg("--stop-loss", stop_loss)
    if stop is not None and stop >= 100:
        raise UserInputError(f"--stop-loss is a distance below the fill in %, under 100, "
                             f"not {stop_loss}")
    return decimal_arg("--quote", quote), pct, stop, decimal_arg("--take-profit", take_profit)
