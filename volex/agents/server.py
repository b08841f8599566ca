"""Agents as HTTP services: a FastAPI app serving one machine's agents to other machines.

Every route but ``/v1/health`` and the OpenAPI document needs ``Authorization: Bearer``
with a token of the route's role (``volex.auth.guard``); requests are checked at the edge
(``volex.agents.wire``) and limited in size, rate and time (``volex.agents.limits``).
The wire format is the agents' own pydantic models. Every refusal and every VolexError
travels as ``{"error": <class name>, "message": <one line>}`` with a 4xx/5xx status, and
the remote client raises the same class again, so callers see the same errors as locally.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from volex import errors

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

    from volex.facade import Volex

__all__ = ["SERVABLE", "create_app"]


def _routers() -> dict[str, Callable[[], list[APIRouter]]]:
    from volex.agents.routes import meta, research, signal, trading

    return {
        "research": lambda: [research.router()],
        "signal": lambda: [signal.router()],
        "risk": lambda: [trading.risk_router()],
        "execution": lambda: [trading.router(), trading.status_router()],
        "meta": lambda: [meta.router()],
    }


SERVABLE = ("research", "signal", "risk", "execution", "meta")

# HTTP refusals by status, as the VolexError the remote client raises again.
_REFUSALS = {401: "AccessDenied", 403: "AccessDenied", 404: "UserInputError",
             405: "UserInputError", 408: "NetworkError", 413: "UserInputError",
             422: "UserInputError", 429: "RateLimited"}


def _status(exc: errors.VolexError) -> int:
    if isinstance(exc, errors.UserInputError | errors.Cancelled):
        return 400
    if isinstance(exc, errors.AccessDenied):
        return 403
    if isinstance(exc, errors.TradingHalted | errors.RiskRejected):
        return 409
    if isinstance(exc, errors.ExchangeError):
        return 422
    if isinstance(exc, errors.DataUnavailable):
        return 404
    if isinstance(exc, errors.NetworkError):  # a venue or service this agent needs is away
        return 503
    return 500


def _one_line(error: dict[str, Any]) -> str:
    loc = tuple(error.get("loc", ()))
    where = ".".join(str(p) for p in loc[1:] if p != "body") if len(loc) > 1 else ".".join(loc)
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def create_app(volex: Volex, agents: tuple[str, ...] = SERVABLE) -> FastAPI:
    """The HTTP face of this process's ``agents`` (any of SERVABLE), behind tokens and limits."""
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException

    from volex.adapters.secrets.redact import redact_text
    from volex.agents.limits import BodyLimit, TimeLimit
    from volex.auth.guard import Guard, TokenGate

    unknown = sorted(set(agents) - set(SERVABLE))
    if unknown:
        raise errors.UserInputError(f"cannot serve {', '.join(unknown)} yet; servable: "
                                    f"{', '.join(SERVABLE)}")
    limits = volex.settings.serve
    app = FastAPI(title="Volex agents", version=__import__("volex").__version__)
    app.state.volex = volex
    app.state.guard = Guard(volex.authenticate, limits.rate_per_minute)

    def answer(status: int, error: str, message: str, headers: dict[str, str] | None = None
               ) -> JSONResponse:
        return JSONResponse({"error": error, "message": redact_text(message)},
                            status_code=status, headers=headers)

    @app.exception_handler(errors.VolexError)
    async def volex_error(_: Request, exc: errors.VolexError) -> JSONResponse:
        return answer(_status(exc), type(exc).__name__, str(exc))

    @app.exception_handler(HTTPException)
    async def refused(_: Request, exc: HTTPException) -> JSONResponse:
        error = _REFUSALS.get(exc.status_code, "VolexError")
        return answer(exc.status_code, error, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        cause = getattr(problems[0].get("ctx", {}).get("error"), "__cause__", None)
        error = type(cause).__name__ if isinstance(cause, errors.UserInputError) else "UserInputError"
        return answer(422, error, f"bad request: {_one_line(problems[0])}{more}")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return answer(500, "VolexError", f"internal error ({type(exc).__name__})")

    @app.get("/v1/health", tags=["health"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "agents": list(agents), "version": app.version}

    routers, routes = _routers(), []
    for name in agents:
        for api in routers[name]():
            app.include_router(api)
            routes.extend(api.routes)
    app.add_middleware(TimeLimit, seconds=limits.request_timeout_s)
    app.add_middleware(BodyLimit, max_bytes=int(limits.max_body_mb * 1_000_000))
    app.add_middleware(TokenGate, api=app, routes=routes)  # outermost: nobody without a token gets further
    return app
