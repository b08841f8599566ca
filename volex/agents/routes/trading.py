"""Execution, risk and halt over HTTP, next to the store they guard.

Viewers read (orders, positions, balances, plans, halt state, status, audit); traders also
trade, cancel, halt and resume; admins also change risk limits. A trade is sent only with
``"confirm": true`` in its body, as the CLI asks before sending. Every change is audited
with the token's name as the actor.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from volex.agents.routes import Admin, Trader, Viewer
from volex.agents.wire import Symbol, Timeframe
from volex.domain.orders import TradePlan
from volex.facade import Volex

__all__ = ["router"]

_Amount = Annotated[str, Field(max_length=40, pattern=r"^[0-9.eE+-]+%?$")]
_Reason = Annotated[str, Field(max_length=500)]


class PlanRequest(BaseModel):
    symbol: Symbol
    side: Literal["buy", "sell"] | None = None
    amount: _Amount | None = None
    quote: _Amount | None = None
    percent: _Amount | None = None
    limit: _Amount | None = None
    stop_loss: _Amount | None = None
    take_profit: _Amount | None = None
    if_confident: bool = False
    min_confidence: _Amount | None = None
    timeframe: Timeframe | None = Field(None, description="The signal model's bar length for "
                                                          "if_confident.")


class TradeRequest(BaseModel):
    plan: TradePlan = Field(description="A plan from POST /v1/execution/plan; re-checked now.")
    confirm: bool = Field(False, description="Must be true: nothing is sent without it.")
    reason: _Reason | None = None


class CancelRequest(BaseModel):
    order_id: Annotated[str, Field(max_length=128)] | None = None
    symbol: Symbol | None = None
    all_orders: bool = False
    reason: _Reason | None = None


class HaltRequest(BaseModel):
    reason: _Reason | None = None
    reduce_only: bool = False
    flatten: bool = False


class ResumeRequest(BaseModel):
    reason: _Reason | None = None


class LimitRequest(BaseModel):
    value: Annotated[str, Field(min_length=1, max_length=40)]
    reason: _Reason | None = None


def _plan(volex: Volex, req: PlanRequest) -> Any:
    return volex.plan_trade(req.symbol, req.side, amount=req.amount, quote=req.quote,
                            percent=req.percent, limit=req.limit, stop_loss=req.stop_loss,
                            take_profit=req.take_profit, if_confident=req.if_confident,
                            min_confidence=req.min_confidence, timeframe=req.timeframe)


def _dump(items: list[Any]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json") for item in items]


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/execution", tags=["execution"])

    @api.get("/orders")
    def orders(volex: Viewer, symbol: Symbol | None = None) -> list[dict[str, Any]]:
        return _dump(volex.orders(symbol))

    @api.get("/positions")
    def positions(volex: Viewer) -> list[dict[str, Any]]:
        return _dump(volex.positions())

    @api.get("/balances")
    def balances(volex: Viewer) -> list[dict[str, Any]]:
        return _dump(volex.balances())

    @api.post("/plan")
    def plan(req: PlanRequest, volex: Viewer) -> dict[str, Any]:
        """The order that would be sent and every risk check; sends nothing."""
        return _plan(volex, req).model_dump(mode="json")

    @api.post("/trade")
    def trade(req: TradeRequest, volex: Trader) -> dict[str, Any]:
        if not req.confirm:
            raise HTTPException(400, 'not confirmed: send "confirm": true to place this trade '
                                     "(POST /v1/execution/plan shows it first)")
        return volex.trade(req.plan, reason=req.reason).model_dump(mode="json")

    @api.post("/cancel")
    def cancel(req: CancelRequest, volex: Trader) -> list[dict[str, Any]]:
        return _dump(volex.cancel(req.order_id, symbol=req.symbol, all_orders=req.all_orders,
                                  reason=req.reason))

    @api.get("/halt")
    def halt_state(volex: Viewer) -> dict[str, Any]:
        return volex.halt_state().model_dump(mode="json")

    @api.post("/halt")
    def halt(req: HaltRequest, volex: Trader) -> dict[str, Any]:
        """Stop trading: answered once the halt is stored here, then open orders cancelled."""
        return volex.halt(reason=req.reason, reduce_only=req.reduce_only,
                          flatten=req.flatten).model_dump(mode="json")

    @api.post("/resume")
    def resume(req: ResumeRequest, volex: Trader) -> dict[str, Any]:
        return volex.resume(reason=req.reason).model_dump(mode="json")

    return api


def risk_router() -> APIRouter:
    api = APIRouter(prefix="/v1/risk", tags=["risk"])

    @api.get("/limits")
    def limits(volex: Viewer) -> dict[str, Any]:
        return volex.risk_limits().model_dump(mode="json")

    @api.put("/limits/{name}")
    def set_limit(name: Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")], req: LimitRequest,
                  volex: Admin) -> dict[str, Any]:
        return volex.set_risk_limit(name, req.value, reason=req.reason).model_dump(mode="json")

    return api


def status_router() -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["status"])

    @api.get("/status")
    def status(volex: Viewer) -> dict[str, Any]:
        return volex.status()

    @api.get("/audit")
    def audit(volex: Viewer, since_ms: Annotated[int | None, Query(ge=0, le=10**14)] = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
        since = datetime.fromtimestamp(since_ms / 1000, UTC) if since_ms is not None else None
        return _dump(volex.audit(since, limit))

    return api
