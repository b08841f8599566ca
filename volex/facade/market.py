"""Market data and analysis: candles from any source, indicators and verdicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.domain.timeframes import normalize_timeframe
from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.domain.analysis import Analysis
    from volex.domain.candles import CachedSeries, CandleSet

__all__ = ["MarketFacade"]


class MarketFacade(FacadeBase):
    """Market data and analysis: candles from any source, indicators and verdicts."""

    # -- market data and analysis --------------------------------------------------------

    def candles(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
                offline: bool | None = None, data: str | Path | None = None,
                bars: int | None = None) -> CandleSet:
        """Closed candles from a file, the exchange, the cache or the bundled sample."""
        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        if data is not None:
            return self._file_candles(symbol, tf, data)
        from volex.agents.research import DEFAULT_BARS

        return self.runtime.research.candles(
            self.symbol(symbol), tf, exchange or self.settings.exchange,
            offline=self.settings.offline if offline is None else offline, bars=bars or DEFAULT_BARS)

    def analyze(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
                offline: bool | None = None, data: str | Path | None = None) -> Analysis:
        """Indicators, plain-words readings and a technical verdict at the last closed bar."""
        from volex.analysis.report import analyze_candles

        if data is not None:
            return analyze_candles(self.candles(symbol, timeframe, data=data))
        return self.runtime.research.analyze(
            self.symbol(symbol), normalize_timeframe(timeframe or self.settings.timeframe),
            exchange or self.settings.exchange,
            offline=self.settings.offline if offline is None else offline)

    def _file_candles(self, label: str, timeframe: str, path: str | Path) -> CandleSet:
        from volex.adapters.market_data.files import read_candle_columns
        from volex.domain.analysis import CandleSource
        from volex.domain.candles import CandleSet
        from volex.domain.timeframes import utc_from_ms

        columns = read_candle_columns(path)
        stamps = columns["timestamp"]
        source = CandleSource(kind="file", name=str(path), first=utc_from_ms(stamps[0]),
                              last=utc_from_ms(stamps[-1]), bars=len(stamps))
        return CandleSet.from_columns(label, timeframe, columns, source)

    # -- the candle cache ----------------------------------------------------------------

    def fetch_data(self, symbol: str, timeframe: str | None = None, *, since: datetime | None = None,
                   exchange: str | None = None,
                   progress: Callable[[int, int], None] | None = None) -> tuple[str, int]:
        """Download and cache candles from ``since``; returns (market, rows written)."""
        from volex.errors import ConfigError

        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        if self.settings.offline:
            raise ConfigError("fetching needs the network, and offline is on (offline = true in "
                              "config or VOLEX_OFFLINE); `volex data import FILE` works offline")
        since_ms = int(since.timestamp() * 1000) if since else None
        return self.runtime.research.fetch(self.symbol(symbol), tf, exchange or self.settings.exchange,
                                           since_ms=since_ms, progress=progress)

    def import_data(self, path: str | Path, symbol: str, timeframe: str, *,
                    exchange: str | None = None) -> int:
        """Store the candles of a CSV/Parquet file in the cache; returns rows written."""
        from volex.adapters.market_data.files import read_candles_file

        tf = normalize_timeframe(timeframe)
        frame = read_candles_file(path)
        _check_spacing(frame, tf, path)
        venue = exchange or self.settings.exchange
        rows = self.runtime.store.candles.save(venue, self.symbol(symbol), tf, frame)
        self.runtime.store.audit.record(self.actor, "data.import", self.symbol(symbol),
                                        details={"file": str(path), "timeframe": tf, "rows": rows,
                                                 "exchange": venue})
        return rows

    def quotes(self, exchange: str | None = None) -> set[str] | None:
        """The quote currencies of ``exchange``'s spot markets; None when it cannot be asked."""
        from volex.errors import VolexError

        if self.settings.offline:
            return None
        try:
            markets = self.runtime.market_data(exchange or self.settings.exchange).markets()
        except VolexError:
            return None
        return {symbol.split("/")[1].split(":")[0] for symbol in markets if "/" in symbol}

    def cached_data(self) -> list[CachedSeries]:
        """What the candle cache holds: ranges and gaps per series."""
        return self.runtime.store.candles.series()


def _check_spacing(frame: Any, timeframe: str, path: str | Path) -> None:
    """Refuse a file whose bars are not ``timeframe`` apart (daily bars cached as 2h)."""
    import numpy as np

    from volex.domain.timeframes import timeframe_ms
    from volex.errors import UserInputError

    stamps = frame["timestamp"].astype("int64").to_numpy()
    if len(stamps) < 3:
        return
    step = float(np.median(np.diff(stamps)))
    if step != timeframe_ms(timeframe):
        from volex.ml.features import infer_timeframe

        found = infer_timeframe(stamps)
        raise UserInputError(f"{path}: its bars are {found} apart, not {timeframe} "
                             f"(import it with --timeframe {found})")
