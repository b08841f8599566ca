"""The research agent over HTTP: candles and analysis (viewer), fetching into the cache (trader)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from volex.agents.routes import Trader, Viewer
from volex.agents.wire import (
    MAX_ROWS,
    Exchange,
    Symbol,
    Timeframe,
    candles_to_wire,
    canonical_symbol,
    canonical_timeframe,
)

__all__ = ["AnalyzeRequest", "CandlesRequest", "FetchRequest", "router"]


class AnalyzeRequest(BaseModel):
    symbol: Symbol
    timeframe: Timeframe
    exchange: Exchange
    offline: bool = False

    _symbol = field_validator("symbol")(classmethod(lambda cls, v: canonical_symbol(v)))
    _timeframe = field_validator("timeframe")(classmethod(lambda cls, v: canonical_timeframe(v)))


class CandlesRequest(AnalyzeRequest):
    bars: int = Field(1000, ge=1, le=MAX_ROWS)


class FetchRequest(AnalyzeRequest):
    since_ms: int | None = Field(None, ge=631_152_000_000)
    bars: int = Field(1000, ge=1, le=MAX_ROWS)


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/research", tags=["research"])

    @api.post("/analyze")
    def analyze(req: AnalyzeRequest, volex: Viewer) -> dict[str, Any]:
        result = volex.runtime.research.analyze(req.symbol, req.timeframe, req.exchange,
                                                offline=req.offline)
        return result.model_dump(mode="json")

    @api.post("/candles")
    def candles(req: CandlesRequest, volex: Viewer) -> dict[str, Any]:
        found = volex.runtime.research.candles(req.symbol, req.timeframe, req.exchange,
                                               offline=req.offline, bars=req.bars)
        return candles_to_wire(found)

    @api.post("/fetch")
    def fetch(req: FetchRequest, volex: Trader) -> dict[str, Any]:
        """Download what the cache lacks (it writes to the store: a trader's job)."""
        market, rows = volex.runtime.research.fetch(req.symbol, req.timeframe, req.exchange,
                                                    since_ms=req.since_ms, bars=req.bars)
        volex.runtime.store.audit.record(volex.actor, "data.fetch", market,
                                         details={"timeframe": req.timeframe, "rows": rows,
                                                  "exchange": req.exchange})
        return {"market": market, "rows": rows}

    return api
