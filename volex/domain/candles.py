"""A set of candles and where they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from volex.domain.analysis import CandleSource

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["CANDLE_VALUES", "CachedSeries", "CandleSet", "columns_to_frame", "frame_timestamps_ms",
           "frame_to_columns"]

CANDLE_VALUES = ("open", "high", "low", "close", "volume")


class CandleSet:
    """Closed candles (timestamp = bar open, UTC) for one symbol and timeframe.

    Held as a pandas frame, or as numpy columns (``timestamp`` in epoch milliseconds, the rest
    float64) straight from a file reader; the other form is made when it is first asked for,
    so a numpy-only path (a backtest of a CSV file) never imports pandas.
    """

    def __init__(self, symbol: str, timeframe: str, frame: pd.DataFrame | None,
                 source: CandleSource, notes: list[str] | None = None, *,
                 columns: Mapping[str, np.ndarray] | None = None) -> None:
        if (frame is None) == (columns is None):
            raise TypeError("a CandleSet holds either a frame or columns")
        self.symbol, self.timeframe, self.source = symbol, timeframe, source
        self.notes = [] if notes is None else notes
        self._frame, self._columns = frame, None if columns is None else dict(columns)

    @classmethod
    def from_columns(cls, symbol: str, timeframe: str, columns: Mapping[str, np.ndarray],
                     source: CandleSource, notes: list[str] | None = None) -> CandleSet:
        return cls(symbol, timeframe, None, source, notes, columns=columns)

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = columns_to_frame(self._columns)  # type: ignore[arg-type]
        return self._frame

    @frame.setter
    def frame(self, frame: pd.DataFrame) -> None:
        self._frame, self._columns = frame, None

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """The candles as contiguous arrays: ``timestamp`` int64 epoch ms, the rest float64."""
        if self._columns is None:
            self._columns = frame_to_columns(self._frame)  # type: ignore[arg-type]
        return self._columns

    def __len__(self) -> int:
        return len(self._columns["timestamp"]) if self._columns is not None else len(self._frame)

    @property
    def last_close(self) -> float:
        if self._columns is not None:
            return float(self._columns["close"][-1])
        return float(self.frame["close"].iloc[-1])

    def __repr__(self) -> str:
        return (f"CandleSet({self.symbol!r}, {self.timeframe!r}, {len(self)} bars, "
                f"{self.source.kind})")


def frame_to_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """A candle frame's columns as contiguous arrays (``timestamp`` as int64 epoch ms)."""
    import numpy as np

    out = {"timestamp": np.ascontiguousarray(frame_timestamps_ms(frame), dtype=np.int64)}
    for column in CANDLE_VALUES:
        out[column] = np.ascontiguousarray(frame[column], dtype=np.float64)
    return out


def frame_timestamps_ms(frame: pd.DataFrame) -> np.ndarray:
    """A candle frame's ``timestamp`` column as int64 epoch milliseconds."""
    import numpy as np

    stamps = frame["timestamp"]
    if not hasattr(stamps, "dt"):  # epoch numbers already
        return np.asarray(stamps, dtype=np.int64)
    if getattr(stamps.dtype, "unit", None) != "ms":
        stamps = stamps.dt.as_unit("ms")
    return np.asarray(stamps.array.asi8, dtype=np.int64)


def columns_to_frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The frame ``normalize_candles`` makes: UTC millisecond timestamps, float64 values."""
    import pandas as pd

    stamps = pd.Series(columns["timestamp"].astype("datetime64[ms]")).dt.tz_localize("UTC")
    return pd.DataFrame({"timestamp": stamps,
                         **{c: pd.Series(columns[c], dtype="float64") for c in CANDLE_VALUES}})


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
