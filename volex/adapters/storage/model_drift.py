"""The drift watch's one query: how a market's stored, scored trading calls turned out."""

from __future__ import annotations

from sqlalchemy import select

from volex.adapters.storage.db import Database
from volex.adapters.storage.signals import decisions

__all__ = ["scored_calls"]


def scored_calls(db: Database, symbol: str, timeframe: str, since_ms: int,
                 threshold: float) -> tuple[int, int]:
    """(calls, right): buy/sell decisions at or above ``threshold`` confidence, not vetoed,
    decided from ``since_ms`` on, whose horizon has passed (scored)."""
    c = decisions.c
    query = select(c.outcome_right).where(
        c.symbol == symbol, c.timeframe == timeframe, c.decided_ts >= since_ms,
        c.action.in_(("buy", "sell")), c.vetoed.is_(False), c.confidence >= threshold,
        c.outcome_right.is_not(None))
    with db.begin() as conn:
        outcomes = [bool(r) for (r,) in conn.execute(query)]
    return len(outcomes), sum(outcomes)
