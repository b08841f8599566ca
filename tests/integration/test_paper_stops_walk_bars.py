"""Paper stops and targets fill where the market reached them, not where it is when looked at.

1-minute candles falling through a 2% stop at 12:01 and on to 94,900 by 12:09 once filled the
stop at 94,852.55 (a 13.7% loss instead of about 2%). The venue now walks the bars since it
last looked, as the backtest engine does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.cli import run
from volex.adapters.exchange.paper import PaperExchange
from volex.adapters.exchange.prices import ManualPrices
from volex.adapters.storage.store import Store
from volex.domain.orders import OrderRequest

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SLIP = Decimal("0.0005")  # the venue's default 5 bps


class Clock:
    def __init__(self) -> None:
        self.now = NOON

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(tmp_path: Path) -> tuple[PaperExchange, ManualPrices, Clock]:
    store = Store(f"sqlite:///{tmp_path / 'volex.db'}")
    prices, clock = ManualPrices({"BTC/USDT": "100000"}), Clock()
    venue = PaperExchange(store.db, prices, symbols=["BTC/USDT"], clock=clock)
    venue.reset(Decimal(10_000))
    return venue, prices, clock


def _protected_entry(venue: PaperExchange, amount: str = "0.02") -> tuple[str, str]:
    entry = venue.create_order(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal(amount)))
    stop = venue.create_order(OrderRequest(symbol="BTC/USDT", side="sell", type="stop_loss",
                                           amount=Decimal(amount), price=Decimal(98_000),
                                           parent_id=entry.id))
    target = venue.create_order(OrderRequest(symbol="BTC/USDT", side="sell", type="take_profit",
                                             amount=Decimal(amount), price=Decimal(110_000),
                                             parent_id=entry.id))
    return stop.id, target.id


def _minute(prices: ManualPrices, clock: Clock, minute: int, o: int, h: int, low: int,
            c: int) -> None:
    at = NOON + timedelta(minutes=minute)
    prices.add_bar("BTC/USDT", at, o, h, low, c)
    clock.now = at + timedelta(minutes=1)


def test_a_stop_crossed_two_minutes_ago_fills_at_its_level_and_its_time(world) -> None:
    venue, prices, clock = world
    stop_id, target_id = _protected_entry(venue)
    _minute(prices, clock, 1, 99_900, 99_950, 97_600, 97_800)   # through the stop at 98,000
    for m, close in enumerate(range(97_000, 94_800, -300), start=2):
        _minute(prices, clock, m, close + 200, close + 250, close - 50, close)
    prices.set("BTC/USDT", "94900")
    stop = venue.fetch_order(stop_id, "BTC/USDT")
    assert stop.status == "closed"
    assert stop.average == Decimal(98_000) * (1 - SLIP)
    fill = next(f for f in venue.my_trades("BTC/USDT") if f.order_id == stop_id)
    assert fill.at == NOON + timedelta(minutes=1)
    assert venue.fetch_order(target_id, "BTC/USDT").status == "canceled"


def test_a_bar_that_gaps_through_the_stop_fills_at_its_open(world) -> None:
    venue, prices, clock = world
    stop_id, _ = _protected_entry(venue)
    _minute(prices, clock, 1, 96_500, 96_800, 96_000, 96_400)
    assert venue.fetch_order(stop_id, "BTC/USDT").average == Decimal(96_500) * (1 - SLIP)


def test_a_target_reached_then_given_back_still_fills_at_the_target(world) -> None:
    venue, prices, clock = world
    stop_id, target_id = _protected_entry(venue)
    _minute(prices, clock, 1, 100_000, 110_500, 99_800, 109_000)
    _minute(prices, clock, 2, 109_000, 109_100, 101_000, 101_500)
    target = venue.fetch_order(target_id, "BTC/USDT")
    assert target.status == "closed" and target.average == Decimal(110_000) * (1 - SLIP)
    assert venue.fetch_order(stop_id, "BTC/USDT").status == "canceled"


def test_a_bar_touching_both_takes_the_stop(world) -> None:
    venue, prices, clock = world
    stop_id, target_id = _protected_entry(venue)
    _minute(prices, clock, 1, 100_000, 111_000, 97_000, 100_000)
    assert venue.fetch_order(stop_id, "BTC/USDT").status == "closed"
    assert venue.fetch_order(target_id, "BTC/USDT").status == "canceled"


def test_bars_before_the_order_was_placed_do_not_trigger_it(world) -> None:
    venue, prices, _clock = world
    prices.add_bar("BTC/USDT", NOON - timedelta(minutes=5), 99_000, 99_100, 90_000, 100_000)
    stop_id, _ = _protected_entry(venue)
    assert venue.fetch_order(stop_id, "BTC/USDT").status == "open"


def test_a_partial_sale_shrinks_the_stop_and_target_and_a_full_one_cancels_them(world) -> None:
    venue, _, _ = world
    stop_id, target_id = _protected_entry(venue, "0.02")
    venue.create_order(OrderRequest(symbol="BTC/USDT", side="sell", amount=Decimal("0.01")))
    for order_id in (stop_id, target_id):
        assert venue.fetch_order(order_id, "BTC/USDT").amount == Decimal("0.01")
    venue.create_order(OrderRequest(symbol="BTC/USDT", side="sell", amount=Decimal("0.01")))
    assert {venue.fetch_order(i, "BTC/USDT").status for i in (stop_id, target_id)} == {"canceled"}
    assert venue.ledger().reconciles


def test_sell_percent_from_the_cli_shrinks_the_protection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    bought = run("buy", "btc", "--quote", "500", "--stop-loss", "5", "--take-profit", "10", "--yes")
    assert bought.exit_code == 0, bought.output
    held = Decimal(json.loads(run("positions", "--json").stdout)[0]["amount"])
    sold = run("sell", "btc", "--percent", "50", "--yes")
    assert sold.exit_code == 0, sold.output
    left = Decimal(json.loads(run("positions", "--json").stdout)[0]["amount"])
    orders = json.loads(run("orders", "--json").stdout)
    assert left < held and {o["type"] for o in orders} == {"stop_loss", "take_profit"}
    assert all(Decimal(o["amount"]) == left for o in orders)
