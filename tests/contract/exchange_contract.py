"""The Exchange port's contract, as tests every venue adapter must pass.

Use it by subclassing :class:`ExchangeContract` in a ``test_*.py`` module and providing a
``venue`` fixture that returns a :class:`Venue`: the adapter under test, a way to move the
market price, and the symbol to trade. The venue starts with at least 1,000 of the quote asset
and none of the base asset of ``symbol``. Set ``supports_stops = False`` on a venue without
stop-loss / take-profit orders.

    class TestPaper(ExchangeContract):
        @pytest.fixture
        def venue(self) -> Venue: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_UP, Decimal

import pytest

from volex.domain.orders import Order, OrderRequest
from volex.errors import InsufficientFunds, InvalidOrder, UnknownSymbol
from volex.ports import Exchange

__all__ = ["ExchangeContract", "Venue"]


@dataclass
class Venue:
    """An adapter under test and its levers."""

    exchange: Exchange
    set_price: Callable[[str, Decimal], None]
    symbol: str = "BTC/USDT"


def _price(venue: Venue) -> Decimal:
    return venue.exchange.ticker(venue.symbol).last


def _small_amount(venue: Venue, quote_value: Decimal = Decimal(20)) -> Decimal:
    """A base amount worth about ``quote_value``, on the market's step and above its minimums."""
    market = venue.exchange.market(venue.symbol)
    step = market.amount_step or Decimal("1e-8")
    raw = (quote_value / _price(venue) / step).to_integral_value(rounding=ROUND_UP) * step
    return max(raw, market.min_amount or step)


def _base(venue: Venue) -> str:
    return venue.symbol.split("/")[0]


def _quote(venue: Venue) -> str:
    return venue.symbol.split("/")[1]


def _total(venue: Venue, asset: str) -> Decimal:
    balance = venue.exchange.balances().get(asset)
    return balance.total if balance else Decimal(0)


def _buy(venue: Venue, amount: Decimal | None = None, **extra: object) -> OrderRequest:
    return OrderRequest(symbol=venue.symbol, side="buy", amount=amount or _small_amount(venue),
                        **extra)


def _step_price(venue: Venue, factor: str) -> Decimal:
    market = venue.exchange.market(venue.symbol)
    return market.round_price(_price(venue) * Decimal(factor))


