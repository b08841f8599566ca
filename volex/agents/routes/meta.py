"""The meta-agent over HTTP: `POST /v1/ask` answers plain English with typed results.

Declared for viewers; each understood step then needs its own role (a trade a trader's,
a risk change an admin's), checked before anything runs. See ``volex.agents.meta``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from volex.agents.routes import Viewer, ViewerToken

__all__ = ["AskRequest", "router"]


class AskRequest(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    confirm: bool = Field(False, description="Needed to trade, cancel, resume, flatten or "
                                             "change a risk limit; without it nothing is sent.")


def router() -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["meta"])

    @api.post("/ask")
    def ask(req: AskRequest, volex: Viewer, token: ViewerToken) -> dict[str, Any]:
        from volex.agents.meta import ask as answer

        return answer(volex, req.text, role=token.role, confirm=req.confirm)

    return api
