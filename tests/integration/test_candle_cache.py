"""The candle cache: overlapping saves never duplicate, gaps are reported (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from volex.adapters.market_data.files import sample_candles
from volex.adapters.storage.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path}/v.db"
    opened = Store(url)
    yield opened
    opened.close()


def test_overlapping_saves_keep_one_row_per_bar_and_the_newest_values(store: Store) -> None:
    frame = sample_candles("ETH/USDT", "2h")
    store.candles.save("binance", "ETH/USDT", "2h", frame.head(600))
    revised = frame.iloc[500:].copy()
    revised.loc[revised.index[0], "close"] = 1.0  # a corrected bar replaces the old one
    store.candles.save("binance", "ETH/USDT", "2h", revised)
    loaded = store.candles.load("binance", "ETH/USDT", "2h")
    assert len(loaded) == len(frame)
    assert loaded["timestamp"].is_unique and loaded["timestamp"].is_monotonic_increasing
    assert loaded["close"].iloc[500] == 1.0
    assert loaded["close"].iloc[-1] == frame["close"].iloc[-1]


def test_gaps_are_reported_with_the_missing_range(store: Store) -> None:
    frame = sample_candles("DOGE/USDT", "2h")
    holed = frame.drop(index=range(100, 103))
    store.candles.save("binance", "DOGE/USDT", "2h", holed)
    [series] = store.candles.series()
    first_missing = int(frame["timestamp"].astype("int64").iloc[100])
    last_missing = int(frame["timestamp"].astype("int64").iloc[102])
    assert series.gaps == [(first_missing, last_missing)]
    assert series.missing_bars == 3
    assert series.bars == len(frame) - 3


def test_reopening_a_migrated_store_keeps_the_data(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/v.db"
    first = Store(url)
    first.candles.save("binance", "ETH/USDT", "2h", sample_candles("ETH/USDT", "2h").head(10))
    first.close()
    again = Store(url)
    assert len(again.candles.load("binance", "ETH/USDT", "2h")) == 10
    again.close()
