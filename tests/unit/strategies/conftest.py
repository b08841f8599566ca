"""Strategy tests share the backtest tests' reference candles."""

from __future__ import annotations

from tests.unit.backtest.conftest import btc_daily

__all__ = ["btc_daily"]
