"""Paper prices say where they came from: live, the candle cache, or the bundled sample."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from volex.adapters.exchange.prices import CandlePrices, ManualPrices
from volex.adapters.market_data.files import sample_columns, sample_timeframes
from volex.adapters.storage.store import Store
from volex.agents.research import ResearchAgent
from volex.errors import DataUnavailable, NetworkError, UnknownSymbol


class Unreachable:
    name = "binance"

    def markets(self) -> set[str]:
        raise NetworkError("binance: no network in tests")

    def fetch_candles(self, *_: object, **__: object) -> pd.DataFrame:
        raise NetworkError("binance: no network in tests")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    own = Store(f"sqlite:///{tmp_path / 'prices.db'}")
    yield own
    own.close()


@pytest.fixture
def research(store: Store) -> ResearchAgent:
    return ResearchAgent(store.candles, lambda _: Unreachable(), sample_columns, sample_timeframes)


def test_with_no_network_the_price_is_the_samples_close_flagged_offline(research: ResearchAgent) -> None:
    ticker = CandlePrices(lambda: research, "binance")("BTC/USDT")
    assert ticker.source == "sample" and ticker.offline
    assert ticker.last == Decimal("109888.01")
    assert "bundled sample" in ticker.describe()


def test_a_fresher_cached_candle_beats_the_sample(research: ResearchAgent, store: Store) -> None:
    opened = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    frame = pd.DataFrame({"timestamp": [pd.Timestamp(opened)], "open": [60_000.0],
                          "high": [61_000.0], "low": [59_000.0], "close": [60_500.5],
                          "volume": [12.0]})
    store.candles.save("binance", "BTC/USDT", "1h", frame)
    ticker = CandlePrices(lambda: research, "binance", offline=True)("BTC/USDT")
    assert (ticker.source, str(ticker.last)) == ("cache", "60500.5")
    assert "cached" in ticker.describe()


def test_a_symbol_with_no_price_anywhere_says_so(research: ResearchAgent) -> None:
    with pytest.raises(DataUnavailable, match="no price for NOPE/USDT"):
        CandlePrices(lambda: research, "binance", offline=True)("NOPE/USDT")
    with pytest.raises(UnknownSymbol):
        ManualPrices({"BTC/USDT": "1"})("ETH/USDT")
