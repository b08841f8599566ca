"""Price feeds for the paper venue: from the research agent's candles, or set by hand.

A feed is any callable ``symbol -> Ticker``. Prices that do not come live from the exchange
(the candle cache, the bundled sample) carry their source, so every front end can flag them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from volex.domain.orders import Ticker, utcnow
from volex.errors import DataUnavailable, UnknownSymbol, VolexError

if TYPE_CHECKING:
    from volex.agents.research import ResearchAgent

__all__ = ["Bar", "CandlePrices", "ManualPrices", "PriceFeed"]

PriceFeed = Callable[[str], Ticker]

# Offline, the freshest of these wins (the cache may hold minutes, the sample holds 2h/1d).
_OFFLINE_TIMEFRAMES = ("1m", "5m", "15m", "1h", "2h", "4h", "1d")


# How far back the paper venue walks bars for resting orders (1m bars: about 16 hours).
MAX_WALK_BARS = 1000


@dataclass(frozen=True)
class Bar:
    """One closed bar, for walking the path a price took since a resting order was placed."""

    at: datetime  # open time, UTC
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


class ManualPrices:
    """Prices set by hand (tests, simulations, scripts): ``prices.set("BTC/USDT", 50000)``.

    ``add_bar`` records a closed bar as well, so a resting stop can be walked through it.
    """

    def __init__(self, prices: dict[str, Decimal | int | str] | None = None) -> None:
        self._prices: dict[str, Decimal] = {}
        self._bars: dict[str, list[Bar]] = {}
        for symbol, price in (prices or {}).items():
            self.set(symbol, price)

    def set(self, symbol: str, price: Decimal | int | str) -> None:
        self._prices[symbol] = Decimal(str(price))

    def add_bar(self, symbol: str, at: datetime, open: Decimal | int | str,
                high: Decimal | int | str, low: Decimal | int | str,
                close: Decimal | int | str) -> None:
        """Record a closed bar; its close becomes the price."""
        self._bars.setdefault(symbol, []).append(Bar(at, *(Decimal(str(v)) for v in
                                                           (open, high, low, close))))
        self.set(symbol, close)

    def bars_since(self, symbol: str, since: datetime) -> list[Bar]:
        return [bar for bar in self._bars.get(symbol, []) if bar.at >= since][-MAX_WALK_BARS:]

    def __call__(self, symbol: str) -> Ticker:
        if symbol not in self._prices:
            raise UnknownSymbol(f"no price for {symbol}")
        price = self._prices[symbol]
        return Ticker(symbol=symbol, last=price, bid=price, ask=price, source="manual")


class CandlePrices:
    """The last close from the research agent: live 1m bars, else the freshest offline bar.

    Prices are kept for ``ttl_s`` seconds so one command sees one price per symbol.
    """

    def __init__(self, research: Callable[[], ResearchAgent], exchange: str, *,
                 offline: bool = False, ttl_s: float = 10.0) -> None:
        self._research = research
        self._exchange = exchange
        self._offline = offline
        self._ttl_s = ttl_s
        self._seen: dict[str, tuple[float, Ticker]] = {}

    def __call__(self, symbol: str) -> Ticker:
        hit = self._seen.get(symbol)
        if hit and time.monotonic() - hit[0] < self._ttl_s:
            return hit[1]
        ticker = self._live(symbol) if not self._offline else None
        ticker = ticker or self._offline_ticker(symbol)
        self._seen[symbol] = (time.monotonic(), ticker)
        return ticker

    def _live(self, symbol: str) -> Ticker | None:
        try:
            candles = self._research().candles(symbol, "1m", self._exchange, bars=5)
        except VolexError:
            return None
        if candles.source.kind != "exchange":
            return None
        return self._ticker(symbol, candles, "exchange")

    def bars_since(self, symbol: str, since: datetime) -> list[Bar]:
        """Closed 1m bars (live), else the freshest offline bars, opened at or after ``since``."""
        candles = None
        if not self._offline:
            try:
                candles = self._research().candles(symbol, "1m", self._exchange,
                                                   bars=MAX_WALK_BARS)
            except VolexError:
                candles = None
        if candles is None:
            return []
        frame = candles.frame
        frame = frame[frame["timestamp"] >= since]
        return [Bar(row.timestamp.to_pydatetime(), *(Decimal(repr(float(v))) for v in
                                                     (row.open, row.high, row.low, row.close)))
                for row in frame.itertuples()]

    def _offline_ticker(self, symbol: str) -> Ticker:
        best = None
        for tf in _OFFLINE_TIMEFRAMES:
            try:
                candles = self._research().candles(symbol, tf, self._exchange, offline=True, bars=2)
            except VolexError:
                continue
            if candles.source.kind in ("cache", "sample") and candles.symbol == symbol and (
                    best is None or candles.frame["timestamp"].iloc[-1]
                    > best.frame["timestamp"].iloc[-1]):
                best = candles
        if best is None:
            raise DataUnavailable(f"no price for {symbol}: the exchange is unreachable or offline "
                                  "was asked for, nothing is cached and the bundled sample lacks "
                                  "it (sample: BTC/USDT, ETH/USDT, DOGE/USDT)")
        return self._ticker(symbol, best, best.source.kind)

    @staticmethod
    def _ticker(symbol: str, candles, source: str) -> Ticker:
        from datetime import timedelta

        from volex.domain.timeframes import timeframe_ms

        price = Decimal(repr(float(candles.frame["close"].iloc[-1])))
        opened = candles.frame["timestamp"].iloc[-1].to_pydatetime()
        at = min(opened + timedelta(milliseconds=timeframe_ms(candles.timeframe)), utcnow())
        return Ticker(symbol=symbol, last=price, bid=price, ask=price, at=at, source=source)
