"""Repositories opened only when the store may hold what is asked for.

Most offline commands ask for a series nobody cached (and then use the bundled sample), or
for the sentiment of a store that never fetched news: for a SQLite store one indexed look-up
through sqlite3 says so, and SQLAlchemy (about a fifth of `volex analyze --offline`) is never
loaded. Anything else goes to the real repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from volex.adapters.storage.ledger import sqlite_path

if TYPE_CHECKING:
    import pandas as pd

    from volex.adapters.storage.candles import CandleRepo
    from volex.adapters.storage.news import NewsRepo
    from volex.domain.news import FearGreed

__all__ = ["LazyCandleRepo", "LazyNewsRepo"]

_CANDLES = ("SELECT 1 FROM candles WHERE exchange = :exchange AND symbol = :symbol "
            "AND timeframe = :timeframe LIMIT 1")
_NEWS = "SELECT 1 FROM news_items LIMIT 1"
_FEAR_GREED = "SELECT 1 FROM news_fear_greed LIMIT 1"


class _Lazy:
    def __init__(self, url: str, repo: Callable[[], Any]) -> None:
        self._path = sqlite_path(url)
        self._repo = repo

    def __getattr__(self, name: str) -> Any:  # everything else: the real repository
        return getattr(self._repo(), name)

    def _holds_none(self, sql: str, params: dict[str, Any] | None = None) -> bool:
        """True only when the SQLite store certainly has no row that ``sql`` looks for."""
        if self._path is None:
            return False
        if not os.path.exists(self._path):
            return True
        import sqlite3

        try:
            conn = sqlite3.connect(self._path, timeout=10.0)
            try:
                row = conn.execute(sql, params or {}).fetchone()
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            # a store made before the table existed holds none of its rows; anything else
            # (locked, damaged) is the real repository's to read and report
            return str(exc).startswith("no such table")
        except sqlite3.Error:
            return False
        return row is None


class LazyCandleRepo(_Lazy):
    """A ``CandleRepo`` that first asks a SQLite store whether it holds the series at all."""

    _repo: Callable[[], CandleRepo]

    def load(self, exchange: str, symbol: str, timeframe: str, since_ms: int | None = None,
             until_ms: int | None = None, limit: int | None = None) -> pd.DataFrame:
        if self._holds_none(_CANDLES, _series(exchange, symbol, timeframe)):
            return _no_candles()
        return self._repo().load(exchange, symbol, timeframe, since_ms, until_ms, limit)

    def last_ts(self, exchange: str, symbol: str, timeframe: str) -> int | None:
        if self._holds_none(_CANDLES, _series(exchange, symbol, timeframe)):
            return None
        return self._repo().last_ts(exchange, symbol, timeframe)


class LazyNewsRepo(_Lazy):
    """A ``NewsRepo`` whose sentiment reads skip a SQLite store that never kept any news."""

    _repo: Callable[[], NewsRepo]

    def scores(self, *, as_of: datetime, since: datetime,
               asset: str | None = None) -> list[tuple[int, int, float]]:
        if self._holds_none(_NEWS):
            return []
        return self._repo().scores(as_of=as_of, since=since, asset=asset)

    def fear_greed(self, as_of: datetime) -> FearGreed | None:
        if self._holds_none(_FEAR_GREED):
            return None
        return self._repo().fear_greed(as_of)


def _series(exchange: str, symbol: str, timeframe: str) -> dict[str, str]:
    return {"exchange": exchange, "symbol": symbol, "timeframe": timeframe}


def _no_candles() -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype="float64")
                          for c in ("timestamp", "open", "high", "low", "close", "volume")})
    frame["timestamp"] = frame["timestamp"].astype("datetime64[ms, UTC]")
    return frame
