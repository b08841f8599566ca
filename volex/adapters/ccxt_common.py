"""Shared ccxt plumbing: building a client and translating ccxt errors into VolexError.

ccxt's tree splits into temporary (NetworkError: timeouts, 5xx, rate limits) and permanent
(ExchangeError: bad symbol, funds, auth, invalid order) failures; ours mirrors that split.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from volex import errors

__all__ = ["exchange_ids", "make_client", "translate_ccxt_errors"]


def exchange_ids() -> list[str]:
    import ccxt

    return list(ccxt.exchanges)


def make_client(exchange_id: str, timeout_s: float, config: dict[str, Any] | None = None, *,
                api_base: str | None = None) -> Any:
    """A synchronous ccxt client for ``exchange_id`` (spot markets, our timeout).

    ``api_base`` sends every API call to another host, keeping the paths (a testnet mirror, a
    self-hosted gateway, the loopback simulator); ``urls.api`` entries in ``config`` still win.
    """
    client = _client(exchange_id, timeout_s, config)
    if api_base:
        _rebase(client, api_base, ((config or {}).get("urls") or {}).get("api") or {})
    return client


def _rebase(client: Any, api_base: str, explicit: dict[str, Any]) -> None:
    """Every API url (live and testnet) on ``api_base``'s host, except those set explicitly."""
    from urllib.parse import urlsplit

    base = api_base.rstrip("/")

    def moved(urls: Any) -> Any:
        if isinstance(urls, dict):
            return {name: moved(url) for name, url in urls.items()}
        return base + urlsplit(urls).path if isinstance(urls, str) else urls

    for key in ("api", "test"):
        if key in client.urls:
            client.urls[key] = moved(client.urls[key])
    if isinstance(client.urls.get("api"), dict):
        client.urls["api"].update(explicit)


def _client(exchange_id: str, timeout_s: float, config: dict[str, Any] | None) -> Any:
    import ccxt

    cls = getattr(ccxt, exchange_id, None)
    if exchange_id not in ccxt.exchanges or cls is None:
        raise errors.UnknownExchange(
            f"unknown exchange {exchange_id!r}; ccxt knows e.g. binance, kraken, coinbase, okx, bybit")
    config = dict(config or {})
    options = {"defaultType": "spot", "fetchMarkets": {"types": ["spot"]}}
    options.update(config.pop("options", {}))
    params: dict[str, Any] = {"timeout": int(timeout_s * 1000), "enableRateLimit": True,
                              "options": options}
    params.update(config)
    return cls(params)


@contextmanager
def translate_ccxt_errors(venue: str, client: Any = None,
                          redact: Iterable[str] = ()) -> Iterator[None]:
    """Turn ccxt exceptions raised inside the block into VolexError subclasses.

    With ``client``, a rate-limit error carries the venue's ``Retry-After`` (seconds); every
    string in ``redact`` (API keys, secrets) is masked in the message.
    """
    import ccxt

    try:
        yield
    except ccxt.BaseError as exc:
        error = _translate(exc, venue, [r for r in redact if r])
        if isinstance(error, errors.RateLimited) and client is not None:
            error.retry_after_s = _retry_after(client)
        raise error from exc


def _retry_after(client: Any) -> float | None:
    headers = getattr(client, "last_response_headers", None) or {}
    try:
        return max(0.0, float(headers.get("Retry-After")))
    except (TypeError, ValueError):
        return None


def _translate(exc: Exception, venue: str, redact: list[str]) -> errors.VolexError:
    import ccxt

    text = _short(exc, venue)
    for value in redact:
        text = text.replace(value, "***")
    if isinstance(exc, ccxt.BadRequest) and "Filter failure" in text:
        return errors.InvalidOrder(text)
    table: list[tuple[type, type[errors.VolexError]]] = [
        (ccxt.RateLimitExceeded, errors.RateLimited),
        (ccxt.DDoSProtection, errors.RateLimited),
        (ccxt.RequestTimeout, errors.NetworkError),
        (ccxt.NetworkError, errors.NetworkError),
        (ccxt.BadSymbol, errors.UnknownSymbol),
        (ccxt.InsufficientFunds, errors.InsufficientFunds),
        (ccxt.AuthenticationError, errors.AuthenticationError),
        (ccxt.PermissionDenied, errors.AuthenticationError),
        (ccxt.InvalidOrder, errors.InvalidOrder),
        (ccxt.OrderNotFound, errors.InvalidOrder),
        (ccxt.BadRequest, errors.ExchangeError),
        (ccxt.ExchangeError, errors.ExchangeError),
        (ccxt.OperationFailed, errors.NetworkError),  # e.g. Binance -1001 "Internal error"
    ]
    for ccxt_cls, ours in table:
        if isinstance(exc, ccxt_cls):
            return ours(text)
    return errors.ExchangeError(text)


def _short(exc: Exception, venue: str) -> str:
    """One line naming the venue and the failure, without URLs' query strings or keys.

    A venue's JSON error body (``{"code": -2010, "msg": "..."}``) is reduced to its message.
    """
    kind = type(exc).__name__
    raw = str(exc).splitlines()[0] if str(exc) else ""
    raw = _QUERY.sub("", raw)
    if raw.startswith(venue):
        raw = raw[len(venue):].strip()
    raw = _venue_message(raw)
    return f"{venue}: {kind}{': ' + raw[:160] if raw else ''}"


_QUERY = re.compile(r"\?\S*")


def _venue_message(raw: str) -> str:
    start = raw.find("{")
    if start < 0:
        return raw
    try:
        body = json.loads(raw[start:])
    except ValueError:
        return raw
    if not isinstance(body, dict) or not body.get("msg"):
        return raw
    code = f" (code {body['code']})" if body.get("code") is not None else ""
    return f"{body['msg']}{code}"  # the venue's own words beat ccxt's commentary before them
