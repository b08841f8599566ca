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


@pytest.fixture(scope="module")
def pg_database() -> Iterator[Database]:
    """One throwaway PostgreSQL database for the module (skips when the server is absent)."""
    import uuid

    from sqlalchemy import create_engine, text

    from tests.conftest import PG_ADMIN_URL, need_service

    need_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"volex_c_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
class TestPaperExchangeOnPostgres(ExchangeContract):
    @pytest.fixture
    def venue(self, pg_database: Database) -> Venue:
        prices = ManualPrices({"BTC/USDT": "50000", "ETH/USDT": "3000"})
        exchange = PaperExchange(pg_database, prices, symbols=["BTC/USDT", "ETH/USDT"])
        exchange.reset(Decimal(10_000))
        return Venue(exchange=exchange, set_price=prices.set)
