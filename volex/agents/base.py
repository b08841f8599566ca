"""Agent interfaces. An agent is a local object or a remote HTTP client with the same methods.

Callers (the facade) cannot tell the two apart except by latency; the wire format is the
same pydantic models (see ``volex.agents.server`` and ``volex.agents.remote``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from volex.domain.analysis import Analysis
    from volex.domain.candles import CandleSet

__all__ = ["Research"]


@runtime_checkable
class Research(Protocol):
    """Market data and technical analysis."""

    def candles(self, symbol: str, timeframe: str, exchange: str, *, offline: bool = False,
                bars: int = 1000) -> CandleSet:
        """The newest ``bars`` closed candles from the best source available."""
        ...

    def analyze(self, symbol: str, timeframe: str, exchange: str, *,
                offline: bool = False) -> Analysis:
        """Indicators, readings and a technical verdict at the last closed bar."""
        ...
