"""Symbols and timeframes in the spellings traders type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volex.domain.symbols import normalize_symbol, usd_fallback
from volex.domain.timeframes import normalize_timeframe, timeframe_ms
from volex.errors import UnknownSymbol, UnknownTimeframe


@pytest.mark.parametrize(("text", "expected"), [
    ("BTC/USDT", "BTC/USDT"), ("BTCUSDT", "BTC/USDT"), ("btc-usdt", "BTC/USDT"),
    ("BTCUSD", "BTC/USD"), ("bitcoin", "BTC/USDT"), ("eth", "ETH/USDT"), ("ETH/BTC", "ETH/BTC"),
    ("SOLUSDT", "SOL/USDT"), ("dogecoin", "DOGE/USDT"), ("Ethereum", "ETH/USDT"),
    ("xrp_usdc", "XRP/USDC"), (" ada ", "ADA/USDT"), ("PEPEUSDT", "PEPE/USDT"),
    ("ETHBTC", "ETH/BTC"), ("shiba inu", "SHIB/USDT"),
])
def test_symbols_in_any_spelling(text: str, expected: str) -> None:
    assert normalize_symbol(text) == expected


def test_bare_asset_takes_the_configured_quote() -> None:
    assert normalize_symbol("btc", default_quote="eur") == "BTC/EUR"


@pytest.mark.parametrize("text", ["", "BTC USDT USD", "$$$", "a", "btc/usdt/eur", "x" * 30])
def test_nonsense_is_rejected_with_a_hint(text: str) -> None:
    with pytest.raises(UnknownSymbol, match="try BTC/USDT"):
        normalize_symbol(text)


@given(st.text(max_size=40))
def test_normalize_never_crashes_and_always_gives_base_slash_quote(text: str) -> None:
    try:
        result = normalize_symbol(text)
    except UnknownSymbol:
        return
    base, _, quote = result.partition("/")
    assert base and quote and base.isalnum() and quote.isalnum()


def test_usd_falls_back_to_usdt_only_for_usd() -> None:
    assert usd_fallback("BTC/USD") == "BTC/USDT"
    assert usd_fallback("BTC/EUR") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1h", "1h"), ("1H", "1h"), ("4 hours", "4h"), ("1day", "1d"), ("15M", "15m"),
    ("1 week", "1w"), ("30 min", "30m"),
])
def test_timeframes(text: str, expected: str) -> None:
    assert normalize_timeframe(text) == expected


def test_unknown_timeframe_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownTimeframe, match="1m, 5m"):
        normalize_timeframe("7x")
    with pytest.raises(UnknownTimeframe):
        normalize_timeframe("3h")


def test_timeframe_lengths() -> None:
    assert timeframe_ms("2h") == 7_200_000
    assert timeframe_ms("1w") == 7 * timeframe_ms("1d")
