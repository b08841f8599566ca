"""Candles of one timeframe rolled up into a longer one (only complete bars are kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from volex.domain.timeframes import timeframe_ms

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["can_resample", "resample_candles"]


def can_resample(source_tf: str, target_tf: str) -> bool:
    src, dst = timeframe_ms(source_tf), timeframe_ms(target_tf)
    return dst >= src and dst % src == 0


def resample_candles(frame: pd.DataFrame, source_tf: str, target_tf: str) -> pd.DataFrame:
    """OHLCV bars of ``target_tf`` built from ``source_tf`` bars; partial bars are dropped."""
    if source_tf == target_tf:
        return frame
    per_bar = timeframe_ms(target_tf) // timeframe_ms(source_tf)
    rule = f"{timeframe_ms(target_tf) // 60_000}min"
    import pandas as pd

    # Weekly bars open on Mondays, as exchanges publish them; 1970-01-05 was a Monday.
    origin = pd.Timestamp("1970-01-05", tz="UTC") if target_tf == "1w" else "epoch"
    indexed = frame.set_index("timestamp")
    grouped = indexed.resample(rule, label="left", closed="left", origin=origin)
    out = grouped.agg({"open": "first", "high": "max", "low": "min", "close": "last",
                       "volume": "sum"})
    counts = grouped["close"].count()
    # A bar is complete when all its source bars are present or it is not the newest one
    # (exchange gaps inside history are real; a short newest bar is still forming).
    complete = counts >= per_bar
    complete.iloc[:-1] = counts.iloc[:-1] > 0
    return out[complete].dropna().reset_index()
