"""Shared ccxt plumbing: building a client and translating ccxt errors into VolexError.

ccxt's tree splits into temporary (NetworkError: timeouts, 5xx, rate limits) and permanent
(ExchangeError: bad symbol, funds, auth, invalid order) failures; ours mirrors that split.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from volex import errors

__all__ = ["make_client", "translate_ccxt_errors", "exchange_ids"]


def exchange_ids() -> list[str]:
    import ccxt

    return list(ccxt.exchanges)


def make_client(exchange_id: str, timeout_s: float, config: dict[str, Any] | None = None) -> Any:
    """A synchronous ccxt client for ``exchange_id`` (spot markets, our timeout)."""
    import ccxt

    cls = getattr(ccxt, exchange_id, None)
    if exchange_id not in ccxt.exchanges or cls is None:
        raise errors.UnknownExchange(
            f"unknown exchange {exchange_id!r}; ccxt knows e.g. binance, kraken, coinbase, okx, bybit")
    options = {"defaultType": "spot", "fetchMarkets": {"types": ["spot"]}}
    params: dict[str, Any] = {"timeout": int(timeout_s * 1000), "enableRateLimit": True,
                              "options": options}
    params.update(config or {})
    return cls(params)


@contextmanager
def translate_ccxt_errors(venue: str) -> Iterator[None]:
    """Turn ccxt exceptions raised inside the block into VolexError subclasses."""
    import ccxt

    try:
        yield
    except ccxt.BaseError as exc:
        raise _translate(exc, venue) from exc


def _translate(exc: Exception, venue: str) -> errors.VolexError:
    import ccxt

    text = _short(exc, venue)
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
    ]
    for ccxt_cls, ours in table:
        if isinstance(exc, ccxt_cls):
            return ours(text)
    return errors.ExchangeError(text)


def _short(exc: Exception, venue: str) -> str:
    """One line naming the venue and the failure, without URLs' query strings or keys."""
    kind = type(exc).__name__
    raw = str(exc).splitlines()[0] if str(exc) else ""
    raw = raw.split("?", 1)[0]
    if raw.startswith(venue):
        raw = raw[len(venue):].strip()
    return f"{venue}: {kind}{': ' + raw[:160] if raw else ''}"
