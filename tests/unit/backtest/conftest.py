"""Real candles for backtest tests (skipped with the reason when the reference data is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parents[3] / ".." / "shared" / "data"


def reference_file(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        message = f"reference data {path} is missing"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def btc_daily() -> dict:
    from volex.adapters.market_data.files import read_candles_file
    from volex.backtest.engine import bars_from_frame

    return bars_from_frame(read_candles_file(reference_file("BTC_USDT_1d.csv")))
