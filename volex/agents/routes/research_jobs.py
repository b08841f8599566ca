"""Strategies, backtests, optimisation and the monitor over HTTP.

Viewers read the strategy catalogue and the health checks; traders run backtests and
searches (a backtest moves a draft strategy to backtested); admins change a strategy's
lifecycle and save a search's best parameters. Strategy files are not taken from requests:
only the templates this machine knows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from volex.agents.routes import Admin, Trader, Viewer, ViewerToken
from volex.agents.wire import Symbol, Timeframe
from volex.auth import Role

__all__ = ["BacktestRequest", "OptimizeRequest", "backtest_router", "monitor_router",
           "optimize_router", "strategy_router"]

_Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
_Params = Annotated[dict[Annotated[str, Field(max_length=40)], float | int | str],
                    Field(max_length=20)]
_WHOLE = Field(False, description="Answer every bar, trade and trial (what a remote Volex "
                                  "client asks for) instead of the summary.")


class BacktestRequest(BaseModel):
    strategy: _Name
    symbols: list[Symbol] = Field(min_length=1, max_length=20)
    timeframe: Timeframe | None = None
    days: float | None = Field(None, gt=0, le=36_500)
    params: _Params | None = None
    walk_forward: int | None = Field(None, ge=2, le=20)
    cash: float | None = Field(None, gt=0, le=1e12)
    fee: float | None = Field(None, ge=0, lt=0.5)
    slippage_bps: float = Field(0.0, ge=0, lt=5000)
    stop_loss_pct: float | None = Field(None, gt=0, lt=100)
    take_profit_pct: float | None = Field(None, gt=0, le=10_000)
    whole: bool = _WHOLE


class OptimizeRequest(BaseModel):
    strategy: _Name
    symbol: Symbol
    timeframe: Timeframe | None = None
    days: float | None = Field(None, gt=0, le=36_500)
    method: Literal["grid", "bayes"] = "grid"
    trials: int | None = Field(None, ge=1, le=2000)
    objective: Literal["sharpe", "return", "calmar"] = "sharpe"
    params: _Params | None = None
    save: bool = Field(False, description="Keep the best parameters (admin only).")
    walk_forward: int | None = Field(None, ge=2, le=20)
    cash: float | None = Field(None, gt=0, le=1e12)
    fee: float | None = Field(None, ge=0, lt=0.5)
    slippage_bps: float = Field(0.0, ge=0, lt=5000)
    whole: bool = _WHOLE


class StateRequest(BaseModel):
    state: Literal["draft", "backtested", "paper", "live"]


def strategy_router() -> APIRouter:
    strategies = APIRouter(prefix="/v1/strategy", tags=["strategy"])

    @strategies.get("/list")
    def catalogue(volex: Viewer) -> list[dict[str, Any]]:
        return volex.strategies()

    @strategies.put("/{name}/state")
    def set_state(name: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,40}$")],
                  req: StateRequest, volex: Admin) -> dict[str, Any]:
        return volex.set_strategy_state(name, req.state)

    return strategies


def backtest_router() -> APIRouter:
    backtests = APIRouter(prefix="/v1/backtest", tags=["backtest"])

    @backtests.post("/run")
    def backtest(req: BacktestRequest, volex: Trader) -> list[dict[str, Any]]:
        runs = volex.backtest(req.strategy, req.symbols, timeframe=req.timeframe, days=req.days,
                              params=req.params, walk_forward=req.walk_forward, cash=req.cash,
                              fee=req.fee, slippage_bps=req.slippage_bps,
                              stop_loss_pct=req.stop_loss_pct,
                              take_profit_pct=req.take_profit_pct)
        if req.whole:
            from volex.backtest.wire import backtest_to_wire

            return [backtest_to_wire(run) for run in runs]
        return [run.to_dict() for run in runs]

    return backtests


def optimize_router() -> APIRouter:
    searches = APIRouter(prefix="/v1/optimize", tags=["optimize"])

    @searches.post("/run")
    def optimize(req: OptimizeRequest, volex: Trader, token: ViewerToken) -> dict[str, Any]:
        if req.save and token.role < Role.admin:
            raise HTTPException(403, "saving a strategy's parameters needs an admin token")
        run = volex.optimize(req.strategy, req.symbol, timeframe=req.timeframe, days=req.days,
                             method=req.method, trials=req.trials, objective=req.objective,
                             params=req.params, save=req.save, walk_forward=req.walk_forward,
                             cash=req.cash, fee=req.fee, slippage_bps=req.slippage_bps)
        if req.whole:
            from volex.backtest.wire import optimize_to_wire

            return optimize_to_wire(run)
        return run.to_dict()

    return searches


def monitor_router() -> APIRouter:
    monitor = APIRouter(prefix="/v1/monitor", tags=["monitor"])

    @monitor.get("/doctor")
    def doctor(volex: Viewer) -> list[dict[str, Any]]:
        return [health.to_dict() for health in volex.doctor()]

    return monitor
