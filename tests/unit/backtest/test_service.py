"""Backtest and optimise through the service: windows, saved parameters, lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import candle_file
from volex.backtest.service import Window, run_backtests, run_optimization
from volex.errors import UserInputError
from volex.strategies.lifecycle import InMemoryStrategyStore, LifecycleState


class FileLoader:
    """Stands in for the facade's candle loader: always the reference file."""

    def __init__(self, name: str) -> None:
        self.path = candle_file(name)
        self.calls: list[tuple] = []

    def __call__(self, symbol: str, timeframe: str | None, data: str | Path | None,
                 bars: int | None):
        from volex.adapters.market_data.files import read_candles_file
        from volex.domain.analysis import CandleSource
        from volex.domain.candles import CandleSet

        self.calls.append((symbol, timeframe, data, bars))
        frame = read_candles_file(self.path)
        return CandleSet(symbol, timeframe or "1d", frame,
                         CandleSource(kind="file", name=str(self.path), bars=len(frame)))


def test_window_by_dates_and_by_days() -> None:
    loader = FileLoader("BTC_USDT_1d")
    frame = loader("BTC/USDT", "1d", None, None).frame
    picked = Window(since="2020-01-01", until="2020-12-31").apply(frame)
    assert picked["timestamp"].iloc[0] == datetime(2020, 1, 1, tzinfo=UTC)
    assert picked["timestamp"].iloc[-1] == datetime(2020, 12, 31, tzinfo=UTC)
    assert len(Window(days=30).apply(frame)) == 30
    assert Window(days=30).bars_needed("2h") == 360
    with pytest.raises(UserInputError, match="either --days or --since"):
        Window(days=3, since="2020-01-01").apply(frame)
    with pytest.raises(UserInputError, match="bad date"):
        Window(since="yesterday-ish").apply(frame)


HOUR = 3_600_000
STAMPS = np.arange(0, 48 * HOUR, HOUR, dtype=np.int64) + 1_704_067_200_000  # 2024-01-01, 48 1h bars


def test_a_window_is_exact_at_its_edges() -> None:
    """--days counts bars less than N days before the last one; --since/--until include their
    own instant; a zone is honoured; fractions of a day are not rounded away."""
    last = STAMPS[-1]
    assert STAMPS[Window(days=1).rows(STAMPS)][0] == last - 23 * HOUR  # 24 h before: out
    assert STAMPS[Window(days=0.5).rows(STAMPS)][0] == last - 11 * HOUR
    assert STAMPS[Window(days=1 / 3).rows(STAMPS)][0] == last - 7 * HOUR  # exactly 8 h: out
    picked = STAMPS[Window(since="2024-01-01T05:00:00Z", until="2024-01-01 09:00").rows(STAMPS)]
    assert (picked[0], picked[-1]) == (STAMPS[5], STAMPS[9])
    shifted = STAMPS[Window(since="2024-01-01T07:00:00+02:00").rows(STAMPS)]
    assert shifted[0] == STAMPS[5]  # 07:00 at +02:00 is 05:00 UTC
    between = STAMPS[Window(since="2024-01-01T05:00:00.001Z").rows(STAMPS)]
    assert between[0] == STAMPS[6]  # a millisecond after a bar's open excludes that bar
    as_datetime = Window(since=datetime(2024, 1, 1, 5), until=datetime(2024, 1, 1, 9, tzinfo=UTC))
    assert len(STAMPS[as_datetime.rows(STAMPS)]) == 5
    assert STAMPS[Window(since="Jan 1 2024 05:00").rows(STAMPS)][0] == STAMPS[5]  # pandas reads it
    with pytest.raises(UserInputError, match="fewer than 2 bars"):
        Window(since="2024-01-02T23:00:00Z").rows(STAMPS)
    with pytest.raises(UserInputError, match="bad date"):
        Window(since="not a date").rows(STAMPS)


def test_the_shortfall_note_says_when_the_data_starts_after_the_window() -> None:
    used = STAMPS[Window(days=5).rows(STAMPS)]
    assert Window(days=5).shortfall(STAMPS, used) == (
        "the data starts 2024-01-01 00:00 UTC, after the window asked for (2023-12-28): "
        "48 bars tested")
    assert Window(days=1).shortfall(STAMPS, STAMPS[Window(days=1).rows(STAMPS)]) is None
    assert Window(since="2023-12-31").shortfall(STAMPS, STAMPS) is not None
    assert Window(since="2024-01-01").shortfall(STAMPS, STAMPS) is None
    assert Window().shortfall(STAMPS, STAMPS) is None


def test_a_backtest_marks_a_draft_backtested_and_uses_saved_params() -> None:
    store = InMemoryStrategyStore()
    loader = FileLoader("BTC_USDT_1d")
    opt = run_optimization(loader, store, "sma_cross", "BTC/USDT", trials=10, save=True,
                           objective="return")
    saved = opt.saved.best_params
    runs = run_backtests(loader, store, "sma_cross", ["BTC/USDT", "ETH/USDT"], window=Window())
    assert [r.result.symbol for r in runs] == ["BTC/USDT", "ETH/USDT"]
    assert runs[0].result.params == saved
    assert runs[0].result.metrics.total_return == pytest.approx(opt.result.best.value)
    assert store.get("sma_cross").state is LifecycleState.BACKTESTED
    overridden = run_backtests(loader, store, "sma_cross", ["BTC/USDT"],
                               params={"fast": "5", "slow": "50"})
    assert overridden[0].result.params == {"fast": 5, "slow": 50}


def test_walk_forward_backtest_reports_folds_and_in_sample_figures() -> None:
    steps: list[tuple[int, int, str]] = []
    runs = run_backtests(FileLoader("BTC_USDT_1d"), InMemoryStrategyStore(), "breakout",
                         ["BTC/USDT"], walk_forward=2,
                         on_step=lambda d, t, what: steps.append((d, t, what)))
    out = runs[0].to_dict(with_trades=False)
    assert len(out["walk_forward"]["folds"]) == 2
    assert set(out["walk_forward"]["in_sample_metrics"]) == set(out["metrics"])
    assert steps[-1][0] == steps[-1][1]


def test_a_study_name_without_storage_is_refused() -> None:
    with pytest.raises(UserInputError, match="--study needs --storage"):
        run_optimization(FileLoader("BTC_USDT_1d"), InMemoryStrategyStore(), "sma_cross",
                         "BTC/USDT", study="x")
