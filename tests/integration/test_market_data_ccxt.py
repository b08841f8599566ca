"""`volex data fetch` and `volex analyze` through ccxt's real binance client, pointed at the
loopback simulator by configuration alone (`[exchanges.binance] api_base`)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest

from tests.conftest import candle_file
from tests.integration.test_live_cli import loopback_only  # noqa: F401  (fixture)
from tests.support.binance_sim import BinanceSim
from tests.support.cli import run


@pytest.fixture
def venue(loopback_only: None) -> Iterator[BinanceSim]:  # noqa: F811
    with BinanceSim() as sim:
        for key, value in [("exchanges.binance.api_base", sim.url),
                           ("exchanges.binance.rate_limit", "false"),
                           ("network_timeout_s", "1.0")]:
            assert run("config", "set", key, value).exit_code == 0
        yield sim


def test_fetch_caches_candles_and_analyze_reads_them_live(venue: BinanceSim) -> None:
    csv = pd.read_csv(candle_file("BTC_USDT_2h"))
    expected = csv[csv["timestamp"] >= "2025-08-01"]
    fetched = run("data", "fetch", "BTC/USDT", "--timeframe", "2h", "--since", "2025-08-01")
    assert fetched.exit_code == 0, fetched.output + fetched.stderr
    assert f"cached {len(expected):,} bars of BTC/USDT from binance" in fetched.output
    [series] = json.loads(run("data", "list", "--json").stdout)
    assert (series["symbol"], series["timeframe"], series["bars"]) == ("BTC/USDT", "2h", len(expected))
    assert series["last"] == expected["timestamp"].iloc[-1][:16]
    again = run("data", "fetch", "BTC/USDT", "--timeframe", "2h")
    assert "cached 0 bars" in again.output, "bars already cached were fetched again"
    data = json.loads(run("analyze", "BTC/USDT", "--timeframe", "2h", "--json").stdout)
    assert data["source"] == "exchange" and data["source_detail"]["name"] == "binance"
    assert data["last_close"] == expected["close"].iloc[-1]


def test_symbols_the_venue_does_not_list(venue: BinanceSim) -> None:
    unknown = run("analyze", "FOO/USDT", "--timeframe", "2h")
    assert unknown.exit_code == 2 and "binance has no market FOO/USDT" in unknown.stderr
    run("data", "fetch", "BTC/USDT", "--timeframe", "2h", "--since", "2025-08-20")
    usd = json.loads(run("analyze", "BTCUSD", "--timeframe", "2h", "--json").stdout)
    assert usd["symbol"] == "BTC/USDT"
    assert "binance has no BTC/USD market; using BTC/USDT" in usd["notes"]


def test_a_venue_that_went_away_falls_back_to_the_cache(venue: BinanceSim) -> None:
    run("data", "fetch", "ETH/USDT", "--timeframe", "2h", "--since", "2025-07-01")
    venue.stop()
    data = json.loads(run("analyze", "ETH", "--timeframe", "2h", "--json").stdout)
    assert data["source"] == "cache"
    assert any("binance unreachable" in n for n in data["notes"])
