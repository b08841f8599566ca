"""Timeframes as ccxt spells them, and their lengths."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from volex.errors import UnknownTimeframe

__all__ = ["TIMEFRAMES", "normalize_timeframe", "timeframe_ms"]

_UNIT_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
TIMEFRAMES: tuple[str, ...] = ("1m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "1w")
_SPELLED = re.compile(r"^(\d+)\s*(m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|week|weeks)$")


def normalize_timeframe(text: str) -> str:
    """'1H', '4 hours', '1day', '15M' -> ccxt timeframe; raise UnknownTimeframe otherwise."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered in TIMEFRAMES:
        return lowered
    match = _SPELLED.match(lowered)
    if match:
        candidate = f"{match.group(1)}{match.group(2)[0]}"
        if candidate in TIMEFRAMES:
            return candidate
    raise UnknownTimeframe(f"unknown timeframe {text!r}; use one of {', '.join(TIMEFRAMES)}")


def timeframe_ms(timeframe: str) -> int:
    tf = normalize_timeframe(timeframe)
    return int(tf[:-1]) * _UNIT_MS[tf[-1]]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_from_ms(ms: int) -> datetime:
    """Epoch milliseconds (a bar's timestamp) as an aware UTC datetime."""
    return _EPOCH + timedelta(milliseconds=int(ms))
