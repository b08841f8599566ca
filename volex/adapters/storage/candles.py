"""Cached candles: upserted (overlapping fetches never duplicate), loaded, summarised."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select

from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.tables import candles as table
from volex.domain.candles import CachedSeries

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CandleRepo", "upsert"]


def upsert(conn, values: list[dict], conflict_cols: list[str], update_cols: list[str], tbl) -> None:
    """INSERT ... ON CONFLICT DO UPDATE on SQLite and PostgreSQL alike."""
    if not values:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(tbl)
    stmt = stmt.on_conflict_do_update(index_elements=conflict_cols,
                                      set_={c: stmt.excluded[c] for c in update_cols})
    for start in range(0, len(values), 5000):
        conn.execute(stmt, values[start:start + 5000])


class CandleRepo(SqlRepository):
    """Implements ``volex.ports.CandleCache``."""

    def save(self, exchange: str, symbol: str, timeframe: str, frame: pd.DataFrame) -> int:
        """Upsert ``frame`` (timestamp, open, high, low, close, volume); returns rows written."""
        ts = frame["timestamp"].astype("int64").to_numpy()
        if frame["timestamp"].dtype != "int64":
            ts = frame["timestamp"].dt.as_unit("ms").astype("int64").to_numpy()
        cols = [frame[c].to_numpy(dtype=float) for c in ("open", "high", "low", "close", "volume")]
        rows = [
            {"exchange": exchange, "symbol": symbol, "timeframe": timeframe, "ts": int(t),
             "open": o, "high": h, "low": lo, "close": c, "volume": v}
            for t, o, h, lo, c, v in zip(ts, *cols, strict=True)
        ]
        with self.begin() as conn:
            upsert(conn, rows, ["exchange", "symbol", "timeframe", "ts"],
                   ["open", "high", "low", "close", "volume"], table)
        return len(rows)

    def load(self, exchange: str, symbol: str, timeframe: str, since_ms: int | None = None,
             until_ms: int | None = None, limit: int | None = None) -> pd.DataFrame:
        """Cached candles in time order (the newest ``limit`` when a limit is given)."""
        import pandas as pd

        cond = [table.c.exchange == exchange, table.c.symbol == symbol, table.c.timeframe == timeframe]
        if since_ms is not None:
            cond.append(table.c.ts >= since_ms)
        if until_ms is not None:
            cond.append(table.c.ts <= until_ms)
        query = select(table.c.ts, table.c.open, table.c.high, table.c.low, table.c.close,
                       table.c.volume).where(and_(*cond)).order_by(table.c.ts.desc())
        if limit:
            query = query.limit(limit)
        with self.begin() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows[::-1], columns=["timestamp", "open", "high", "low", "close", "volume"])
        frame["timestamp"] = pd.to_datetime(frame["timestamp"].astype("int64"), unit="ms", utc=True)
        frame["timestamp"] = frame["timestamp"].astype("datetime64[ms, UTC]")
        return frame.astype({c: "float64" for c in ("open", "high", "low", "close", "volume")})

    def last_ts(self, exchange: str, symbol: str, timeframe: str) -> int | None:
        with self.begin() as conn:
            return conn.execute(select(func.max(table.c.ts)).where(
                table.c.exchange == exchange, table.c.symbol == symbol,
                table.c.timeframe == timeframe)).scalar()

    def series(self) -> list[CachedSeries]:
        """Every cached series with its range and gaps."""
        from volex.domain.timeframes import timeframe_ms

        with self.begin() as conn:
            keys = conn.execute(select(table.c.exchange, table.c.symbol, table.c.timeframe)
                                .distinct().order_by(table.c.exchange, table.c.symbol,
                                                     table.c.timeframe)).all()
            out = []
            for exchange, symbol, timeframe in keys:
                stamps = conn.execute(select(table.c.ts).where(
                    table.c.exchange == exchange, table.c.symbol == symbol,
                    table.c.timeframe == timeframe).order_by(table.c.ts)).scalars().all()
                step = timeframe_ms(timeframe)
                gaps = [(a + step, b - step) for a, b in pairwise(stamps) if b - a > step]
                out.append(CachedSeries(exchange, symbol, timeframe, stamps[0], stamps[-1],
                                        len(stamps), gaps))
        return out
