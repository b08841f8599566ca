"""Ports: the interfaces agents use to reach the outside world. Adapters implement them.

Agents receive ports in their constructors (bootstrap wires them) and never import adapters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MarketData"]


@runtime_checkable
class MarketData(Protocol):
    """A venue's public market data (candles and markets)."""

    name: str

    def markets(self) -> set[str]:
        """Symbols the venue lists, as ``BASE/QUOTE``."""
        ...

    def fetch_candles(self, symbol: str, timeframe: str, since_ms: int | None = None,
                      limit: int | None = None) -> pd.DataFrame:
        """Candles from ``since_ms`` on (the newest ``limit`` when since is None)."""
        ...
