"""Agents as HTTP services: a FastAPI app serving one machine's agents to other machines.

The wire format is the agents' own pydantic models. A VolexError travels as
``{"error": <class name>, "message": ...}`` with a 4xx/5xx status, and the remote client
raises the same class again, so callers see the same errors as with local agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from volex import errors

if TYPE_CHECKING:
    from fastapi import FastAPI

    from volex.facade import Volex

__all__ = ["create_app", "candles_to_wire", "AnalyzeRequest", "CandlesRequest"]


class AnalyzeRequest(BaseModel):
    symbol: str
    timeframe: str
    exchange: str
    offline: bool = False


class CandlesRequest(AnalyzeRequest):
    bars: int = 1000


def _status(exc: errors.VolexError) -> int:
    if isinstance(exc, errors.UserInputError):
        return 400
    if isinstance(exc, errors.TradingHalted | errors.RiskRejected):
        return 409
    if isinstance(exc, errors.NetworkError | errors.DataUnavailable):
        return 503
    return 500


def candles_to_wire(candles: Any) -> dict[str, Any]:
    """A CandleSet as JSON: rows of [epoch ms, open, high, low, close, volume]."""
    frame = candles.frame
    stamps = frame["timestamp"].astype("int64").tolist()
    values = frame[["open", "high", "low", "close", "volume"]].to_numpy().tolist()
    return {"symbol": candles.symbol, "timeframe": candles.timeframe,
            "source": candles.source.model_dump(mode="json"), "notes": candles.notes,
            "rows": [[t, *v] for t, v in zip(stamps, values, strict=True)]}


def create_app(volex: Volex) -> FastAPI:
    """The HTTP face of this process's agents (research today; one router per agent)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI(title="Volex agents", version=__import__("volex").__version__)

    @app.exception_handler(errors.VolexError)
    async def volex_error(_: Request, exc: errors.VolexError) -> JSONResponse:
        return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=_status(exc))

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "agents": ["research"], "version": app.version}

    @app.post("/v1/research/analyze")
    def analyze(req: AnalyzeRequest) -> dict[str, Any]:
        result = volex.runtime.research.analyze(req.symbol, req.timeframe, req.exchange,
                                                offline=req.offline)
        return result.model_dump(mode="json")

    @app.post("/v1/research/candles")
    def candles(req: CandlesRequest) -> dict[str, Any]:
        found = volex.runtime.research.candles(req.symbol, req.timeframe, req.exchange,
                                               offline=req.offline, bars=req.bars)
        return candles_to_wire(found)

    return app
