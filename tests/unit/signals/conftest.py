"""Fixtures of the signal unit tests: one small real model, facts built from real candles."""

from __future__ import annotations

import pandas as pd
import pytest

from volex.adapters.market_data.files import sample_candles
from volex.domain.analysis import CandleSource
from volex.domain.candles import CandleSet


@pytest.fixture(scope="session")
def btc_1d() -> pd.DataFrame:
    frame = sample_candles("BTC/USDT", "1d")
    assert frame is not None
    return frame


@pytest.fixture(scope="session")
def base_model(btc_1d: pd.DataFrame):
    from tests.support.signal_models import train_small

    return train_small(btc_1d, "BTC/USDT", "1d")


@pytest.fixture
def btc_candles(btc_1d: pd.DataFrame) -> CandleSet:
    source = CandleSource(kind="sample", name="bundled sample", bars=len(btc_1d))
    return CandleSet("BTC/USDT", "1d", btc_1d, source)
