"""What crosses the wire between local and remote agents that is not already a pydantic model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from volex.domain.candles import CandleSet

__all__ = ["candles_from_wire", "candles_to_wire"]

_COLUMNS = ["timestamp", "open", "high", "low", "close", "volume"]


def candles_to_wire(candles: CandleSet) -> dict[str, Any]:
    """A CandleSet as JSON: rows of [epoch ms, open, high, low, close, volume]."""
    frame = candles.frame
    stamps = frame["timestamp"].astype("datetime64[ms, UTC]").astype("int64").tolist()
    values = frame[_COLUMNS[1:]].to_numpy().tolist()
    return {"symbol": candles.symbol, "timeframe": candles.timeframe,
            "source": candles.source.model_dump(mode="json"), "notes": candles.notes,
            "rows": [[t, *v] for t, v in zip(stamps, values, strict=True)]}


def candles_from_wire(data: dict[str, Any]) -> CandleSet:
    """The CandleSet that ``candles_to_wire`` sent."""
    import pandas as pd

    from volex.domain.analysis import CandleSource
    from volex.domain.candles import CandleSet

    frame = pd.DataFrame(data["rows"], columns=_COLUMNS)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="ms", utc=True).astype("datetime64[ms, UTC]")
    frame = frame.astype({c: "float64" for c in _COLUMNS[1:]})
    return CandleSet(data["symbol"], data["timeframe"], frame,
                     CandleSource.model_validate(data["source"]), list(data.get("notes", [])))
