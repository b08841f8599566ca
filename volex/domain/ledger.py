"""Exact average-cost bookkeeping for spot holdings, shared by the paper venue and positions.

All arithmetic runs in a 60-digit Decimal context, so products of stored values are exact.
The one division (the cost removed by a partial sell) is quantized, and the realised PnL is
defined from the same removed cost, so the books always reconcile to the last digit:

    starting balance + realised PnL - fees == cash + cost basis
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Context, Decimal, localcontext

from volex.domain.orders import Fill, Side

__all__ = ["ZERO", "Book", "apply_fill", "books_from_fills", "cash_delta", "exact", "fee_for",
           "quantize", "quantize_up"]

ZERO = Decimal(0)
COST_QUANTUM = Decimal("1e-12")
_CONTEXT = Context(prec=60)


def exact() -> object:
    """A context manager for ledger arithmetic (60 significant digits, nothing rounds)."""
    return localcontext(_CONTEXT)


def quantize(value: Decimal, quantum: Decimal = Decimal("1e-8")) -> Decimal:
    with localcontext(_CONTEXT):
        return value.quantize(quantum, rounding=ROUND_HALF_EVEN)


def quantize_up(value: Decimal, quantum: Decimal = Decimal("1e-8")) -> Decimal:
    with localcontext(_CONTEXT):
        return value.quantize(quantum, rounding=ROUND_CEILING)


def fee_for(amount: Decimal, price: Decimal, rate: Decimal) -> Decimal:
    """The quote fee of a fill, rounded to 1e-8 of the quote asset."""
    with localcontext(_CONTEXT):
        return quantize(amount * price * rate)


@dataclass(frozen=True)
class Book:
    """One symbol's holding: base held, what it cost, and what was realised and paid."""

    amount: Decimal = ZERO
    cost_basis: Decimal = ZERO
    realised_pnl: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def entry_price(self) -> Decimal | None:
        if self.amount <= 0:
            return None
        with localcontext(_CONTEXT):
            return quantize(self.cost_basis / self.amount)


def apply_fill(book: Book, side: Side, amount: Decimal, price: Decimal, fee: Decimal) -> Book:
    """The book after one fill; selling more than is held raises ValueError."""
    with localcontext(_CONTEXT):
        cost = amount * price
        if side == "buy":
            return replace(book, amount=book.amount + amount, cost_basis=book.cost_basis + cost,
                           fees=book.fees + fee)
        if amount > book.amount:
            raise ValueError(f"cannot sell {amount}: only {book.amount} held")
        if amount == book.amount:
            removed = book.cost_basis
        else:
            removed = (book.cost_basis * amount / book.amount).quantize(
                COST_QUANTUM, rounding=ROUND_HALF_EVEN)
        return Book(amount=book.amount - amount, cost_basis=book.cost_basis - removed,
                    realised_pnl=book.realised_pnl + cost - removed, fees=book.fees + fee)


def cash_delta(side: Side, amount: Decimal, price: Decimal, fee: Decimal) -> Decimal:
    """How the quote balance changes with one fill (fees are paid in quote)."""
    with localcontext(_CONTEXT):
        cost = amount * price
        return -(cost + fee) if side == "buy" else cost - fee


def books_from_fills(fills: Iterable[Fill]) -> dict[str, Book]:
    """Average-cost books per symbol from fills in time order (sells beyond holdings capped).

    Fees count in the quote asset. A fee the venue took in the coin bought (Binance, unless
    BNB pays) leaves that much less held and is valued at the fill price; a fee in a third
    asset (BNB) has no price here and is left out.
    """
    books: dict[str, Book] = {}
    for fill in fills:
        book = books.get(fill.symbol, Book())
        base, _, quote = fill.symbol.partition("/")
        received, fee = fill.amount, fill.fee
        if fill.fee_currency not in (None, quote):
            with localcontext(_CONTEXT):
                if fill.fee_currency == base:
                    received = fill.amount - fill.fee if fill.side == "buy" else fill.amount
                    fee = fill.fee * fill.price
                else:
                    fee = ZERO
        amount = received if fill.side == "buy" else min(fill.amount, book.amount)
        if amount > 0:
            book = apply_fill(book, fill.side, amount, fill.price, fee)
        books[fill.symbol] = book
    return books
