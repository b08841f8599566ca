"""A set of candles and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from volex.domain.analysis import CandleSource

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CandleSet"]


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
