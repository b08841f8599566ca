"""The routes of `volex serve`, one module per agent, each route declaring its role.

``acting(role)`` is the dependency a route uses to get the facade: it requires a token of
``role`` and names the token as the actor of whatever the request changes (audit log).
"""

from __future__ import annotations

import copy
from typing import Annotated, Any

from fastapi import Depends, Request

from volex.auth import ApiToken, Role
from volex.auth.guard import require
from volex.facade import Volex

__all__ = ["Admin", "Trader", "Viewer", "ViewerToken", "acting", "served"]


def served(request: Request) -> Volex:
    """The serving process's facade (its agents and store)."""
    return request.app.state.volex


def acting(role: Role) -> Any:
    """A facade acting as the request's token, which must have at least ``role``."""
    return Depends(_facades[role])


def _facade_for(role: Role) -> Any:
    def as_token(request: Request, token: ApiToken) -> Volex:
        facade = copy.copy(served(request))  # shares settings and runtime; only the actor differs
        facade.actor = token.name
        return facade

    as_token.__name__ = f"acting_{role.name}"
    # Real objects, not strings: FastAPI reads the role's dependency from the annotation.
    as_token.__annotations__ = {"request": Request, "token": Annotated[ApiToken, require(role)],
                                "return": Volex}
    return as_token


_facades = {role: _facade_for(role) for role in Role}


# What a route declares to get the facade: the role is written where the route is.
Viewer = Annotated[Volex, acting(Role.viewer)]
Trader = Annotated[Volex, acting(Role.trader)]
Admin = Annotated[Volex, acting(Role.admin)]
ViewerToken = Annotated[ApiToken, require(Role.viewer)]
