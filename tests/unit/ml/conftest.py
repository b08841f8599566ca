"""Shared fixtures of the model tests: real candles from the bundled sample, small models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volex.adapters.market_data.files import sample_candles
from volex.ml.reports import ModelSpec

FAST_SPEC = ModelSpec(n_estimators=30, n_folds=3, n_jobs=1)


def random_walk_candles(bars: int, seed: int = 0, start: str = "2024-01-01 00:00",
                        freq: str = "2h") -> pd.DataFrame:
    """Synthetic but well-formed candles: a geometric random walk with noisy volume."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0, 0.01, bars)))
    open_ = np.concatenate([[close[0]], close[:-1]])
    spread = np.abs(rng.normal(0, 0.005, bars)) * close
    return pd.DataFrame({
        "timestamp": pd.date_range(start, periods=bars, freq=freq, tz="UTC").astype(
            "datetime64[ms, UTC]"),
        "open": open_, "high": np.maximum(open_, close) + spread,
        "low": np.minimum(open_, close) - spread, "close": close,
        "volume": rng.lognormal(3, 0.5, bars),
    })


@pytest.fixture(scope="session")
def make_candles():
    """The random-walk candle factory: ``make_candles(bars, seed=0, freq="2h")``."""
    return random_walk_candles


@pytest.fixture(scope="session")
def fast_spec() -> ModelSpec:
    """A small forest and three folds: seconds, not minutes."""
    return FAST_SPEC


@pytest.fixture(scope="session")
def btc_2h() -> pd.DataFrame:
    """The last 4,000 real BTC/USDT 2h candles of the bundled sample."""
    frame = sample_candles("BTC/USDT", "2h")
    assert frame is not None
    return frame.tail(4000).reset_index(drop=True)


@pytest.fixture(scope="session")
def small_model(btc_2h: pd.DataFrame):
    from volex.ml.training import train_model

    return train_model(btc_2h, "BTC/USDT", "2h", spec=FAST_SPEC)
