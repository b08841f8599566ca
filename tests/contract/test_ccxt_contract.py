"""The live ccxt adapter against the Exchange contract, through ccxt's binance client and the
loopback Binance simulator (prices moved on the simulator, as the market would move them)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.contract.exchange_contract import ExchangeContract, Venue
from tests.support.binance_sim import FAKE_KEY, FAKE_SECRET, BinanceSim
from volex.adapters.exchange.ccxt_exchange import CcxtExchange
from volex.adapters.exchange.retry import RetryPolicy


@pytest.fixture
def sim() -> Iterator[BinanceSim]:
    with BinanceSim(balances={"USDT": "10000"}) as running:
        yield running


class TestCcxtBinanceExchange(ExchangeContract):
    @pytest.fixture
    def venue(self, sim: BinanceSim) -> Venue:
        exchange = CcxtExchange(
            "binance", {"api_key": FAKE_KEY, "secret": FAKE_SECRET}, sandbox=False,
            timeout_s=0.5, client_config={**sim.client_config(), "enableRateLimit": False},
            retry=RetryPolicy(base_delay_s=0.05, in_flight_margin_s=0.05))

        def set_price(symbol: str, price: Decimal) -> None:
            sim.engine.set_price(symbol.replace("/", ""), price)

        return Venue(exchange=exchange, set_price=set_price)
