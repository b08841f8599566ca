"""The FastAPI side of tokens and roles: one dependency per role, declared where a route is.

``require(Role.trader)`` is a ``Security`` dependency: it reads ``Authorization: Bearer``,
finds the token's record, checks its role and its rate, and hands the record to the route
(its name is the actor of anything the request changes). Loopback is not trusted: any
local user or process could otherwise trade.

``TokenGate`` enforces the same declaration before anything else of the request is read:
it finds the route's declared role and checks the token first, so a request without the
role is refused with 401/403 even when its body is malformed or huge.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.routing import Match

from volex.auth import ApiToken, Role

__all__ = ["Guard", "TokenGate", "declared_role", "require"]

_bearer = HTTPBearer(auto_error=False, description="A token from `volex tokens create`.")


class Guard:
    """Checks bearer tokens against the store and keeps each token under its request rate."""

    def __init__(self, authenticate: Callable[[str], ApiToken | None], rate_per_minute: int) -> None:
        self._authenticate = authenticate
        self._rate = rate_per_minute
        self._recent: dict[str, deque[float]] = {}  # one entry per live token: bounded
        self._lock = threading.Lock()

    def check(self, credentials: HTTPAuthorizationCredentials | None, role: Role) -> ApiToken:
        if credentials is None or not credentials.credentials:
            raise HTTPException(401, "this route needs a token: send Authorization: Bearer "
                                     "<token> (volex tokens create NAME --role viewer)",
                                headers={"WWW-Authenticate": "Bearer"})
        record = self._authenticate(credentials.credentials)
        if record is None:
            raise HTTPException(401, "unknown, revoked or expired token",
                                headers={"WWW-Authenticate": "Bearer"})
        if record.role < role:
            raise HTTPException(403, f"this needs {_a(role)} token; {record.name!r} is "
                                     f"{_a(record.role)}")
        self._count(record.name)
        return record

    def _count(self, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(name, deque())
            while recent and now - recent[0] >= 60:
                recent.popleft()
            if len(recent) >= self._rate:
                wait = 60 - (now - recent[0])
                raise HTTPException(429, f"more than {self._rate} requests a minute with token "
                                         f"{name!r}; try again in {wait:.0f}s",
                                    headers={"Retry-After": str(max(1, round(wait)))})
            recent.append(now)


def _a(role: Role) -> str:
    return f"an {role.name}" if role is Role.admin else f"a {role.name}"


def require(role: Role) -> Any:
    """The dependency a route or router declares: a token of at least ``role``."""
    return Security(_checks[role])


def _check_for(role: Role) -> Callable[..., ApiToken]:
    def token_with_role(request: Request,
                        credentials: Annotated[HTTPAuthorizationCredentials | None,
                                               Security(_bearer)]) -> ApiToken:
        checked = getattr(request.state, "token", None)
        if checked is not None and checked.role >= role:
            return checked  # the gate checked (and counted) it before the body was read
        return request.app.state.guard.check(credentials, role)

    token_with_role.__name__ = f"require_{role.name}"
    return token_with_role


# One callable per role, so a request declaring a role twice is checked (and counted) once.
_checks = {role: _check_for(role) for role in Role}


def declared_role(route: Any) -> Role | None:
    """The highest role a route's dependencies require (None: a public route)."""
    found: list[Role] = []

    def walk(dependant: Any) -> None:
        for dependency in dependant.dependencies:
            found.extend(role for role, check in _checks.items() if dependency.call is check)
            walk(dependency)

    if hasattr(route, "dependant"):
        walk(route.dependant)
    return max(found) if found else None


class TokenGate:
    """ASGI middleware: a route's declared role is checked before its body is read."""

    def __init__(self, app: Any, api: FastAPI, routes: list[Any]) -> None:
        self.app = app
        self.api = api
        self.roles = [(route, declared_role(route)) for route in routes]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            role = next((role for route, role in self.roles
                         if route.matches(scope)[0] == Match.FULL), None)
            if role is not None:
                try:
                    scope.setdefault("state", {})["token"] = self._check(scope, role)
                except HTTPException as exc:
                    from volex.agents.limits import refuse

                    error = "RateLimited" if exc.status_code == 429 else "AccessDenied"
                    await refuse(send, exc.status_code, error, str(exc.detail), exc.headers)
                    return
        await self.app(scope, receive, send)

    def _check(self, scope: dict[str, Any], role: Role) -> ApiToken:
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, value = header.partition(" ")
        credentials = (HTTPAuthorizationCredentials(scheme=scheme, credentials=value.strip())
                       if scheme.lower() == "bearer" and value.strip() else None)
        return self.api.state.guard.check(credentials, role)
