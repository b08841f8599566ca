"""Remote agents: HTTP clients with the same methods and models as the local agents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from volex import errors
from volex.agents.wire import candles_from_wire, candles_to_wire

if TYPE_CHECKING:
    import httpx

    from volex.domain.analysis import Analysis
    from volex.domain.candles import CandleSet
    from volex.domain.signals import Decision, SignalOutcomes

__all__ = ["RemoteClient", "RemoteResearch", "RemoteSignals"]


class RemoteClient:
    """JSON over HTTP to a Volex agent server; its errors come back as the same VolexError."""

    def __init__(self, base_url: str, timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None,
             params: dict[str, Any] | None = None) -> Any:
        import httpx

        try:
            response = self._http.request(method, path, json=payload, params=params)
        except httpx.TimeoutException as exc:
            raise errors.NetworkError(f"agent at {self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise errors.NetworkError(f"agent at {self.base_url} unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise _error_from(response, self.base_url)
        return response.json()

    def close(self) -> None:
        self._http.close()


def _error_from(response: httpx.Response, where: str) -> errors.VolexError:
    try:
        body = response.json()
        cls = getattr(errors, body["error"], None)
        message = body["message"]
    except (ValueError, KeyError, TypeError):
        return errors.VolexError(f"agent at {where} answered HTTP {response.status_code}")
    if isinstance(cls, type) and issubclass(cls, errors.VolexError):
        return cls(message)
    return errors.VolexError(message)


class RemoteResearch:
    """The Research agent on another machine."""

    def __init__(self, base_url: str, timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._client = RemoteClient(base_url, timeout_s, transport)

    def analyze(self, symbol: str, timeframe: str, exchange: str, *,
                offline: bool = False) -> Analysis:
        from volex.domain.analysis import Analysis

        data = self._client.call("POST", "/v1/research/analyze", {
            "symbol": symbol, "timeframe": timeframe, "exchange": exchange, "offline": offline})
        return Analysis.model_validate(data)

    def candles(self, symbol: str, timeframe: str, exchange: str, *, offline: bool = False,
                bars: int = 1000) -> CandleSet:
        return candles_from_wire(self._client.call("POST", "/v1/research/candles", {
            "symbol": symbol, "timeframe": timeframe, "exchange": exchange, "offline": offline,
            "bars": bars}))

    def close(self) -> None:
        self._client.close()


class RemoteSignals:
    """The signal agent on another machine: it decides on the candles this machine sends."""

    def __init__(self, base_url: str, timeout_s: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._client = RemoteClient(base_url, timeout_s, transport)

    def has_model(self, symbol: str, timeframe: str) -> bool:
        return bool(self._client.call("GET", "/v1/signal/has_model",
                                      params={"symbol": symbol, "timeframe": timeframe}))

    def decide(self, candles: CandleSet, *, train: bool = False, review: bool = True) -> Decision:
        from volex.domain.signals import Decision

        return Decision.model_validate(self._client.call("POST", "/v1/signal/decide", {
            "candles": candles_to_wire(candles), "train": train, "review": review}))

    def decide_batch(self, batch: Sequence[CandleSet], *, train: bool = False,
                     review: bool = True) -> list[Decision]:
        from volex.domain.signals import Decision

        data = self._client.call("POST", "/v1/signal/decide_batch", {
            "batch": [candles_to_wire(c) for c in batch], "train": train, "review": review})
        return [Decision.model_validate(d) for d in data]

    def pending_markets(self) -> list[tuple[str, str]]:
        return [tuple(pair) for pair in self._client.call("GET", "/v1/signal/pending")]

    def score_outcomes(self, candles: CandleSet) -> int:
        return int(self._client.call("POST", "/v1/signal/score", {"candles": candles_to_wire(candles)}))

    def outcomes(self, timeframe: str | None = None) -> list[SignalOutcomes]:
        from volex.domain.signals import SignalOutcomes

        params = {"timeframe": timeframe} if timeframe else None
        return [SignalOutcomes.model_validate(o)
                for o in self._client.call("GET", "/v1/signal/outcomes", params=params)]

    def close(self) -> None:
        self._client.close()
