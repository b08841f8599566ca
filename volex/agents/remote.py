"""Remote agents: HTTP clients with the same methods, models and errors as the local agents.

A client holds one URL or several replicas of the same agent: calls are spread over them
in turn, and a call whose replica cannot be reached or does not answer is sent to the next
one, so a replica going down loses no call. That is safe because every call of the remote
agents can be repeated (reads, and writes keyed by what they store: cached candles by
time, decisions by their inputs). Each request carries the client's token
(``volex secrets set agent-NAME --key-only``).
"""

from __future__ import annotations

import itertools
import threading
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
    """JSON over HTTP to one agent's replicas; its errors come back as the same VolexError."""

    def __init__(self, base_urls: str | Sequence[str], timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None, token: str | None = None,
                 ca_file: str | None = None) -> None:
        import httpx

        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise errors.ConfigError("a remote agent needs at least one url")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_urls = [u.rstrip("/") for u in urls]
        verify = _trust(ca_file)
        self._replicas = [httpx.Client(base_url=u, timeout=timeout_s, transport=transport,
                                       headers=headers, verify=verify) for u in self.base_urls]
        self._turn = itertools.cycle(range(len(self._replicas)))
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return ", ".join(self.base_urls)

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None,
             params: dict[str, Any] | None = None) -> Any:
        import httpx

        with self._lock:
            first = next(self._turn)
        failures = []
        for i in range(len(self._replicas)):
            index = (first + i) % len(self._replicas)
            where, http = self.base_urls[index], self._replicas[index]
            try:
                response = http.request(method, path, json=payload, params=params)
            except httpx.TimeoutException:
                failures.append(f"agent at {where} timed out")
                continue
            except httpx.HTTPError as exc:
                failures.append(f"agent at {where} unreachable: {type(exc).__name__}")
                continue
            if response.status_code >= 400:
                raise _error_from(response, where)
            return response.json()
        raise errors.NetworkError("; ".join(failures))

    def close(self) -> None:
        for http in self._replicas:
            http.close()


def _trust(ca_file: str | None) -> Any:
    """What to verify an https agent against: the system's CAs, or ``ca_file``."""
    if ca_file is None:
        return True
    import ssl

    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise errors.ConfigError(f"cannot read ca_file {ca_file}: {exc}") from None


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

    def __init__(self, base_url: str | Sequence[str], timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None, token: str | None = None,
                 ca_file: str | None = None) -> None:
        self._client = RemoteClient(base_url, timeout_s, transport, token, ca_file)

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

    def fetch(self, symbol: str, timeframe: str, exchange: str, since_ms: int | None = None,
              bars: int = 1000, progress: Any = None) -> tuple[str, int]:
        """Fill the serving machine's candle cache; ``progress`` hears only the total."""
        data = self._client.call("POST", "/v1/research/fetch", {
            "symbol": symbol, "timeframe": timeframe, "exchange": exchange,
            "since_ms": since_ms, "bars": bars})
        if progress:
            progress(data["rows"], data["rows"])
        return data["market"], int(data["rows"])

    def close(self) -> None:
        self._client.close()


class RemoteSignals:
    """The signal agent on another machine: it decides on the candles this machine sends."""

    def __init__(self, base_url: str | Sequence[str], timeout_s: float = 30.0,
                 transport: httpx.BaseTransport | None = None, token: str | None = None,
                 ca_file: str | None = None) -> None:
        self._client = RemoteClient(base_url, timeout_s, transport, token, ca_file)

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


def agent_token(secrets: Any, name: str) -> str | None:
    """The token this Volex shows agent ``name`` (secret ``agent-NAME``, field api_key)."""
    try:
        stored = secrets.get(f"agent-{name}") or {}
    except errors.SecretError:
        return None
    return stored.get("api_key") or stored.get("token")
