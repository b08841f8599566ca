"""Soak: a month of 5-minute bars for 10 markets through the whole chain, memory bounded.

30 days x 288 bars x 10 markets on the simulated clock (journal, allocator, risk, execution,
paper venue); the resident memory at the end must be within 50 MB of where it was after the
first simulated day. benchmarks/bench_autopilot.py prints the whole curve.
"""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from tests.support.autopilot import random_walk_files
from volex import Volex
from volex.portfolio.allocator import AllocationRules

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

MARKETS, DAYS = 10, 30


def test_a_month_of_5m_bars_for_10_markets_keeps_memory_flat(tmp_path: Path) -> None:
    names, files = random_walk_files(tmp_path, MARKETS, DAYS)
    process = psutil.Process()
    per_day = 24 * 12 * MARKETS
    rss: list[int] = []
    handled = 0

    def on_bar(_record: object) -> None:
        nonlocal handled
        handled += 1
        if handled % per_day == 0:
            rss.append(process.memory_info().rss)

    with Volex(offline=True) as app:
        report = app.replay_autopilot(watchlist=names, strategy="sma_cross",
                                      params={"fast": 36, "slow": 144}, data=files,
                                      since="2026-01-01", rules=AllocationRules(max_open=10),
                                      on_bar=on_bar)
    assert report.problems == {}
    assert report.bars_handled >= MARKETS * (DAYS * 288 - 2)  # every bar, once
    assert sum(len(r.trades) for r in report.results) > 50  # the chain really traded
    assert len(rss) >= DAYS - 1
    growth_mb = (rss[-1] - rss[0]) / 2**20
    assert growth_mb < 50, f"RSS grew {growth_mb:.1f} MB from day 1 to day {len(rss)}"
