"""Agents as HTTP services: a FastAPI app serving one machine's agents to other machines.

The wire format is the agents' own pydantic models (candles travel as rows, see
``volex.agents.wire``). A VolexError travels as ``{"error": <class name>, "message": ...}``
with a 4xx/5xx status, and the remote client raises the same class again, so callers see
the same errors as with local agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from volex import errors
from volex.agents.wire import candles_from_wire, candles_to_wire

if TYPE_CHECKING:
    from fastapi import FastAPI

    from volex.facade import Volex

__all__ = ["AnalyzeRequest", "BatchRequest", "CandlesRequest", "DecideRequest", "create_app"]


class AnalyzeRequest(BaseModel):
    symbol: str
    timeframe: str
    exchange: str
    offline: bool = False


class CandlesRequest(AnalyzeRequest):
    bars: int = 1000


class DecideRequest(BaseModel):
    candles: dict[str, Any]
    train: bool = False
    review: bool = True


class BatchRequest(BaseModel):
    batch: list[dict[str, Any]]
    train: bool = False
    review: bool = True


def _status(exc: errors.VolexError) -> int:
    if isinstance(exc, errors.UserInputError):
        return 400
    if isinstance(exc, errors.TradingHalted | errors.RiskRejected):
        return 409
    if isinstance(exc, errors.NetworkError | errors.DataUnavailable):
        return 503
    return 500


def create_app(volex: Volex) -> FastAPI:
    """The HTTP face of this process's agents: research and signal."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI(title="Volex agents", version=__import__("volex").__version__)
    runtime = volex.runtime

    @app.exception_handler(errors.VolexError)
    async def volex_error(_: Request, exc: errors.VolexError) -> JSONResponse:
        return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=_status(exc))

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "agents": ["research", "signal"], "version": app.version}

    @app.post("/v1/research/analyze")
    def analyze(req: AnalyzeRequest) -> dict[str, Any]:
        result = runtime.research.analyze(req.symbol, req.timeframe, req.exchange, offline=req.offline)
        return result.model_dump(mode="json")

    @app.post("/v1/research/candles")
    def candles(req: CandlesRequest) -> dict[str, Any]:
        found = runtime.research.candles(req.symbol, req.timeframe, req.exchange,
                                         offline=req.offline, bars=req.bars)
        return candles_to_wire(found)

    @app.get("/v1/signal/has_model")
    def has_model(symbol: str, timeframe: str) -> bool:
        return runtime.signal.has_model(symbol, timeframe)

    @app.post("/v1/signal/decide_batch")
    def decide_batch(req: BatchRequest) -> list[dict[str, Any]]:
        batch = [candles_from_wire(c) for c in req.batch]
        decisions = runtime.signal.decide_batch(batch, train=req.train, review=req.review)
        return [d.model_dump(mode="json") for d in decisions]

    @app.post("/v1/signal/decide")
    def decide(req: DecideRequest) -> dict[str, Any]:
        decision = runtime.signal.decide(candles_from_wire(req.candles), train=req.train,
                                         review=req.review)
        return decision.model_dump(mode="json")

    @app.get("/v1/signal/pending")
    def pending() -> list[tuple[str, str]]:
        return runtime.signal.pending_markets()

    @app.post("/v1/signal/score")
    def score(req: DecideRequest) -> int:
        return runtime.signal.score_outcomes(candles_from_wire(req.candles))

    @app.get("/v1/signal/outcomes")
    def outcomes(timeframe: str | None = None) -> list[dict[str, Any]]:
        return [o.model_dump(mode="json") for o in runtime.signal.outcomes(timeframe)]

    return app
