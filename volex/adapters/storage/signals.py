"""Decisions (with their inputs, for later scoring) and the latest signal per market.

The tables are created by the Alembic revision 0003 (``migrations/versions/0003_signals.py``).
Times are UTC epoch milliseconds; the full Decision and its inputs are stored as JSON so a
decision can be replayed and its outcome scored once its horizon has passed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    case,
    func,
    insert,
    select,
    update,
)

from volex.adapters.storage.candles import upsert
from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import metadata
from volex.domain.signals import Decision, Signal, SignalOutcomes

__all__ = ["SignalRepo", "decisions", "signals"]

decisions = Table(
    "decisions", metadata,
    Column("id", String(32), primary_key=True),
    Column("symbol", String(32), nullable=False),
    Column("timeframe", String(8), nullable=False),
    Column("as_of_ts", BigInteger, nullable=False),
    Column("decided_ts", BigInteger, nullable=False),
    Column("action", String(4), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("vetoed", Boolean, nullable=False),
    Column("last_close", Float, nullable=False),
    Column("horizon", Integer),
    Column("inputs_digest", String(64), nullable=False),
    Column("inputs", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("actor", String(32)),
    # Filled in once ``horizon`` bars have closed after ``as_of``.
    Column("outcome_return", Float),
    Column("outcome_right", Boolean),
    Column("scored_ts", BigInteger),
    Index("ix_decisions_market", "symbol", "timeframe", "decided_ts"),
)

# The newest signal of each market: what `volex signals` and the dashboard show first.
signals = Table(
    "signals", metadata,
    Column("symbol", String(32), primary_key=True),
    Column("timeframe", String(8), primary_key=True),
    Column("as_of_ts", BigInteger, nullable=False),
    Column("action", String(4), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("decision_id", String(32), nullable=False),
    Column("signal", Text, nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class SignalRepo:
    """Stores decisions and signals; one transaction per batch."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, batch: Iterable[Decision], actor: str | None = None) -> int:
        """Store each decision with its inputs and make it the market's latest signal."""
        now = int(time.time() * 1000)
        rows, latest = [], []
        for decision in batch:
            model = decision.inputs.model
            rows.append({
                "id": decision.id, "symbol": decision.symbol, "timeframe": decision.timeframe,
                "as_of_ts": _ms(decision.as_of), "decided_ts": _ms(decision.decided_at),
                "action": decision.action, "confidence": decision.confidence,
                "vetoed": decision.vetoed, "last_close": decision.inputs.market.last_close,
                "horizon": model.horizon if model else None,
                "inputs_digest": decision.inputs_digest,
                "inputs": decision.inputs.model_dump_json(),
                "decision": decision.model_dump_json(exclude={"inputs"}), "actor": actor})
            latest.append({
                "symbol": decision.symbol, "timeframe": decision.timeframe,
                "as_of_ts": _ms(decision.as_of), "action": decision.action,
                "confidence": decision.confidence, "decision_id": decision.id,
                "signal": decision.to_signal().model_dump_json(), "updated_ts": now})
        if not rows:
            return 0
        with self.db.begin() as conn:
            conn.execute(insert(decisions), rows)
            upsert(conn, latest, ["symbol", "timeframe"],
                   ["as_of_ts", "action", "confidence", "decision_id", "signal", "updated_ts"],
                   signals)
        return len(rows)

    def get(self, decision_id: str) -> Decision | None:
        with self.db.begin() as conn:
            row = conn.execute(select(decisions).where(decisions.c.id == decision_id)
                               ).mappings().first()
        return _decision(row) if row else None

    def history(self, symbol: str | None = None, timeframe: str | None = None,
                limit: int = 100) -> list[Decision]:
        """The newest decisions first."""
        query = select(decisions).order_by(decisions.c.decided_ts.desc()).limit(limit)
        if symbol:
            query = query.where(decisions.c.symbol == symbol)
        if timeframe:
            query = query.where(decisions.c.timeframe == timeframe)
        with self.db.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [_decision(r) for r in rows]

    def latest(self, timeframe: str | None = None) -> list[Signal]:
        """The newest signal of every market, by symbol."""
        query = select(signals.c.signal).order_by(signals.c.symbol)
        if timeframe:
            query = query.where(signals.c.timeframe == timeframe)
        with self.db.begin() as conn:
            raw = conn.execute(query).scalars().all()
        return [Signal.model_validate_json(r) for r in raw]

    def unscored(self, symbol: str, timeframe: str) -> list[dict]:
        """Decisions of a market whose outcome is not scored yet (id, as_of_ts, close, horizon)."""
        query = (select(decisions.c.id, decisions.c.as_of_ts, decisions.c.last_close,
                        decisions.c.horizon, decisions.c.action)
                 .where(decisions.c.symbol == symbol, decisions.c.timeframe == timeframe,
                        decisions.c.scored_ts.is_(None), decisions.c.horizon.is_not(None)))
        with self.db.begin() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def pending_markets(self) -> list[tuple[str, str]]:
        """Markets (symbol, timeframe) with decisions whose outcome is not scored yet."""
        query = (select(decisions.c.symbol, decisions.c.timeframe).distinct()
                 .where(decisions.c.scored_ts.is_(None), decisions.c.horizon.is_not(None))
                 .order_by(decisions.c.symbol, decisions.c.timeframe))
        with self.db.begin() as conn:
            return [(r.symbol, r.timeframe) for r in conn.execute(query)]

    def outcomes(self, timeframe: str | None = None) -> list[SignalOutcomes]:
        """Per market: decisions made, scored, and how the buy/sell calls turned out."""
        direction = case((decisions.c.action == "sell", -1.0), else_=1.0)
        is_call = decisions.c.action.in_(("buy", "sell")) & decisions.c.scored_ts.is_not(None)
        query = (select(
            decisions.c.symbol, decisions.c.timeframe,
            func.count().label("decisions"),
            func.count(decisions.c.scored_ts).label("scored"),
            func.sum(case((is_call, 1), else_=0)).label("calls"),
            func.sum(case((is_call & decisions.c.outcome_right, 1), else_=0)).label("right"),
            func.avg(case((is_call, decisions.c.outcome_return * direction))).label("mean"))
            .group_by(decisions.c.symbol, decisions.c.timeframe)
            .order_by(decisions.c.symbol, decisions.c.timeframe))
        if timeframe:
            query = query.where(decisions.c.timeframe == timeframe)
        with self.db.begin() as conn:
            rows = conn.execute(query).all()
        return [SignalOutcomes(symbol=r.symbol, timeframe=r.timeframe, decisions=r.decisions,
                               scored=r.scored, calls=r.calls or 0, right=r.right or 0,
                               mean_return_pct=None if r.mean is None else round(r.mean * 100, 4))
                for r in rows]

    def record_outcome(self, decision_id: str, forward_return: float, right: bool | None) -> None:
        with self.db.begin() as conn:
            conn.execute(update(decisions).where(decisions.c.id == decision_id).values(
                outcome_return=forward_return, outcome_right=right,
                scored_ts=int(time.time() * 1000)))


def _decision(row: object) -> Decision:
    values = dict(row)  # type: ignore[call-overload]
    data = json.loads(values["decision"])
    data["inputs"] = json.loads(values["inputs"])
    return Decision.model_validate(data)
