"""Real candles for backtest and strategy tests: the package's bundled sample."""

from __future__ import annotations

import pytest

from tests.conftest import candle_file


@pytest.fixture(scope="session")
def btc_daily() -> dict:
    """BTC/USDT daily candles bundled with the package as engine bars (arrays)."""
    from volex.adapters.market_data.files import read_candles_file
    from volex.backtest.engine import bars_from_frame

    return bars_from_frame(read_candles_file(candle_file("BTC_USDT_1d")))
