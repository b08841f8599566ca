"""A set of candles and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from volex.domain.analysis import CandleSource

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CachedSeries", "CandleSet"]


@dataclass
class CandleSet:
    """Closed candles (timestamp = bar open, UTC) for one symbol and timeframe."""

    symbol: str
    timeframe: str
    frame: pd.DataFrame
    source: CandleSource
    notes: list[str] = field(default_factory=list)

    @property
    def last_close(self) -> float:
        return float(self.frame["close"].iloc[-1])


@dataclass(frozen=True)
class CachedSeries:
    """One cached series: its range, size and the gaps in it (runs of missing bars)."""

    exchange: str
    symbol: str
    timeframe: str
    first_ts: int
    last_ts: int
    bars: int
    gaps: list[tuple[int, int]]  # (first missing bar, last missing bar), epoch ms

    @property
    def missing_bars(self) -> int:
        return sum(self._bars_between(a, b) for a, b in self.gaps)

    def _bars_between(self, first: int, last: int) -> int:
        from volex.domain.timeframes import timeframe_ms

        return (last - first) // timeframe_ms(self.timeframe) + 1
