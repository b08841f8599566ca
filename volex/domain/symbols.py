"""Symbols in any spelling turned into canonical ``BASE/QUOTE``."""

from __future__ import annotations

import re

from volex.domain.assets import ASSET_NAMES, QUOTES, TICKERS
from volex.errors import UnknownSymbol

__all__ = ["normalize_symbol", "split_symbol", "usd_fallback"]

_SEPARATED = re.compile(r"^([A-Za-z0-9]{2,12})[/\-_: ]([A-Za-z0-9]{2,12})$")
_TOKEN = re.compile(r"^[A-Za-z0-9]{2,20}$")


def normalize_symbol(text: str, default_quote: str = "USDT") -> str:
    """``BTC/USDT``, ``BTCUSDT``, ``btc-usdt``, ``BTCUSD``, ``bitcoin``, ``eth`` -> ``BASE/QUOTE``."""
    raw = text.strip()
    name = ASSET_NAMES.get(raw.lower())
    if name:
        return f"{name}/{default_quote.upper()}"
    match = _SEPARATED.match(raw)
    if match:
        base, quote = match.group(1).upper(), match.group(2).upper()
        return f"{ASSET_NAMES.get(base.lower(), base)}/{quote}"
    if not _TOKEN.match(raw):
        raise UnknownSymbol(f"not a symbol: {text!r} (try BTC/USDT, BTCUSDT or bitcoin)")
    upper = raw.upper()
    for quote in QUOTES:
        base = upper[: -len(quote)]
        if upper.endswith(quote) and len(base) >= 2 and (base in TICKERS or len(base) <= 6):
            return f"{base}/{quote}"
    if upper in TICKERS or len(upper) <= 6:
        return f"{upper}/{default_quote.upper()}"
    raise UnknownSymbol(f"not a symbol: {text!r} (try BTC/USDT, BTCUSDT or bitcoin)")


def split_symbol(symbol: str) -> tuple[str, str]:
    base, _, quote = symbol.partition("/")
    return base, quote


def usd_fallback(symbol: str) -> str | None:
    """BTC/USD -> BTC/USDT, for venues that list no fiat USD market."""
    base, quote = split_symbol(symbol)
    return f"{base}/USDT" if quote == "USD" else None
