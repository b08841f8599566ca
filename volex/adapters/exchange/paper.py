"""The paper venue: a simulated spot exchange with a persistent, exact ledger in the store.

Market orders fill at once at the current price moved against the trader by the slippage;
limit orders rest (reserving funds) and fill at their price when the market crosses it;
stop-loss and take-profit orders rest without reserving and, when triggered, sell at market
(the other protective orders of the same entry are then cancelled: one-cancels-other, as a
live venue's OCO list). Resting orders are matched whenever the book is read. Amounts and
prices are rounded and checked against the market's minimums by ``order_checks``, like a live
venue's. Fees are charged in the quote asset. Every change runs in one
transaction that first bumps the account version, which takes the write lock, so processes
sharing the store never lose an update.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from volex.adapters.exchange.order_checks import check_order
from volex.adapters.exchange.prices import Bar, PriceFeed
from volex.adapters.storage.db import Database
from volex.adapters.storage.trading import (
    dec,
    paper_account,
    paper_assets,
    paper_fills,
    paper_orders,
    paper_positions,
)
from volex.domain.ledger import (
    ZERO,
    Book,
    apply_fill,
    cash_delta,
    exact,
    fee_for,
    quantize,
    quantize_up,
)
from volex.domain.orders import Balance, Fill, Market, Order, OrderRequest, Ticker, utcnow
from volex.domain.symbols import split_symbol
from volex.errors import InsufficientFunds, InvalidOrder, UnknownSymbol, VolexError

__all__ = ["Ledger", "PaperExchange"]

STEP = Decimal("1e-8")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ledger:
    """The paper account's books at one moment."""

    quote: str
    starting_balance: Decimal
    cash: Decimal
    books: dict[str, Book]
    holdings: dict[str, Decimal]

    @property
    def cost_basis(self) -> Decimal:
        return sum((b.cost_basis for b in self.books.values()), ZERO)

    @property
    def realised_pnl(self) -> Decimal:
        return sum((b.realised_pnl for b in self.books.values()), ZERO)

    @property
    def fees(self) -> Decimal:
        return sum((b.fees for b in self.books.values()), ZERO)

    @property
    def reconciles(self) -> bool:
        """starting balance + realised PnL - fees == cash + cost basis, exactly."""
        with exact():
            return (self.starting_balance + self.realised_pnl - self.fees
                    == self.cash + self.cost_basis)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class PaperExchange:
    """The Exchange port, simulated; balances never drift (Decimal, exact)."""

    mode = "paper"

    def __init__(self, db: Database, prices: PriceFeed, *, name: str = "paper",
                 quote: str = "USDT", fee_rate: Decimal | float = Decimal("0.001"),
                 maker_fee_rate: Decimal | float = Decimal("0.001"),
                 slippage_bps: Decimal | float = Decimal(5),
                 starting_balance: Decimal | float = Decimal(10_000),
                 symbols: Iterable[str] = (), clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.name = name
        self.quote = quote
        self.prices = prices
        self.fee_rate = Decimal(str(fee_rate))
        self.maker_fee_rate = Decimal(str(maker_fee_rate))
        self.slippage = Decimal(str(slippage_bps)) / Decimal(10_000)
        self.starting_balance = Decimal(str(starting_balance))
        self._symbols = list(symbols)
        self._clock = clock

    # -- markets and prices -------------------------------------------------------------------

    def markets(self) -> dict[str, Market]:
        held = [f"{a}/{self.quote}" for a in self._holdings() if a != self.quote]
        return {s: self.market(s) for s in dict.fromkeys([*self._symbols, *held])}

    def market(self, symbol: str) -> Market:
        base, quote = split_symbol(symbol)
        if not base or quote != self.quote:
            raise UnknownSymbol(f"the paper venue trades {self.quote} markets only, not {symbol}")
        return Market(symbol=symbol, base=base, quote=quote, amount_step=STEP, price_step=STEP,
                      min_amount=STEP, min_cost=Decimal(1))

    def ticker(self, symbol: str) -> Ticker:
        self.market(symbol)
        return self.prices(symbol)

    # -- reads (resting orders are matched first) -----------------------------------------------

    def balances(self) -> dict[str, Balance]:
        self.process()
        with self.db.begin() as conn:
            self._lock(conn)
            holdings = self._holdings(conn)
            reserved = self._reserved(conn)
        return {asset: Balance(asset=asset, free=total - reserved.get(asset, ZERO),
                               used=reserved.get(asset, ZERO))
                for asset, total in holdings.items() if total != 0 or asset == self.quote}

    def fetch_order(self, order_id: str, symbol: str) -> Order:
        self.process(symbol)
        found = self._find(paper_orders.c.id == order_id)
        if found is None:
            raise InvalidOrder(f"paper: no order {order_id}")
        return found

    def fetch_order_by_client_id(self, client_order_id: str, symbol: str) -> Order | None:
        self.process(symbol)
        return self._find(paper_orders.c.client_order_id == client_order_id)

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        self.process(symbol)
        return self.resting_orders(symbol)

    def resting_orders(self, symbol: str | None = None) -> list[Order]:
        """Open orders as booked, without matching them against prices first (no price needed)."""
        query = select(paper_orders).where(paper_orders.c.status == "open")
        if symbol:
            query = query.where(paper_orders.c.symbol == symbol)
        with self.db.begin() as conn:
            rows = conn.execute(query.order_by(paper_orders.c.seq)).mappings().all()
        return [self._order(r) for r in rows]

    def my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Fill]:
        query = select(paper_fills).order_by(paper_fills.c.seq)
        if symbol:
            query = query.where(paper_fills.c.symbol == symbol)
        if since:
            query = query.where(paper_fills.c.ts >= _ms(since))
        with self.db.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [Fill(id=f"PF{r['seq']}", order_id=r["order_id"], client_order_id=r["client_order_id"],
                     symbol=r["symbol"], side=r["side"], amount=dec(r["amount"]),
                     price=dec(r["price"]), fee=dec(r["fee"]), fee_currency=self.quote,
                     liquidity=r["liquidity"], at=_dt(r["ts"])) for r in rows]

    def ledger(self) -> Ledger:
        """The books: cash, holdings and average-cost books per symbol."""
        with self.db.begin() as conn:
            self._lock(conn)
            start = dec(conn.execute(select(paper_account.c.starting_balance)).scalar())
            holdings = self._holdings(conn)
            books = {r["symbol"]: Book(dec(r["amount"]), dec(r["cost_basis"]),
                                       dec(r["realised_pnl"]), dec(r["fees"]))
                     for r in conn.execute(select(paper_positions)).mappings()}
        return Ledger(self.quote, start, holdings.get(self.quote, ZERO), books, holdings)

    # -- orders ---------------------------------------------------------------------------------

    def create_order(self, request: OrderRequest) -> Order:
        existing = self._find(paper_orders.c.client_order_id == request.client_order_id)
        if existing is not None:
            return existing  # a retry: never a second order
        market = self.market(request.symbol)
        if request.side == "buy" and request.reduce_only:
            raise InvalidOrder("paper: a spot buy cannot reduce a holding (reduce_only)")
        ticker = self.ticker(request.symbol)
        # the same rounding and minimums as a live venue; a market order is valued at its fill
        amount, price = check_order(self.name, request, market,
                                    lambda: self._market_price(request.side, ticker))
        self._check_trigger(request, price, ticker)
        order_id = f"P{uuid.uuid4().hex[:15]}"
        with self.db.begin() as conn:
            self._lock(conn)
            if self._find(paper_orders.c.client_order_id == request.client_order_id, conn):
                return self._find(paper_orders.c.client_order_id == request.client_order_id, conn)
            reserved = self._reserve(conn, request, amount, price, ticker)
            now = _ms(self._clock())
            conn.execute(insert(paper_orders), {
                "id": order_id, "client_order_id": request.client_order_id,
                "symbol": request.symbol, "side": request.side, "type": request.type,
                "amount": str(amount), "price": None if price is None else str(price),
                "status": "open", "filled": "0", "average": None, "fee": "0",
                "reserved": str(reserved), "reduce_only": request.reduce_only,
                "parent_id": request.parent_id, "reason": None, "created_ts": now,
                "updated_ts": now})
            if request.type == "market":
                self._fill(conn, order_id, self._market_price(request.side, ticker), "taker")
            elif request.type == "limit" and self._crosses(request.side, price, ticker):
                best = self._market_price(request.side, ticker)
                fill_price = min(price, best) if request.side == "buy" else max(price, best)
                self._fill(conn, order_id, fill_price, "taker")
            return self._find(paper_orders.c.id == order_id, conn)

    def cancel_order(self, order_id: str, symbol: str, reason: str = "canceled") -> Order:
        with self.db.begin() as conn:
            self._lock(conn)
            order = self._find(paper_orders.c.id == order_id, conn)
            if order is None:
                raise InvalidOrder(f"paper: no order {order_id}")
            if order.status == "canceled":
                return order
            if order.status != "open":
                raise InvalidOrder(f"paper: order {order_id} is {order.status}; it cannot be canceled")
            self._close(conn, order_id, "canceled", reason)
            return self._find(paper_orders.c.id == order_id, conn)

    def process(self, symbol: str | None = None) -> list[str]:
        """Match resting orders against current prices; returns the ids of orders that filled.

        A symbol without a price right now is skipped (its orders wait for one).
        """
        query = select(paper_orders.c.symbol).where(paper_orders.c.status == "open").distinct()
        if symbol:
            query = query.where(paper_orders.c.symbol == symbol)
        with self.db.begin() as conn:
            symbols = list(conn.execute(query).scalars())
        filled: list[str] = []
        for sym in symbols:
            try:
                ticker = self.prices(sym)
            except VolexError as exc:  # no price, no matching: the orders keep resting
                log.info("paper: not matching %s orders: %s", sym, exc)
                continue
            filled.extend(self._match(sym, ticker))
        return filled

    def reset(self, balance: Decimal | None = None, conn: Connection | None = None) -> Decimal:
        """Wipe the paper account and start again with ``balance`` of the quote asset."""
        amount = Decimal(str(balance)) if balance is not None else self.starting_balance
        if amount <= 0:
            raise InvalidOrder("paper: the starting balance must be positive")
        if conn is None:
            with self.db.begin() as own:
                return self.reset(amount, own)
        for table in (paper_fills, paper_orders, paper_positions, paper_assets, paper_account):
            conn.execute(delete(table))
        self._create_account(conn, amount)
        return amount

    # -- internals ------------------------------------------------------------------------------

    def _create_account(self, conn: Connection, amount: Decimal) -> None:
        conn.execute(insert(paper_account), {"id": 1, "quote": self.quote,
                                             "starting_balance": str(amount), "version": 1,
                                             "reset_ts": int(time.time() * 1000)})
        conn.execute(insert(paper_assets), {"asset": self.quote, "total": str(amount)})

    def _lock(self, conn: Connection) -> None:
        """Take the ledger's write lock (and open the account on first use)."""
        bumped = conn.execute(update(paper_account).where(paper_account.c.id == 1)
                              .values(version=paper_account.c.version + 1)).rowcount
        if not bumped:
            if conn.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as dialect_insert
            else:
                from sqlalchemy.dialects.sqlite import insert as dialect_insert
            created = conn.execute(dialect_insert(paper_account).values(
                id=1, quote=self.quote, starting_balance=str(self.starting_balance), version=1,
                reset_ts=int(time.time() * 1000)).on_conflict_do_nothing()).rowcount
            if created:
                conn.execute(insert(paper_assets), {"asset": self.quote,
                                                    "total": str(self.starting_balance)})
            else:
                conn.execute(update(paper_account).where(paper_account.c.id == 1)
                             .values(version=paper_account.c.version + 1))

    def _holdings(self, conn: Connection | None = None) -> dict[str, Decimal]:
        if conn is None:
            with self.db.begin() as own:
                self._lock(own)
                return self._holdings(own)
        return {r.asset: dec(r.total) for r in conn.execute(select(paper_assets))}

    def _reserved(self, conn: Connection) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        rows = conn.execute(select(paper_orders.c.symbol, paper_orders.c.side,
                                   paper_orders.c.reserved).where(paper_orders.c.status == "open"))
        for symbol, side, reserved in rows:
            base, quote = split_symbol(symbol)
            asset = quote if side == "buy" else base
            out[asset] = out.get(asset, ZERO) + dec(reserved)
        return out

    def _free(self, conn: Connection, asset: str) -> Decimal:
        return self._holdings(conn).get(asset, ZERO) - self._reserved(conn).get(asset, ZERO)

    def _reserve(self, conn: Connection, request: OrderRequest, amount: Decimal,
                 price: Decimal | None, ticker: Ticker) -> Decimal:
        """Check funds; returns what a resting limit order holds back (0 for others)."""
        base, quote = split_symbol(request.symbol)
        if request.side == "sell":
            free = self._free(conn, base)
            if request.type in ("market", "limit") and amount > free:
                raise InsufficientFunds(f"paper: cannot sell {amount} {base}: {free} {base} free")
            held = self._holdings(conn).get(base, ZERO)
            if request.type in ("stop_loss", "take_profit") and amount > held:
                raise InsufficientFunds(f"paper: a {request.type} for {amount} {base} exceeds "
                                        f"the {held} {base} held")
            return amount if request.type == "limit" else ZERO
        rate = max(self.fee_rate, self.maker_fee_rate)
        expected = price if request.type == "limit" else self._market_price("buy", ticker)
        with exact():
            needed = quantize_up(amount * expected * (1 + rate))
        free = self._free(conn, quote)
        if needed > free:
            cent = Decimal("0.01")
            raise InsufficientFunds(f"paper: buying {amount} {base} needs about "
                                    f"{quantize(needed, cent)} {quote} with fees; "
                                    f"{quantize(free, cent)} {quote} free")
        return needed if request.type == "limit" else ZERO

    def _market_price(self, side: str, ticker: Ticker) -> Decimal:
        with exact():
            if side == "buy":
                return quantize((ticker.ask or ticker.last) * (1 + self.slippage))
            return quantize((ticker.bid or ticker.last) * (1 - self.slippage))

    @staticmethod
    def _crosses(side: str, price: Decimal | None, ticker: Ticker) -> bool:
        if side == "buy":
            return (ticker.ask or ticker.last) <= price
        return (ticker.bid or ticker.last) >= price

    @staticmethod
    def _check_trigger(request: OrderRequest, price: Decimal | None, ticker: Ticker) -> None:
        if request.type == "stop_loss" and price >= ticker.last:
            raise InvalidOrder(f"paper: a stop-loss at {price} would trigger at once "
                               f"(price {ticker.last}); it must be below the price")
        if request.type == "take_profit" and price <= ticker.last:
            raise InvalidOrder(f"paper: a take-profit at {price} would trigger at once "
                               f"(price {ticker.last}); it must be above the price")

    def _match(self, symbol: str, ticker: Ticker) -> list[str]:
        filled = []
        with self.db.begin() as conn:
            self._lock(conn)
            rows = conn.execute(select(paper_orders).where(
                paper_orders.c.symbol == symbol, paper_orders.c.status == "open")
                .order_by(paper_orders.c.seq)).mappings().all()
            bars = self._bars_since(symbol, min((r["created_ts"] for r in rows), default=None))
            for row in rows:
                if conn.execute(select(paper_orders.c.status).where(
                        paper_orders.c.id == row["id"])).scalar() != "open":
                    continue  # cancelled as the sibling of a protective order that just filled
                hit = self._walk(row, bars) or self._now_crossed(row, ticker)
                if hit is None or not self._fill(conn, row["id"], *hit):
                    continue
                filled.append(row["id"])
        return filled

    def _bars_since(self, symbol: str, since_ms: int | None) -> list[Bar]:
        walk = getattr(self.prices, "bars_since", None)
        if walk is None or since_ms is None:
            return []
        try:
            return walk(symbol, _dt(since_ms))
        except VolexError as exc:  # no bars: the current price alone decides, as before
            log.info("paper: no bars to walk for %s: %s", symbol, exc)
            return []

    def _walk(self, row: Any, bars: list[Bar]) -> tuple[Decimal, str, datetime] | None:
        """The first bar since the order was placed that reached it: (price, liquidity, when).

        A stop or target fills at its level, or at the open of a bar that gapped through it,
        at that bar's time (as the backtest engine does), not where the price is when someone
        next looks. When one bar touches both, the stop (the worse case) is taken.
        """
        price, kind, side = dec(row["price"]), row["type"], row["side"]
        for bar in bars:
            if _ms(bar.at) < row["created_ts"]:
                continue
            if kind == "stop_loss" and bar.low <= price:
                return self._slipped_sell(min(bar.open, price)), "taker", bar.at
            if kind == "take_profit" and bar.high >= price:
                return self._slipped_sell(max(bar.open, price)), "taker", bar.at
            if kind == "limit" and ((side == "buy" and bar.low <= price)
                                    or (side == "sell" and bar.high >= price)):
                return price, "maker", bar.at
        return None

    def _now_crossed(self, row: Any, ticker: Ticker) -> tuple[Decimal, str, datetime] | None:
        price, kind = dec(row["price"]), row["type"]
        if kind == "limit" and self._crosses(row["side"], price, ticker):
            return price, "maker", self._clock()
        if (kind == "stop_loss" and ticker.last <= price) or (
                kind == "take_profit" and ticker.last >= price):
            return self._market_price("sell", ticker), "taker", self._clock()
        return None

    def _slipped_sell(self, level: Decimal) -> Decimal:
        with exact():
            return quantize(level * (1 - self.slippage))

    def _fill(self, conn: Connection, order_id: str, price: Decimal, liquidity: str,
              when: datetime | None = None) -> bool:
        """Book the whole order at ``price``; a trigger order with nothing to sell is cancelled."""
        row = conn.execute(select(paper_orders).where(paper_orders.c.id == order_id)).mappings().one()
        symbol, side = row["symbol"], row["side"]
        base, quote = split_symbol(symbol)
        amount = dec(row["amount"])
        holdings = self._holdings(conn)
        if side == "sell" and row["type"] in ("stop_loss", "take_profit"):
            amount = min(amount, holdings.get(base, ZERO) - self._reserved(conn).get(base, ZERO))
            if amount <= 0:
                self._close(conn, order_id, "canceled", "nothing left to sell")
                return False
        rate = self.maker_fee_rate if liquidity == "maker" else self.fee_rate
        fee = fee_for(amount, price, rate)
        pos = conn.execute(select(paper_positions).where(paper_positions.c.symbol == symbol)).mappings().first()
        book = Book(dec(pos["amount"]), dec(pos["cost_basis"]), dec(pos["realised_pnl"]),
                    dec(pos["fees"])) if pos else Book()
        book = apply_fill(book, side, amount, price, fee)
        with exact():
            cash = holdings.get(quote, ZERO) + cash_delta(side, amount, price, fee)
            held = holdings.get(base, ZERO) + (amount if side == "buy" else -amount)
        self._set_asset(conn, quote, cash)
        self._set_asset(conn, base, held)
        values = {"amount": str(book.amount), "cost_basis": str(book.cost_basis),
                  "realised_pnl": str(book.realised_pnl), "fees": str(book.fees)}
        if pos:
            conn.execute(update(paper_positions).where(paper_positions.c.symbol == symbol).values(**values))
        else:
            conn.execute(insert(paper_positions), {"symbol": symbol, **values})
        now = _ms(when or self._clock())
        conn.execute(insert(paper_fills), {
            "order_id": order_id, "client_order_id": row["client_order_id"], "symbol": symbol,
            "side": side, "amount": str(amount), "price": str(price), "fee": str(fee),
            "liquidity": liquidity, "ts": now})
        conn.execute(update(paper_orders).where(paper_orders.c.id == order_id).values(
            status="closed", filled=str(amount), average=str(price), fee=str(fee), reserved="0",
            updated_ts=now))
        if row["parent_id"] and row["type"] in ("stop_loss", "take_profit"):
            siblings = conn.execute(select(paper_orders.c.id).where(
                paper_orders.c.parent_id == row["parent_id"], paper_orders.c.status == "open",
                paper_orders.c.id != order_id)).scalars().all()
            for sibling in siblings:
                self._close(conn, sibling, "canceled", f"{row['type']} {order_id} filled")
        if side == "sell":
            self._shrink_protection(conn, symbol, held, now)
        return True

    def _shrink_protection(self, conn: Connection, symbol: str, held: Decimal, now: int) -> None:
        """Stops and targets never cover more than is still held (after a partial sale)."""
        rows = conn.execute(select(paper_orders.c.id, paper_orders.c.amount).where(
            paper_orders.c.symbol == symbol, paper_orders.c.status == "open",
            paper_orders.c.type.in_(("stop_loss", "take_profit")))).all()
        for order_id, amount in rows:
            if held <= 0:
                self._close(conn, order_id, "canceled", "nothing left to protect")
            elif dec(amount) > held:
                conn.execute(update(paper_orders).where(paper_orders.c.id == order_id).values(
                    amount=str(held), updated_ts=now))

    def _set_asset(self, conn: Connection, asset: str, total: Decimal) -> None:
        if conn.execute(update(paper_assets).where(paper_assets.c.asset == asset)
                        .values(total=str(total))).rowcount == 0:
            conn.execute(insert(paper_assets), {"asset": asset, "total": str(total)})

    def _close(self, conn: Connection, order_id: str, status: str, reason: str) -> None:
        conn.execute(update(paper_orders).where(paper_orders.c.id == order_id).values(
            status=status, reason=reason, reserved="0", updated_ts=_ms(self._clock())))

    def _find(self, condition: Any, conn: Connection | None = None) -> Order | None:
        if conn is None:
            with self.db.begin() as own:
                return self._find(condition, own)
        row = conn.execute(select(paper_orders).where(condition)).mappings().first()
        return self._order(row) if row else None

    def _order(self, row: Any) -> Order:
        return Order(id=row["id"], client_order_id=row["client_order_id"], symbol=row["symbol"],
                     side=row["side"], type=row["type"], amount=dec(row["amount"]),
                     price=dec(row["price"]), status=row["status"], filled=dec(row["filled"]),
                     average=dec(row["average"]), fee=dec(row["fee"]), fee_currency=self.quote,
                     reduce_only=bool(row["reduce_only"]), parent_id=row["parent_id"],
                     exchange=self.name, created_at=_dt(row["created_ts"]),
                     updated_at=_dt(row["updated_ts"]), reason=row["reason"])
