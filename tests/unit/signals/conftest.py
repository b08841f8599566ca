"""Fixtures of the signal unit tests: one small real model and real candles."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.support.signal_models import sample_frame, small_model
from volex.domain.analysis import CandleSource
from volex.domain.candles import CandleSet


@pytest.fixture(scope="session")
def btc_1d() -> pd.DataFrame:
    return sample_frame("BTC/USDT", "1d")


@pytest.fixture(scope="session")
def base_model():
    return small_model("BTC/USDT", "1d")


@pytest.fixture
def btc_candles(btc_1d: pd.DataFrame) -> CandleSet:
    source = CandleSource(kind="sample", name="bundled sample", bars=len(btc_1d))
    return CandleSet("BTC/USDT", "1d", btc_1d, source)
