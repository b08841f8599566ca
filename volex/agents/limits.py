"""Request limits of a served agent, as ASGI middleware: body size and time per request.

Both answer with the same JSON error shape as every other refusal (``{"error", "message"}``)
and a 4xx status, never by dropping the connection or growing without bound.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

__all__ = ["BodyLimit", "TimeLimit", "refuse"]

Scope = dict[str, Any]


async def refuse(send: Any, status: int, error: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
    """Answer ``status`` with the served agents' error shape, from ASGI middleware."""
    body = json.dumps({"error": error, "message": message}).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (413), reading at most that much of any body."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = (f"request body over {self.max_bytes / 1e6:g} MB: send fewer candles or "
                   "markets per request")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await refuse(send, 413, "UserInputError", message)
            return
        # No length said (chunked): read up to the limit, then hand the app what was read.
        chunks, seen, more = [], 0, True
        while more:
            event = await receive()
            if event["type"] != "http.request":
                return  # the client went away: nobody to answer
            chunks.append(event.get("body", b""))
            seen += len(chunks[-1])
            more = event.get("more_body", False)
            if seen > self.max_bytes:
                await refuse(send, 413, "UserInputError", message)
                return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


class TimeLimit:
    """Answer 408 when a request takes longer than ``seconds`` (its effect, if any, unknown)."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(event: Any) -> None:
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracked), self.seconds)
        except TimeoutError:
            if not started:
                await refuse(send, 408, "NetworkError",
                              f"request took over {self.seconds:g}s and was abandoned; what it "
                              "asked may still happen: check before retrying")