class ExchangeContract:
    """Behaviour every Exchange adapter shares; subclasses provide the ``venue`` fixture."""

    supports_stops = True

    # -- markets, prices, balances -------------------------------------------------------------

    def test_lists_the_symbol_with_precision_and_minimums(self, venue: Venue) -> None:
        assert venue.symbol in venue.exchange.markets()
        market = venue.exchange.market(venue.symbol)
        assert (market.base, market.quote) == (_base(venue), _quote(venue))
        odd = Decimal("0.123456789123")
        assert market.round_amount(odd) <= odd
        assert venue.exchange.mode in ("paper", "live")
        assert venue.exchange.name

    def test_an_unlisted_symbol_is_unknown(self, venue: Venue) -> None:
        with pytest.raises(UnknownSymbol):
            venue.exchange.market("NOSUCHCOIN/NOSUCHQUOTE")

    def test_ticker_is_decimal_and_says_where_it_came_from(self, venue: Venue) -> None:
        ticker = venue.exchange.ticker(venue.symbol)
        assert isinstance(ticker.last, Decimal) and ticker.last > 0
        assert ticker.source in ("exchange", "cache", "sample", "manual")
        assert ticker.at.tzinfo is not None

    def test_balances_are_decimal_and_add_up(self, venue: Venue) -> None:
        balances = venue.exchange.balances()
        assert _quote(venue) in balances
        for asset, balance in balances.items():
            assert balance.asset == asset
            assert isinstance(balance.free, Decimal) and isinstance(balance.used, Decimal)
            assert balance.free + balance.used == balance.total
            assert balance.free >= 0 and balance.used >= 0

    # -- market orders ---------------------------------------------------------------------------

    def test_a_market_buy_fills_at_once_and_moves_both_balances(self, venue: Venue) -> None:
        quote_before, base_before = _total(venue, _quote(venue)), _total(venue, _base(venue))
        amount = _small_amount(venue)
        order = venue.exchange.create_order(_buy(venue, amount))
        assert order.status == "closed"
        assert order.filled == venue.exchange.market(venue.symbol).round_amount(amount)
        assert isinstance(order.average, Decimal) and order.average > 0
        assert isinstance(order.fee, Decimal) and order.fee >= 0
        gained = _total(venue, _base(venue)) - base_before
        assert 0 < gained <= order.filled
        spent = quote_before - _total(venue, _quote(venue))
        assert spent >= order.filled * order.average * Decimal("0.999")

    def test_the_same_client_order_id_never_makes_a_second_order(self, venue: Venue) -> None:
        request = _buy(venue)
        first = venue.exchange.create_order(request)
        base_after_first = _total(venue, _base(venue))
        second = venue.exchange.create_order(request)
        assert second.id == first.id
        assert _total(venue, _base(venue)) == base_after_first
        fills = [f for f in venue.exchange.my_trades(venue.symbol) if f.order_id == first.id]
        assert sum(f.amount for f in fills) == first.filled

    def test_orders_are_found_by_client_order_id_and_unknown_ids_say_so(self, venue: Venue) -> None:
        order = venue.exchange.create_order(_buy(venue))
        found = venue.exchange.fetch_order_by_client_id(order.client_order_id, venue.symbol)
        assert found is not None and found.id == order.id
        assert venue.exchange.fetch_order(order.id, venue.symbol).client_order_id == order.client_order_id
        assert venue.exchange.fetch_order_by_client_id("vx-never-sent", venue.symbol) is None
        with pytest.raises(InvalidOrder):
            venue.exchange.fetch_order("999999999", venue.symbol)

    def test_selling_more_than_is_held_is_insufficient_funds(self, venue: Venue) -> None:
        held = _total(venue, _base(venue))
        request = OrderRequest(symbol=venue.symbol, side="sell", amount=held + _small_amount(venue))
        with pytest.raises(InsufficientFunds):
            venue.exchange.create_order(request)

    def test_buying_more_than_the_cash_is_insufficient_funds(self, venue: Venue) -> None:
        cash = _total(venue, _quote(venue))
        amount = _small_amount(venue, cash * 3)
        with pytest.raises(InsufficientFunds):
            venue.exchange.create_order(_buy(venue, amount))

    def test_an_order_below_the_minimum_is_invalid(self, venue: Venue) -> None:
        market = venue.exchange.market(venue.symbol)
        tiny = (market.min_amount or Decimal("1e-8")) / 1000
        with pytest.raises(InvalidOrder):
            venue.exchange.create_order(_buy(venue, tiny))

    def test_fills_are_listed_oldest_first_with_decimals(self, venue: Venue) -> None:
        first = venue.exchange.create_order(_buy(venue))
        second = venue.exchange.create_order(_buy(venue))
        fills = venue.exchange.my_trades(venue.symbol)
        ids = [f.order_id for f in fills]
        assert ids.index(first.id) < ids.index(second.id)
        assert all(isinstance(f.price, Decimal) and isinstance(f.fee, Decimal) for f in fills)
        later = datetime.now(UTC) + timedelta(hours=1)
        assert venue.exchange.my_trades(venue.symbol, since=later) == []

    # -- limit orders and cancels ------------------------------------------------------------------

    def test_a_limit_buy_below_the_price_rests_reserves_and_cancels(self, venue: Venue) -> None:
        quote = _quote(venue)
        used_before = venue.exchange.balances()[quote].used
        order = venue.exchange.create_order(_buy(venue, type="limit", price=_step_price(venue, "0.9")))
        assert order.status == "open" and order.filled == 0
        assert order.id in [o.id for o in venue.exchange.open_orders(venue.symbol)]
        assert order.id in [o.id for o in venue.exchange.open_orders()]
        assert venue.exchange.balances()[quote].used > used_before
        canceled = venue.exchange.cancel_order(order.id, venue.symbol)
        assert canceled.status == "canceled"
        assert venue.exchange.cancel_order(order.id, venue.symbol).status == "canceled"
        assert order.id not in [o.id for o in venue.exchange.open_orders(venue.symbol)]
        assert venue.exchange.balances()[quote].used == used_before

    def test_a_limit_buy_fills_when_the_price_crosses_it(self, venue: Venue) -> None:
        limit = _step_price(venue, "0.95")
        order = venue.exchange.create_order(_buy(venue, type="limit", price=limit))
        assert order.status == "open"
        venue.set_price(venue.symbol, _step_price(venue, "0.94"))
        filled = venue.exchange.fetch_order(order.id, venue.symbol)
        assert filled.status == "closed"
        assert filled.average is not None and filled.average <= limit
        assert order.id not in [o.id for o in venue.exchange.open_orders(venue.symbol)]

    def test_cancelling_a_filled_order_is_invalid(self, venue: Venue) -> None:
        order: Order = venue.exchange.create_order(_buy(venue))
        with pytest.raises(InvalidOrder):
            venue.exchange.cancel_order(order.id, venue.symbol)

    # -- stop-loss and take-profit ---------------------------------------------------------------

    def _holding(self, venue: Venue) -> Order:
        if not self.supports_stops:
            pytest.skip("this venue has no stop-loss / take-profit orders")
        return venue.exchange.create_order(_buy(venue, _small_amount(venue, Decimal(50))))

    def test_a_stop_loss_rests_then_sells_when_the_price_falls_to_it(self, venue: Venue) -> None:
        entry = self._holding(venue)
        stop = venue.exchange.create_order(OrderRequest(
            symbol=venue.symbol, side="sell", type="stop_loss", amount=entry.filled,
            price=_step_price(venue, "0.9"), reduce_only=True))
        assert stop.status == "open"
        venue.set_price(venue.symbol, _step_price(venue, "0.85"))
        assert venue.exchange.fetch_order(stop.id, venue.symbol).status == "closed"
        assert _total(venue, _base(venue)) < entry.filled

    def test_a_take_profit_rests_then_sells_when_the_price_rises_to_it(self, venue: Venue) -> None:
        entry = self._holding(venue)
        target = venue.exchange.create_order(OrderRequest(
            symbol=venue.symbol, side="sell", type="take_profit", amount=entry.filled,
            price=_step_price(venue, "1.1"), reduce_only=True))
        assert target.status == "open"
        venue.set_price(venue.symbol, _step_price(venue, "1.15"))
        assert venue.exchange.fetch_order(target.id, venue.symbol).status == "closed"
        assert _total(venue, _base(venue)) < entry.filled
