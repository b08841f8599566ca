"""The paper venue on a real store, SQLite and PostgreSQL: persistence, concurrency, exactness."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.trading.conftest import make_world
from volex.adapters.exchange.paper import PaperExchange
from volex.adapters.exchange.prices import ManualPrices
from volex.adapters.storage.db import Database
from volex.adapters.storage.store import Store
from volex.adapters.storage.trading import paper_assets
from volex.domain.orders import OrderRequest
from volex.errors import TradingHalted


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'volex.db'}"
    return request.getfixturevalue("pg_url")


def _venue(db: Database, prices: ManualPrices) -> PaperExchange:
    return PaperExchange(db, prices, symbols=["BTC/USDT", "ETH/USDT"])


def test_the_ledger_and_resting_orders_survive_a_restart(url: str) -> None:
    prices = ManualPrices({"BTC/USDT": "50000", "ETH/USDT": "3000"})
    first = Database(url)
    venue = _venue(first, prices)
    venue.create_order(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.05")))
    resting = venue.create_order(OrderRequest(symbol="ETH/USDT", side="buy", type="limit",
                                              amount=Decimal("0.5"), price=Decimal(2900)))
    before = venue.balances()
    first.dispose()

    again = Database(url)
    venue = _venue(again, prices)
    assert venue.balances() == before
    assert [o.id for o in venue.open_orders()] == [resting.id]
    prices.set("ETH/USDT", "2890")
    assert venue.fetch_order(resting.id, "ETH/USDT").status == "closed"
    ledger = venue.ledger()
    assert ledger.reconciles and ledger.holdings["ETH"] == Decimal("0.5")
    again.dispose()


def test_concurrent_writers_never_lose_an_update(url: str) -> None:
    prices = ManualPrices({"BTC/USDT": "50000"})
    setup = Database(url)
    _venue(setup, prices).reset(Decimal(10_000))
    errors: list[BaseException] = []

    def trade(n: int) -> None:
        db = Database(url)
        venue = _venue(db, prices)
        try:
            for _ in range(n):
                venue.create_order(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.001")))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=trade, args=(8,)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    venue = _venue(setup, prices)
    ledger = venue.ledger()
    assert len(venue.my_trades()) == 24
    assert ledger.holdings["BTC"] == Decimal("0.024")
    # each fill: 0.001 BTC at 50,025 (5 bps) plus a 0.1% fee of 0.050025
    assert ledger.cash == Decimal(10_000) - 24 * (Decimal("50.025") + Decimal("0.050025"))
    assert ledger.reconciles
    setup.dispose()


def test_money_is_stored_as_exact_decimal_text(url: str) -> None:
    db = Database(url)
    venue = _venue(db, ManualPrices({"BTC/USDT": "61234.57"}))
    venue.reset(Decimal("1000.1"))
    venue.create_order(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.00123457")))
    with db.begin() as conn:
        stored = dict(conn.execute(select(paper_assets.c.asset, paper_assets.c.total)).all())
    assert all(isinstance(v, str) for v in stored.values())
    assert Decimal(stored["BTC"]) == Decimal("0.00123457")
    assert Decimal(stored["USDT"]) == venue.ledger().cash
    assert venue.ledger().reconciles
    db.dispose()


def test_reset_starts_again_with_the_balance_asked_for(url: str) -> None:
    db = Database(url)
    venue = _venue(db, ManualPrices({"BTC/USDT": "50000"}))
    venue.create_order(OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal("0.01")))
    venue.reset(Decimal(2500))
    assert {a: b.total for a, b in venue.balances().items()} == {"USDT": Decimal(2500)}
    assert venue.my_trades() == [] and venue.open_orders() == []
    db.dispose()


def test_the_whole_trading_path_on_this_store(url: str) -> None:
    store = Store(url)
    world = make_world(store)
    plan = world.execution.plan("BTC/USDT", "buy", quote=Decimal(600), stop_loss_pct=Decimal(3))
    result = world.execution.execute(plan, actor="cli", reason="integration")
    assert result.order.status == "closed" and len(result.protective) == 1
    world.execution.halts.halt("cli", "integration halt")
    with pytest.raises(TradingHalted):
        world.execution.execute(world.execution.plan("ETH/USDT", "buy", quote=Decimal(50)), actor="cli")
    actions = world.audit_actions()
    for expected in ("order.send", "order.filled", "order.placed", "halt", "order.blocked"):
        assert expected in actions
    journal = world.execution.journal.get(result.order.client_order_id)
    assert journal["status"] == "closed" and Decimal(journal["filled"]) == result.order.filled
    store.close()
