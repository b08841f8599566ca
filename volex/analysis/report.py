"""From candles to an Analysis: market summary, indicators, readings and verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from volex.analysis.indicators import compute_indicators, indicators_at
from volex.analysis.verdict import read_indicators, technical_verdict
from volex.domain.analysis import Analysis, MarketSummary
from volex.domain.timeframes import timeframe_ms, utc_from_ms

if TYPE_CHECKING:
    from volex.domain.candles import CandleSet

__all__ = ["analyze_candles", "market_summary"]

_DAY_MS = 86_400_000


def _change(close, bars_back: int) -> float | None:
    if bars_back < 1 or len(close) <= bars_back:
        return None
    before = close[-1 - bars_back]
    return round((close[-1] / before - 1) * 100, 4) if before else None


def market_summary(candles: CandleSet) -> MarketSummary:
    """Last close, 24h/7d change, 24h high/low/volume (None where the timeframe is too coarse)."""
    columns = candles.columns
    close = columns["close"]
    step = timeframe_ms(candles.timeframe)
    per_day = _DAY_MS // step if step <= _DAY_MS else 0
    day = {name: values[-per_day:] for name, values in columns.items()} if per_day else None
    return MarketSummary(
        last_close=float(close[-1]),
        change_pct_24h=_change(close, per_day),
        change_pct_7d=_change(close, per_day * 7) if per_day else _change(close, 1) if candles.timeframe == "1w" else None,
        high_24h=float(day["high"].max()) if day else None,
        low_24h=float(day["low"].min()) if day else None,
        volume_24h=float(day["volume"].sum()) if day else None,
        volume_quote_24h=float((day["volume"] * day["close"]).sum()) if day else None,
    )


def analyze_candles(candles: CandleSet) -> Analysis:
    """The technical analysis of the last closed bar of ``candles``."""
    columns = candles.columns
    series = compute_indicators(columns)
    indicators = indicators_at(series)
    close = candles.last_close
    readings = read_indicators(indicators, close)
    notes = list(candles.notes)
    if len(candles) < 200:
        notes.append(f"only {len(candles)} bars: indicators needing more history are null")
    return Analysis(
        symbol=candles.symbol,
        timeframe=candles.timeframe,
        as_of=utc_from_ms(columns["timestamp"][-1]),
        source=candles.source,
        market=market_summary(candles),
        indicators=indicators,
        readings=readings,
        verdict=technical_verdict(readings, indicators.adx_14),
        notes=notes,
    )
