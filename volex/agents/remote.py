"""Remote agents: HTTP clients with the same methods and models as the local agents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from volex import errors

if TYPE_CHECKING:
    import httpx

    from volex.domain.analysis import Analysis
    from volex.domain.candles import CandleSet

__all__ = ["RemoteResearch"]


class RemoteClient:
    """JSON over HTTP to a Volex agent server; its errors come back as the same VolexError."""

    def __init__(self, base_url: str, timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        import httpx

        try:
            response = self._http.post(path, json=payload)
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

        data = self._client.post("/v1/research/analyze", {
            "symbol": symbol, "timeframe": timeframe, "exchange": exchange, "offline": offline})
        return Analysis.model_validate(data)

    def candles(self, symbol: str, timeframe: str, exchange: str, *, offline: bool = False,
                bars: int = 1000) -> CandleSet:
        import pandas as pd

        from volex.domain.analysis import CandleSource
        from volex.domain.candles import CandleSet

        data = self._client.post("/v1/research/candles", {
            "symbol": symbol, "timeframe": timeframe, "exchange": exchange, "offline": offline,
            "bars": bars})
        frame = pd.DataFrame(data["rows"], columns=["timestamp", "open", "high", "low", "close", "volume"])
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="ms", utc=True).astype("datetime64[ms, UTC]")
        return CandleSet(data["symbol"], data["timeframe"], frame,
                         CandleSource.model_validate(data["source"]), data["notes"])

    def close(self) -> None:
        self._client.close()
