"""A MarketData port implementation serving real candles, with an off switch (unit tests)."""

from __future__ import annotations

import pandas as pd

from volex.domain.timeframes import timeframe_ms
from volex.errors import NetworkError

__all__ = ["FakeMarketData"]


class FakeMarketData:
    """Serves ``frame`` as an exchange would: pages of closed and forming bars, ``since`` honoured."""

    def __init__(self, name: str, symbol: str, timeframe: str, frame: pd.DataFrame, now_ms: int) -> None:
        self.name = name
        self.symbol, self.timeframe = symbol, timeframe
        self.frame = frame
        self.now_ms = now_ms
        self.down = False
        self.requests: list[int | None] = []
        self.markets_calls = 0

    def markets(self) -> set[str]:
        self.markets_calls += 1
        if self.down:
            raise NetworkError(f"{self.name}: RequestTimeout")
        return {self.symbol, "ETH/USDT"}

    def fetch_candles(self, symbol: str, timeframe: str, since_ms: int | None = None,
                      limit: int | None = None) -> pd.DataFrame:
        if self.down:
            raise NetworkError(f"{self.name}: RequestTimeout")
        self.requests.append(since_ms)
        stamps = self.frame["timestamp"].astype("int64")
        rows = self.frame[(stamps >= (since_ms or 0)) & (stamps <= self.now_ms)]
        return rows.head(limit or 1000).reset_index(drop=True)

    def step(self) -> int:
        return timeframe_ms(self.timeframe)
