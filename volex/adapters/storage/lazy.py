"""The candle cache, opened only when it may hold the series asked for.

Most offline commands ask for a series nobody cached and then use the bundled sample: for a
SQLite store one indexed look-up through sqlite3 says so, and SQLAlchemy (about a sixth of
`volex analyze --offline`) is never loaded. Anything else goes to the real ``CandleRepo``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from volex.adapters.storage.ledger import sqlite_path

if TYPE_CHECKING:
    import pandas as pd

    from volex.adapters.storage.candles import CandleRepo

__all__ = ["LazyCandleRepo"]

_PROBE = ("SELECT 1 FROM candles WHERE exchange = :exchange AND symbol = :symbol "
          "AND timeframe = :timeframe LIMIT 1")


class LazyCandleRepo:
    """A ``CandleRepo`` that first asks a SQLite store whether it holds the series at all."""

    def __init__(self, url: str, repo: Callable[[], CandleRepo]) -> None:
        self._path = sqlite_path(url)
        self._repo = repo

    def load(self, exchange: str, symbol: str, timeframe: str, since_ms: int | None = None,
             until_ms: int | None = None, limit: int | None = None) -> pd.DataFrame:
        if self._holds_none(exchange, symbol, timeframe):
            return _no_candles()
        return self._repo().load(exchange, symbol, timeframe, since_ms, until_ms, limit)

    def last_ts(self, exchange: str, symbol: str, timeframe: str) -> int | None:
        if self._holds_none(exchange, symbol, timeframe):
            return None
        return self._repo().last_ts(exchange, symbol, timeframe)

    def __getattr__(self, name: str) -> Any:  # save, series...: the real repository
        return getattr(self._repo(), name)

    def _holds_none(self, exchange: str, symbol: str, timeframe: str) -> bool:
        """True only when the SQLite store certainly has no candle of the series."""
        if self._path is None:
            return False
        if not os.path.exists(self._path):
            return True
        import sqlite3

        try:
            conn = sqlite3.connect(self._path, timeout=10.0)
            try:
                row = conn.execute(_PROBE, {"exchange": exchange, "symbol": symbol,
                                            "timeframe": timeframe}).fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return False  # let the real repository read (and report) it
        return row is None


def _no_candles() -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype="float64")
                          for c in ("timestamp", "open", "high", "low", "close", "volume")})
    frame["timestamp"] = frame["timestamp"].astype("datetime64[ms, UTC]")
    return frame
