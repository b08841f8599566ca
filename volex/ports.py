"""Ports: the interfaces agents use to reach the outside world. Adapters implement them.

Agents receive ports in their constructors (bootstrap wires them) and never import adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MarketData", "EventBus", "Cache", "SecretStore"]


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


@runtime_checkable
class EventBus(Protocol):
    """Publish/subscribe for events (signals, decisions, orders, fills, alerts, halt).

    ``durable`` topics (halt, orders) must reach a consumer that was down when they were
    published (Redis Streams); others are fire-and-forget.
    """

    def publish(self, topic: str, event: dict) -> None: ...

    def subscribe(self, topic: str, handler: Callable[[dict], None]) -> Callable[[], None]:
        """Call ``handler`` for each new event on ``topic``; returns an unsubscribe function."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class Cache(Protocol):
    """A key-value cache with time-to-live (market data, tickers)."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_s: float) -> None: ...


@runtime_checkable
class SecretStore(Protocol):
    """Named secrets (e.g. ``binance`` -> {api_key, secret[, password]}); values never logged."""

    backend: str

    def get(self, name: str) -> dict[str, str] | None: ...

    def set(self, name: str, values: dict[str, str]) -> None: ...

    def delete(self, name: str) -> bool: ...

    def names(self) -> list[str]: ...
