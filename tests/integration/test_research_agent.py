"""Candles from the exchange, then the cache, then the bundled sample; incremental fetches."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.support.fake_market import FakeMarketData
from volex import Volex
from volex.adapters.market_data.files import sample_candles
from volex.errors import DataUnavailable, UnknownSymbol


def _venue(volex: Volex, bars_available: int = 1500) -> FakeMarketData:
    frame = sample_candles("BTC/USDT", "2h").tail(bars_available).reset_index(drop=True)
    last_open = int(frame["timestamp"].astype("int64").iloc[-1])
    # "now" is inside the newest bar: it is still forming and must not be used.
    venue = FakeMarketData("binance", "BTC/USDT", "2h", frame, now_ms=last_open + 3_600_000)
    volex.runtime._market_data["binance"] = venue
    return venue


def test_live_candles_are_cached_and_only_missing_bars_are_fetched_next_time(monkeypatch) -> None:
    volex = Volex()
    venue = _venue(volex)
    monkeypatch.setattr(time, "time", lambda: venue.now_ms / 1000)
    first = volex.candles("BTC/USDT", "2h")
    assert first.source.kind == "exchange" and first.source.name == "binance"
    forming = venue.frame["timestamp"].iloc[-1]
    assert first.frame["timestamp"].iloc[-1] < forming, "the forming bar was used"
    assert len(first.frame) == 1000
    calls = len(venue.requests)
    volex.candles("BTC/USDT", "2h")
    assert len(venue.requests) == calls, "nothing new closed, yet the exchange was asked again"
    venue.frame = sample_candles("BTC/USDT", "2h").tail(1501).reset_index(drop=True)
    venue.now_ms += venue.step()  # one more bar has closed
    later = volex.candles("BTC/USDT", "2h")
    assert len(venue.requests) == calls + 1
    assert venue.requests[-1] == int(first.frame["timestamp"].astype("int64").iloc[-1]) + venue.step()
    assert later.frame["timestamp"].iloc[-1] == forming
    series = volex.cached_data()
    assert [(s.symbol, s.timeframe) for s in series] == [("BTC/USDT", "2h")]
    assert series[0].bars == 1001 and series[0].gaps == []


def test_unreachable_exchange_falls_back_to_cache_then_sample(monkeypatch) -> None:
    volex = Volex()
    venue = _venue(volex)
    monkeypatch.setattr(time, "time", lambda: venue.now_ms / 1000)
    volex.candles("BTC/USDT", "2h")
    venue.down = True
    same_bar = volex.candles("BTC/USDT", "2h")  # nothing can have closed: no need to ask
    assert same_bar.source.kind == "exchange" and not same_bar.notes
    venue.now_ms += venue.step()  # a bar closes while the venue is down
    cached = volex.candles("BTC/USDT", "2h")
    assert cached.source.kind == "cache"
    assert any("binance unreachable" in n for n in cached.notes)
    eth = volex.candles("ETH/USDT", "2h")  # nothing cached for ETH: the bundled sample
    assert eth.source.kind == "sample"
    assert eth.source.last is not None and eth.source.last.year == 2025


def test_usd_pair_resolves_to_usdt_where_the_venue_lists_no_usd_market(monkeypatch) -> None:
    volex = Volex()
    venue = _venue(volex)
    monkeypatch.setattr(time, "time", lambda: venue.now_ms / 1000)
    result = volex.candles("BTCUSD", "2h")
    assert result.symbol == "BTC/USDT"
    assert any("no BTC/USD market; using BTC/USDT" in n for n in result.notes)


def test_unlisted_symbol_is_a_clear_error() -> None:
    volex = Volex()
    _venue(volex)
    with pytest.raises(UnknownSymbol, match="binance has no market FOO/USDT"):
        volex.candles("FOO/USDT", "2h")


def test_offline_without_data_says_what_the_sample_holds() -> None:
    with pytest.raises(DataUnavailable, match="bundled sample lacks it"):
        Volex(offline=True).candles("FOO/USDT", "1h")


def test_offline_builds_longer_bars_from_the_sample() -> None:
    result = Volex(offline=True).candles("ETH/USDT", "4h")
    assert result.source.kind == "sample"
    assert any("built from the sample's 2h bars" in n for n in result.notes)
    gaps = result.frame["timestamp"].diff().dropna().dt.total_seconds().unique()
    assert 4 * 3600 in gaps


def _blackhole() -> tuple[socket.socket, int]:
    """A server that accepts connections and never answers (a hung exchange)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def test_a_hung_exchange_fails_over_within_a_couple_of_seconds() -> None:
    from volex.adapters.market_data.ccxt_data import CcxtMarketData

    server, port = _blackhole()
    try:
        volex = Volex(network_timeout_s=1.0)
        venue = CcxtMarketData("binance", timeout_s=1.0)
        client = venue._client
        client.urls["api"] = {k: f"http://127.0.0.1:{port}/" + v.split(".com/", 1)[-1]
                              for k, v in client.urls["api"].items() if isinstance(v, str)}
        volex.runtime._market_data["binance"] = venue
        started = time.monotonic()
        result = volex.analyze("BTC/USDT", "1d")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.source.kind == "sample"
    assert any("binance unreachable" in n for n in result.notes)
    assert elapsed < 3.0, f"failing over took {elapsed:.1f}s"


def test_processes_sharing_a_redis_cache_ask_the_exchange_once_per_bar(
        monkeypatch, redis_url: str, unique_prefix: str) -> None:
    from volex.config import UrlSettings

    def one_process() -> tuple[Volex, FakeMarketData]:
        volex = Volex(cache=UrlSettings(url=redis_url, namespace=unique_prefix))
        return volex, _venue(volex)

    first, venue = one_process()
    monkeypatch.setattr(time, "time", lambda: venue.now_ms / 1000)
    first.candles("BTC/USDT", "2h")
    assert venue.requests
    second, other = one_process()  # same store, same cache, a new process's clients
    result = second.candles("BTC/USDT", "2h")
    assert other.requests == [] and other.markets_calls == 0, "the exchange was asked again"
    assert result.source.kind == "exchange"
    assert result.frame.equals(first.candles("BTC/USDT", "2h").frame)
    first.close()
    second.close()
