"""A small trading world for unit tests: one store, the paper venue, prices set by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete

from volex.adapters.exchange.paper import PaperExchange
from volex.adapters.exchange.prices import ManualPrices
from volex.adapters.storage.store import Store
from volex.adapters.storage.tables import audit_log, state
from volex.adapters.storage.trading import journal
from volex.agents.execution import ExecutionAgent
from volex.agents.risk import RiskAgent
from volex.domain.risk import RiskLimits

TODAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PRICES = {"BTC/USDT": "50000", "ETH/USDT": "3000", "DOGE/USDT": "0.2"}


@dataclass
class World:
    store: Store
    prices: ManualPrices
    exchange: PaperExchange
    risk: RiskAgent
    execution: ExecutionAgent

    def audit_actions(self) -> list[str]:
        return [r.action for r in self.store.audit.list(limit=10_000)]


def make_world(store: Store, *, balance: str = "10000", limits: RiskLimits | None = None,
               fee: str = "0.001", slippage_bps: str = "5") -> World:
    """A fresh paper account, no halt, the given limits, and today's start at ``balance``."""
    with store.db.begin() as conn:
        conn.execute(delete(state))
        conn.execute(delete(audit_log))
        conn.execute(delete(journal))
    prices = ManualPrices(PRICES)
    exchange = PaperExchange(store.db, prices, fee_rate=Decimal(fee), maker_fee_rate=Decimal(fee),
                             slippage_bps=Decimal(slippage_bps), symbols=list(PRICES))
    exchange.reset(Decimal(balance))
    risk = RiskAgent(store, clock=lambda: TODAY)
    risk.start_day(Decimal(balance))
    if limits is not None:
        for name, value in limits.model_dump().items():
            risk.set_limit(name, str(value), "api")
    execution = ExecutionAgent(exchange, store, risk, quote="USDT", fee_rate=Decimal(fee),
                               maker_fee_rate=Decimal(fee), slippage_bps=Decimal(slippage_bps))
    with store.db.begin() as conn:
        conn.execute(delete(audit_log))
    return World(store, prices, exchange, risk, execution)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    shared = Store(f"sqlite:///{Path(tmp_path_factory.mktemp('trading')) / 'volex.db'}")
    yield shared
    shared.close()


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)
