"""The research agent: candles from the exchange, the cache or the bundled sample, and analysis.

Live data is fetched incrementally (only bars newer than the cache) and stored; when the
exchange cannot be reached the agent says so in one note and falls back to the cache, then
to the bundled sample. The newest bar is dropped while it is still forming.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from volex.analysis.resample import can_resample, resample_candles
from volex.domain.analysis import CandleSource
from volex.domain.candles import CandleSet, columns_to_frame, frame_to_columns
from volex.domain.symbols import usd_fallback
from volex.domain.timeframes import normalize_timeframe, timeframe_ms, utc_from_ms
from volex.errors import DataUnavailable, NetworkError, UnknownSymbol

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from volex.domain.analysis import Analysis
    from volex.ports import Cache, CandleCache, MarketData

__all__ = ["DEFAULT_BARS", "ResearchAgent"]

DEFAULT_BARS = 1000
Progress = Callable[[int, int], None]


def _ms(ts: pd.Timestamp) -> int:
    return int(ts.value // 1_000_000)


class ResearchAgent:
    """Market data for the other agents, from the best source available."""

    def __init__(self, candles: CandleCache, market_data: Callable[[str], MarketData],
                 sample: Callable[[str, str], Mapping[str, np.ndarray] | None],
                 sample_timeframes: Callable[[str], list[str]], cache: Cache | None = None) -> None:
        self._repo = candles
        self._market_data = market_data
        self._sample = sample
        self._sample_timeframes = sample_timeframes
        self._cache = cache

    def candles(self, symbol: str, timeframe: str, exchange: str, *, offline: bool = False,
                bars: int = DEFAULT_BARS) -> CandleSet:
        """The newest ``bars`` closed candles, from the exchange if reachable."""
        tf = normalize_timeframe(timeframe)
        notes: list[str] = []
        if not offline:
            try:
                return self._live(symbol, tf, exchange, bars)
            except NetworkError as exc:
                notes.append(f"{exchange} unreachable ({exc}); using offline data")
        else:
            notes.append("offline: using cached data or the bundled sample")
        found = self._offline(symbol, tf, exchange, bars, notes)
        if found is None and usd_fallback(symbol):
            found = self._offline(usd_fallback(symbol), tf, exchange, bars, notes)
            if found is not None:
                found.notes.append(f"no {symbol} data offline; showing {found.symbol} instead")
        if found is None:
            raise DataUnavailable(f"no {tf} candles for {symbol}: {exchange} is unreachable, nothing "
                                  "is cached and the bundled sample lacks it (sample: "
                                  "BTC/USDT 1d and 2h, ETH/USDT 2h, DOGE/USDT 2h)")
        return found

    def analyze(self, symbol: str, timeframe: str, exchange: str, *,
                offline: bool = False) -> Analysis:
        """The technical analysis of the newest closed bar."""
        from volex.analysis.report import analyze_candles

        return analyze_candles(self.candles(symbol, timeframe, exchange, offline=offline))

    def resolve(self, symbol: str, exchange: str) -> tuple[str, str | None]:
        """The exchange's market for ``symbol``; BTC/USD becomes BTC/USDT where USD is not listed."""
        markets = self._market_data(exchange).markets()
        if symbol in markets:
            return symbol, None
        fallback = usd_fallback(symbol)
        if fallback and fallback in markets:
            return fallback, f"{exchange} has no {symbol} market; using {fallback}"
        raise UnknownSymbol(f"{exchange} has no market {symbol}")

    def fetch(self, symbol: str, timeframe: str, exchange: str, since_ms: int | None = None,
              bars: int = DEFAULT_BARS, progress: Progress | None = None) -> tuple[str, int]:
        """Fetch and cache what is missing since ``since_ms`` (or the last ``bars``); returns rows."""
        source = self._market_data(exchange)
        market, _ = self.resolve(symbol, exchange)
        step = timeframe_ms(timeframe)
        now = int(time.time() * 1000)
        cached_last = self._repo.last_ts(exchange, market, timeframe)
        # The newest ``bars`` closed bars, plus the forming one the venue will also send.
        start = since_ms if since_ms is not None else (now // step - bars) * step
        if since_ms is None and cached_last is not None and cached_last >= start:
            start = cached_last + step  # only closed bars are cached: nothing to refetch
        total_bars = max(1, (now - start) // step)
        written = 0
        while start + step <= now:  # a closed bar can still start at `start`
            page = source.fetch_candles(market, timeframe, since_ms=start)
            opens = page["timestamp"].astype("datetime64[ms, UTC]").astype("int64")
            page = page[opens + step <= now]  # closed bars only
            if page.empty:
                break
            written += self._repo.save(exchange, market, timeframe, page)
            if progress:
                progress(min(written, total_bars), total_bars)
            last = _ms(page["timestamp"].iloc[-1])
            if last + step <= start:
                break
            start = last + step
        return market, written

    def _live(self, symbol: str, tf: str, exchange: str, bars: int) -> CandleSet:
        fresh = self._fresh(exchange, symbol, tf, bars)
        if fresh is not None:
            return fresh
        market, note = self.resolve(symbol, exchange)
        self.fetch(market, tf, exchange, bars=bars)
        frame = self._repo.load(exchange, market, tf, limit=bars)
        if frame.empty:
            raise DataUnavailable(f"{exchange} returned no {tf} candles for {market}")
        self._mark_fresh(exchange, symbol, tf, market, note)
        return CandleSet(market, tf, frame, self._source("exchange", exchange, frame),
                         [note] if note else [])

    # Only closed bars are stored, so after a fetch nothing new can arrive before the next
    # bar closes: until then (in any process sharing the cache) the store is as good as the
    # exchange, and asking the exchange again would only cost time and rate limit.

    def _mark_fresh(self, exchange: str, symbol: str, tf: str, market: str, note: str | None) -> None:
        if self._cache is None:
            return
        step = timeframe_ms(tf)
        now = time.time() * 1000
        until_close = ((now // step) + 1) * step - now
        value = json.dumps({"market": market, "note": note, "until": now + until_close}).encode()
        self._cache.set(f"candles-fresh:{exchange}:{symbol}:{tf}", value, until_close / 1000)

    def _fresh(self, exchange: str, symbol: str, tf: str, bars: int) -> CandleSet | None:
        raw = self._cache.get(f"candles-fresh:{exchange}:{symbol}:{tf}") if self._cache else None
        if raw is None:
            return None
        known = json.loads(raw)
        if time.time() * 1000 >= known["until"]:  # a bar has closed since (the cache's clock may lag)
            return None
        frame = self._repo.load(exchange, known["market"], tf, limit=bars)
        if frame.empty:
            return None
        return CandleSet(known["market"], tf, frame, self._source("exchange", exchange, frame),
                         [known["note"]] if known["note"] else [])

    def _offline(self, symbol: str, tf: str, exchange: str, bars: int,
                 notes: list[str]) -> CandleSet | None:
        if self._repo.last_ts(exchange, symbol, tf) is not None:
            cached = self._repo.load(exchange, symbol, tf, limit=bars)
            if not cached.empty:
                return CandleSet(symbol, tf, cached, self._source("cache", exchange, cached),
                                 list(notes))
        columns = self._sample(symbol, tf)
        if columns is None:
            for src_tf in self._sample_timeframes(symbol):
                if can_resample(src_tf, tf):
                    base = self._sample(symbol, src_tf)
                    if base is not None:
                        frame = resample_candles(columns_to_frame(base), src_tf, tf)
                        columns = frame_to_columns(frame) if len(frame) else None
                    notes = [*notes, f"{tf} bars built from the sample's {src_tf} bars"]
                    break
        if columns is None:
            return None
        columns = {name: values[-bars:] for name, values in columns.items()}
        stamps = columns["timestamp"]
        source = CandleSource(kind="sample", name="bundled sample", first=utc_from_ms(stamps[0]),
                              last=utc_from_ms(stamps[-1]), bars=len(stamps))
        return CandleSet.from_columns(symbol, tf, columns, source, list(notes))

    @staticmethod
    def _source(kind: str, name: str, frame: pd.DataFrame) -> CandleSource:
        first, last = frame["timestamp"].iloc[0], frame["timestamp"].iloc[-1]
        return CandleSource(kind=kind, name=name, first=first.to_pydatetime(),
                            last=last.to_pydatetime(), bars=len(frame))
