"""What crosses the wire between local and remote agents that is not already a pydantic model.

Candles travel as rows of ``[epoch ms, open, high, low, close, volume]`` and are checked
where they arrive, in both directions: finite positive prices, low <= high, a volume that
is not negative, timestamps after 1990, not in the future, strictly increasing; a canonical
symbol and a known timeframe. Bad candles are refused with a one-line reason before any
agent decides on them, trains on them or stores them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from volex.domain.analysis import CandleSource
from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.domain.candles import CandleSet

__all__ = [
    "MAX_ROWS",
    "CandlesWire",
    "Exchange",
    "Symbol",
    "Timeframe",
    "candles_from_wire",
    "candles_to_wire",
    "canonical_symbol",
    "canonical_timeframe",
]

_COLUMNS = ["timestamp", "open", "high", "low", "close", "volume"]
MAX_ROWS = 50_000  # the most a training request needs (volex.ml.training.TRAINING_BARS)
_EARLIEST_MS = 631_152_000_000  # 1990-01-01: anything before is a unit or epoch mistake
_FUTURE_SLACK_MS = 86_400_000

_Price = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_Volume = Annotated[float, Field(ge=0, allow_inf_nan=False)]
_Stamp = Annotated[int, Field(ge=_EARLIEST_MS, strict=True)]
Row = tuple[_Stamp, _Price, _Price, _Price, _Price, _Volume]


def canonical_symbol(value: str) -> str:
    from volex.domain.symbols import normalize_symbol

    try:
        return normalize_symbol(value)
    except UserInputError as exc:
        raise ValueError(str(exc)) from exc  # the server answers with exc's class


def canonical_timeframe(value: str) -> str:
    from volex.domain.timeframes import normalize_timeframe

    try:
        return normalize_timeframe(value)
    except UserInputError as exc:
        raise ValueError(str(exc)) from exc  # the server answers with exc's class


Symbol = Annotated[str, Field(min_length=1, max_length=41)]
Timeframe = Annotated[str, Field(min_length=1, max_length=16)]
Exchange = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


class CandlesWire(BaseModel):
    """A CandleSet on the wire, refused unless every row is a plausible closed candle."""

    model_config = ConfigDict(extra="forbid")

    symbol: Symbol
    timeframe: Timeframe
    source: CandleSource
    notes: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=20)
    rows: list[Row] = Field(min_length=1, max_length=MAX_ROWS)

    _symbol = field_validator("symbol")(classmethod(lambda cls, v: canonical_symbol(v)))
    _timeframe = field_validator("timeframe")(classmethod(lambda cls, v: canonical_timeframe(v)))

    @model_validator(mode="after")
    def _plausible(self) -> CandlesWire:
        latest = int(time.time() * 1000) + _FUTURE_SLACK_MS
        previous = None
        for i, (stamp, _, high, low, _, _) in enumerate(self.rows):
            if previous is not None and stamp <= previous:
                raise ValueError(f"row {i}: timestamps must increase (row {i} is not after "
                                 f"row {i - 1})")
            if stamp > latest:
                raise ValueError(f"row {i}: timestamp {stamp} is in the future")
            if low > high:
                raise ValueError(f"row {i}: low {low} is above high {high}")
            previous = stamp
        return self


def candles_to_wire(candles: CandleSet) -> dict[str, Any]:
    """A CandleSet as JSON: rows of [epoch ms, open, high, low, close, volume]."""
    frame = candles.frame
    stamps = frame["timestamp"].astype("datetime64[ms, UTC]").astype("int64").tolist()
    values = frame[_COLUMNS[1:]].to_numpy().tolist()
    return {"symbol": candles.symbol, "timeframe": candles.timeframe,
            "source": candles.source.model_dump(mode="json"), "notes": candles.notes,
            "rows": [[t, *v] for t, v in zip(stamps, values, strict=True)]}


def candles_from_wire(data: dict[str, Any] | CandlesWire) -> CandleSet:
    """The CandleSet that ``candles_to_wire`` sent (checked; ValidationError when implausible)."""
    import pandas as pd

    from volex.domain.candles import CandleSet

    wire = data if isinstance(data, CandlesWire) else CandlesWire.model_validate(data)
    frame = pd.DataFrame(wire.rows, columns=_COLUMNS)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="ms", utc=True).astype("datetime64[ms, UTC]")
    frame = frame.astype({c: "float64" for c in _COLUMNS[1:]})
    return CandleSet(wire.symbol, wire.timeframe, frame, wire.source, list(wire.notes))
