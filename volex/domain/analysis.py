"""What `analyze` returns: typed, JSON-ready, identical for local and remote agents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "Analysis",
    "Bands",
    "CandleSource",
    "Indicators",
    "Macd",
    "MarketSummary",
    "Reading",
    "Stoch",
    "Verdict",
]

Action = Literal["buy", "sell", "hold"]


class CandleSource(BaseModel):
    """Where a set of candles came from and how fresh it is."""

    kind: Literal["exchange", "cache", "sample", "file"]
    name: str  # exchange id, file path or "bundled sample"
    first: datetime | None = None
    last: datetime | None = None
    bars: int = 0
    note: str | None = None  # e.g. "binance unreachable (timeout); using cached candles"

    def describe(self) -> str:
        what = {
            "exchange": f"live from {self.name}",
            "cache": f"cached candles from {self.name}",
            "sample": "the bundled sample of real Binance candles",
            "file": f"file {self.name}",
        }[self.kind]
        if not self.last:
            return what
        age = "" if self.kind == "exchange" else f" ({_age(self.last)} old)"
        return f"{what}, {self.bars} bars, last bar {self.last:%Y-%m-%d %H:%M} UTC{age}"


def _age(last: datetime) -> str:
    """How old data is, in the unit a person would use (offline data can be months old)."""
    from datetime import UTC

    days = (datetime.now(UTC) - last).total_seconds() / 86_400
    if days >= 60:
        return f"{days / 30.44:.0f} months"
    if days >= 2:
        return f"{days:.0f} days"
    return f"{max(days * 24, 0):.0f} hours"


class Macd(BaseModel):
    macd: float | None = None
    signal: float | None = None
    hist: float | None = None


class Bands(BaseModel):
    upper: float | None = None
    middle: float | None = None
    lower: float | None = None


class Stoch(BaseModel):
    k: float | None = None
    d: float | None = None


class Indicators(BaseModel):
    """Indicator values at the last closed bar; None where there are too few bars."""

    rsi_14: float | None = None
    macd: Macd = Macd()
    bbands: Bands = Bands()
    stoch: Stoch = Stoch()
    atr_14: float | None = None
    ema_20: float | None = None
    ema_50: float | None = None
    ema_200: float | None = None
    adx_14: float | None = None
    obv: float | None = None
    vwap: float | None = None


class Reading(BaseModel):
    """One indicator read in plain words, with its vote (-1 bearish .. +1 bullish)."""

    indicator: str
    value: str
    meaning: str
    vote: float = 0.0


class Verdict(BaseModel):
    action: Action
    score: float = Field(ge=-1, le=1)
    reasons: list[str]


class MarketSummary(BaseModel):
    last_close: float
    change_pct_24h: float | None = None
    change_pct_7d: float | None = None
    high_24h: float | None = None
    low_24h: float | None = None
    volume_24h: float | None = None
    volume_quote_24h: float | None = None


class Analysis(BaseModel):
    symbol: str
    timeframe: str
    as_of: datetime
    source: CandleSource
    market: MarketSummary
    indicators: Indicators
    readings: list[Reading]
    verdict: Verdict
    notes: list[str] = []

    @property
    def last_close(self) -> float:
        return self.market.last_close

    def to_json_dict(self) -> dict:
        """The documented JSON shape of `volex analyze --json`."""
        out = self.model_dump(mode="json", exclude={"readings"})
        out["source"] = self.source.kind
        out["source_detail"] = self.source.model_dump(mode="json")
        out["last_close"] = self.market.last_close
        out["change_pct_24h"] = self.market.change_pct_24h
        out["readings"] = [r.model_dump() for r in self.readings]
        return out
