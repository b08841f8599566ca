"""The signal agent over HTTP: decisions for viewers; training a model only for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from volex.agents.routes import Viewer, ViewerToken
from volex.agents.wire import CandlesWire, Symbol, Timeframe, candles_from_wire
from volex.auth import ApiToken, Role
from volex.domain.timeframes import normalize_timeframe

__all__ = ["BatchRequest", "DecideRequest", "router"]


class DecideRequest(BaseModel):
    candles: CandlesWire
    train: bool = False
    review: bool = True


class ScoreRequest(BaseModel):
    candles: CandlesWire


class BatchRequest(BaseModel):
    batch: list[CandlesWire] = Field(max_length=200)
    train: bool = False
    review: bool = True


def _may_train(token: ApiToken, train: bool) -> None:
    """Training overwrites the model trading uses: only an admin's request may do it."""
    if train and token.role < Role.admin:
        raise HTTPException(403, f"training a model needs an admin token; {token.name!r} is "
                                 f"only {token.role.name}")


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/signal", tags=["signal"])

    @api.get("/has_model")
    def has_model(symbol: Annotated[Symbol, Query()], timeframe: Annotated[Timeframe, Query()],
                  volex: Viewer) -> bool:
        return volex.runtime.signal.has_model(volex.symbol(symbol), normalize_timeframe(timeframe))

    @api.post("/decide")
    def decide(req: DecideRequest, volex: Viewer,
               token: ViewerToken) -> dict[str, Any]:
        _may_train(token, req.train)
        decision = volex.runtime.signal.decide(candles_from_wire(req.candles), train=req.train,
                                               review=req.review)
        return decision.model_dump(mode="json")

    @api.post("/decide_batch")
    def decide_batch(req: BatchRequest, volex: Viewer,
                     token: ViewerToken) -> list[dict[str, Any]]:
        _may_train(token, req.train)
        batch = [candles_from_wire(c) for c in req.batch]
        decisions = volex.runtime.signal.decide_batch(batch, train=req.train, review=req.review)
        return [d.model_dump(mode="json") for d in decisions]

    @api.get("/pending")
    def pending(volex: Viewer) -> list[tuple[str, str]]:
        return volex.runtime.signal.pending_markets()

    @api.post("/score")
    def score(req: ScoreRequest, volex: Viewer) -> int:
        return volex.runtime.signal.score_outcomes(candles_from_wire(req.candles))

    @api.get("/outcomes")
    def outcomes(volex: Viewer, timeframe: Timeframe | None = None) -> list[dict[str, Any]]:
        tf = normalize_timeframe(timeframe) if timeframe else None
        return [o.model_dump(mode="json") for o in volex.runtime.signal.outcomes(tf)]

    return api
