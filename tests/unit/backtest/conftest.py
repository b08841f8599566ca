"""Real candles for backtest and strategy tests (skipped with the reason when absent)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data


@pytest.fixture(scope="session")
def btc_daily() -> dict:
    """BTC/USDT daily candles from ../shared/data as engine bars (arrays)."""
    from volex.adapters.market_data.files import read_candles_file
    from volex.backtest.engine import bars_from_frame

    return bars_from_frame(read_candles_file(shared_data("BTC_USDT_1d.csv")))
