"""The paper venue against the Exchange contract, on SQLite and PostgreSQL (prices set by hand)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.contract.exchange_contract import ExchangeContract, Venue
from volex.adapters.exchange.paper import PaperExchange
from volex.adapters.exchange.prices import ManualPrices
from volex.adapters.storage.db import Database


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(f"sqlite:///{Path(tmp_path_factory.mktemp('paper')) / 'paper.db'}")
    yield db
    db.dispose()


class TestPaperExchange(ExchangeContract):
    @pytest.fixture
    def venue(self, database: Database) -> Venue:
        prices = ManualPrices({"BTC/USDT": "50000", "ETH/USDT": "3000"})
        exchange = PaperExchange(database, prices, symbols=["BTC/USDT", "ETH/USDT"])
        exchange.reset(Decimal(10_000))
        return Venue(exchange=exchange, set_price=prices.set)


@pytest.mark.postgres
class TestPaperExchangeOnPostgres(ExchangeContract):
    @pytest.fixture
    def venue(self, pg_url: str) -> Iterator[Venue]:
        database = Database(pg_url)
        prices = ManualPrices({"BTC/USDT": "50000", "ETH/USDT": "3000"})
        yield Venue(exchange=PaperExchange(database, prices, symbols=["BTC/USDT", "ETH/USDT"]),
                    set_price=prices.set)
        database.dispose()
