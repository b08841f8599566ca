"""Where the autopilot reads closed bars: the research agent (live) or candle files (replay).

A feed answers "which bars of this market had closed at market time ``now``" and nothing
else; the clock says what ``now`` is, so the same chain runs live and on history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import numpy as np

from volex.errors import DataUnavailable

if TYPE_CHECKING:
    from volex.adapters.exchange.prices import Bar
    from volex.backtest.engine import Bars
    from volex.domain.candles import CandleSet
    from volex.domain.orders import Ticker

__all__ = ["FeedPrices", "FileFeed", "MarketFeed", "ResearchFeed"]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class MarketFeed(Protocol):
    """Closed bars of a market as of market time ``now``."""

    def bars(self, symbol: str, now: datetime) -> Bars:
        """Columns as arrays (``timestamp`` in epoch ms, bar open times), closed bars only."""
        ...

    def candles(self, symbol: str, now: datetime) -> CandleSet:
        """The same bars as a CandleSet (what the signal agent reads)."""
        ...


class FileFeed:
    """Bars held in memory from files (or any frames): sliced, never copied, at each ``now``."""

    def __init__(self, candles: dict[str, CandleSet], timeframe: str, *,
                 next_open: bool = False) -> None:
        from volex.backtest.engine import bars_from_frame
        from volex.domain.timeframes import timeframe_ms

        self._candles = candles
        self._bars = {s: bars_from_frame(c.frame) for s, c in candles.items()}
        self.timeframe = timeframe
        self.step_ms = timeframe_ms(timeframe)
        # Replays act on a bar when the market's next bar opens, as the backtest fills: a
        # market with a gap in its data is not traded until it has a bar again, and the
        # last bar's target is never acted on.
        self.next_open = next_open

    @property
    def symbols(self) -> list[str]:
        return list(self._bars)

    def full(self, symbol: str) -> Bars:
        """Every bar of ``symbol`` (closed or not at the current time)."""
        return self._bars[symbol]

    def closed_count(self, symbol: str, now: datetime) -> int:
        stamps = self._bars[symbol]["timestamp"]
        if self.next_open:
            return max(int(np.searchsorted(stamps, _ms(now), side="right")) - 1, 0)
        return int(np.searchsorted(stamps + self.step_ms, _ms(now), side="right"))

    def bars(self, symbol: str, now: datetime) -> Bars:
        if symbol not in self._bars:
            raise DataUnavailable(f"no candles of {symbol} in the replayed data")
        count = self.closed_count(symbol, now)
        return {k: v[:count] for k, v in self._bars[symbol].items()}

    def candles(self, symbol: str, now: datetime) -> CandleSet:
        from volex.domain.candles import CandleSet

        whole = self._candles[symbol]
        count = self.closed_count(symbol, now)
        return CandleSet(whole.symbol, whole.timeframe, whole.frame.iloc[:count], whole.source)

    def open_at(self, symbol: str, now: datetime) -> float | None:
        """The open of the bar that starts at or covers ``now`` (the next fill price)."""
        stamps = self._bars[symbol]["timestamp"]
        index = int(np.searchsorted(stamps, _ms(now), side="right")) - 1
        if index < 0 or _ms(now) >= stamps[index] + self.step_ms:
            return None
        return float(self._bars[symbol]["open"][index])

    def close_before(self, symbol: str, now: datetime) -> float | None:
        """The close of the last bar closed by ``now``."""
        count = self.closed_count(symbol, now)
        return float(self._bars[symbol]["close"][count - 1]) if count else None


class ResearchFeed:
    """Candles from the research agent (exchange, cache or sample), closed bars only."""

    def __init__(self, load: Callable[[str], CandleSet], timeframe_ms: int) -> None:
        self._load = load
        self.step_ms = timeframe_ms

    def candles(self, symbol: str, now: datetime) -> CandleSet:
        import pandas as pd

        from volex.domain.candles import CandleSet

        candles = self._load(symbol)
        frame = candles.frame
        closes = frame["timestamp"] + pd.Timedelta(milliseconds=self.step_ms)
        frame = frame[closes <= pd.Timestamp(now)].reset_index(drop=True)
        if frame.empty:
            raise DataUnavailable(f"no closed bars of {symbol} yet")
        return CandleSet(candles.symbol, candles.timeframe, frame, candles.source,
                         list(candles.notes))

    def bars(self, symbol: str, now: datetime) -> Bars:
        from volex.backtest.engine import bars_from_frame

        return bars_from_frame(self.candles(symbol, now).frame)


class FeedPrices:
    """The paper venue's prices from a file feed at market time: the open of the bar under
    way (so an order sent as a bar closes fills at the next bar's open, as in the backtest),
    or the last close once the data has ended.

    A replay reaches each bar ``lag_s`` after it opens (the autopilot's pass waits that long
    for the close to be published) and prices that moment at the bar's open: the whole bar
    happens after it. So the bars it gives the venue to walk for resting stops and targets
    are stamped ``lag_s`` after their open, and an order placed as a bar opens is walked
    through that bar's high and low, as the backtest checks a stop on its entry bar.
    """

    def __init__(self, feed: FileFeed, clock: Callable[[], datetime], *,
                 lag_s: float = 0.0) -> None:
        self.feed = feed
        self.clock = clock
        self.lag_ms = int(lag_s * 1000)

    def bars_since(self, symbol: str, since: datetime) -> list[Bar]:
        """The bars closed by now and reached at or after ``since``, oldest first."""
        from datetime import UTC
        from decimal import Decimal

        from volex.adapters.exchange.prices import MAX_WALK_BARS, Bar

        if symbol not in self.feed.symbols:
            return []
        bars = self.feed.full(symbol)
        stamps = bars["timestamp"]
        first = int(np.searchsorted(stamps + self.lag_ms, _ms(since), side="left"))
        last = int(np.searchsorted(stamps + self.feed.step_ms, _ms(self.clock()),
                                   side="right"))
        first = max(first, last - MAX_WALK_BARS)
        return [Bar(datetime.fromtimestamp((int(stamps[i]) + self.lag_ms) / 1000, UTC),
                    *(Decimal(repr(float(bars[k][i]))) for k in ("open", "high", "low",
                                                                  "close")))
                for i in range(first, last)]

    def __call__(self, symbol: str) -> Ticker:
        from decimal import Decimal

        from volex.domain.orders import Ticker

        if symbol not in self.feed.symbols:
            raise DataUnavailable(f"no price for {symbol}: it is not in the replayed data")
        now = self.clock()
        price = self.feed.open_at(symbol, now)
        if price is None:
            price = self.feed.close_before(symbol, now)
        if price is None:
            raise DataUnavailable(f"no price for {symbol} at {now:%Y-%m-%d %H:%M} UTC: "
                                  "before the first bar of the data")
        value = Decimal(repr(price))
        return Ticker(symbol=symbol, last=value, bid=value, ask=value, at=now, source="file")
