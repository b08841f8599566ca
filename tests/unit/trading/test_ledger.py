"""The paper ledger is exact: whatever happens, it reconciles to the last digit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.trading.conftest import World, make_world
from volex.adapters.storage.store import Store
from volex.domain.ledger import Book, apply_fill, books_from_fills, cash_delta
from volex.domain.orders import Fill, OrderRequest
from volex.errors import InsufficientFunds, InvalidOrder

SYMBOLS = ["BTC/USDT", "ETH/USDT", "DOGE/USDT"]
BASE_PRICE = {"BTC/USDT": Decimal(50000), "ETH/USDT": Decimal(3000), "DOGE/USDT": Decimal("0.2")}
factor = st.decimals(min_value="0.5", max_value="1.5", places=3)
symbol = st.sampled_from(SYMBOLS)
step = st.one_of(
    st.tuples(st.just("price"), symbol, factor),
    st.tuples(st.just("buy"), symbol, st.decimals(min_value=1, max_value=4000, places=2)),
    st.tuples(st.just("sell"), symbol, st.decimals(min_value="0.01", max_value=1, places=2)),
    st.tuples(st.just("limit_buy"), symbol, factor),
    st.tuples(st.just("limit_sell"), symbol, factor),
    st.tuples(st.just("stop"), symbol, factor),
    st.tuples(st.just("cancel"), symbol, factor),
)


def _apply(world: World, action: str, sym: str, x: Decimal, prices: dict[str, Decimal]) -> None:
    ex = world.exchange
    price = prices[sym]
    held = ex.balances().get(sym.split("/")[0])
    free = held.free if held else Decimal(0)
    if action == "price":
        prices[sym] = (BASE_PRICE[sym] * x).quantize(Decimal("0.0001"))
        world.prices.set(sym, prices[sym])
        ex.process()
        return
    requests = {
        "buy": lambda: OrderRequest(symbol=sym, side="buy", amount=(x / price).quantize(Decimal("1e-8"))),
        "sell": lambda: OrderRequest(symbol=sym, side="sell", amount=(free * x).quantize(Decimal("1e-8"))),
        "limit_buy": lambda: OrderRequest(symbol=sym, side="buy", type="limit",
                                          amount=(Decimal(200) / price).quantize(Decimal("1e-8")),
                                          price=(price * x).quantize(Decimal("0.01"))),
        "limit_sell": lambda: OrderRequest(symbol=sym, side="sell", type="limit",
                                           amount=(free / 2).quantize(Decimal("1e-8")),
                                           price=(price * x).quantize(Decimal("0.01"))),
        "stop": lambda: OrderRequest(symbol=sym, side="sell", type="stop_loss",
                                     amount=(free / 2).quantize(Decimal("1e-8")),
                                     price=(price * min(x, Decimal("0.99"))).quantize(Decimal("0.01"))),
    }
    if action == "cancel":
        for order in ex.open_orders(sym)[:1]:
            ex.cancel_order(order.id, sym)
        return
    try:
        ex.create_order(requests[action]())
    except (InsufficientFunds, InvalidOrder, ValueError):
        pass  # refused orders change nothing; the invariants below still hold


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=18))
def test_any_sequence_of_orders_fills_and_price_moves_reconciles_exactly(store: Store, steps) -> None:
    world = make_world(store)
    prices = dict(BASE_PRICE)
    for action, sym, x in steps:
        _apply(world, action, sym, x, prices)
        ledger = world.exchange.ledger()
        assert ledger.reconciles, (action, sym, x, ledger)
        assert all(v >= 0 for v in ledger.holdings.values())
        assert all(b.free >= 0 and b.used >= 0 for b in world.exchange.balances().values())
    fills = world.exchange.my_trades()
    ledger = world.exchange.ledger()
    rebuilt = books_from_fills(fills)
    assert {s: b for s, b in rebuilt.items()} == {s: b for s, b in ledger.books.items()}
    cash = Decimal(10_000) + sum((cash_delta(f.side, f.amount, f.price, f.fee) for f in fills), Decimal(0))
    assert cash == ledger.cash


def test_a_round_trip_realises_exactly_the_price_difference() -> None:
    book = apply_fill(Book(), "buy", Decimal("0.3"), Decimal("100.01"), Decimal("0.03"))
    book = apply_fill(book, "sell", Decimal("0.1"), Decimal(110), Decimal("0.011"))
    book = apply_fill(book, "sell", Decimal("0.2"), Decimal(90), Decimal("0.018"))
    assert book.amount == 0 and book.cost_basis == 0
    assert book.realised_pnl == Decimal("0.1") * 110 + Decimal("0.2") * 90 - Decimal("0.3") * Decimal("100.01")
    assert book.fees == Decimal("0.059")


@given(st.lists(st.tuples(st.booleans(), st.decimals(min_value="0.00000001", max_value=5, places=8),
                          st.decimals(min_value="0.01", max_value=100000, places=2)), max_size=40))
def test_average_cost_books_reconcile_for_any_fills(fills) -> None:
    book, cash = Book(), Decimal(1_000_000)
    for is_buy, amount, price in fills:
        side = "buy" if is_buy else "sell"
        amount = amount if is_buy else min(amount, book.amount)
        if amount <= 0:
            continue
        fee = (amount * price / 1000).quantize(Decimal("1e-8"))
        book = apply_fill(book, side, amount, price, fee)
        cash += cash_delta(side, amount, price, fee)
        assert Decimal(1_000_000) + book.realised_pnl - book.fees == cash + book.cost_basis
        assert book.amount >= 0 and book.cost_basis >= 0


def test_a_paper_fill_is_the_price_moved_by_the_slippage_with_the_fee_on_top(world: World) -> None:
    order = world.exchange.create_order(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.1")))
    assert order.average == Decimal(50025)  # 50,000 + 5 bps
    assert order.fee == Decimal("5.0025")      # 0.1% of 5,002.50
    assert world.exchange.ledger().cash == Decimal(10_000) - Decimal("5002.5") - Decimal("5.0025")


def test_a_fee_taken_in_the_coin_bought_leaves_less_held_and_counts_at_the_fill_price() -> None:
    def fill(side: str, amount: str, fee: str, currency: str) -> Fill:
        return Fill(id=f"{side}{amount}", order_id="1", symbol="BTC/USDT", side=side,
                    amount=Decimal(amount), price=Decimal(100000), fee=Decimal(fee),
                    fee_currency=currency)

    bought = books_from_fills([fill("buy", "0.01", "0.00001", "BTC")])["BTC/USDT"]
    assert bought.amount == Decimal("0.00999")  # what the venue holds for us
    assert (bought.fees, bought.cost_basis + bought.fees) == (1, 1000)  # 1,000 USDT paid
    sold = books_from_fills([fill("buy", "0.01", "0.00001", "BTC"),
                             fill("sell", "0.00999", "0.999", "USDT")])["BTC/USDT"]
    assert (sold.amount, sold.realised_pnl, sold.fees) == (0, 0, Decimal("1.999"))
    in_bnb = books_from_fills([fill("buy", "0.01", "0.002", "BNB")])["BTC/USDT"]
    assert (in_bnb.amount, in_bnb.fees) == (Decimal("0.01"), 0)


def test_paper_rounds_and_checks_orders_as_a_live_venue_does(world: World) -> None:
    order = world.exchange.create_order(OrderRequest(symbol="BTC/USDT", side="buy",
                                                     amount=Decimal("0.0123456789")))
    assert order.amount == order.filled == Decimal("0.01234567")  # rounded down to the step
    with pytest.raises(InvalidOrder, match=r"order value 0\.50 USDT is below BTC/USDT's minimum "
                                           r"of 1 USDT \(at 50025 that is at least 0\.00002 BTC\)"):
        world.exchange.create_order(OrderRequest(symbol="BTC/USDT", side="buy",
                                                 amount=Decimal("0.00001")))
    with pytest.raises(InvalidOrder, match="minimum of 0.00000001 BTC"):
        world.exchange.create_order(OrderRequest(symbol="BTC/USDT", side="buy",
                                                 amount=Decimal("0.000000001")))
    assert world.exchange.ledger().reconciles
