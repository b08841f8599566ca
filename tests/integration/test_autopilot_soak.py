"""Soak: a month of 5-minute bars for 10 markets through the whole chain, memory bounded.

30 days x 288 bars x 10 markets on the simulated clock (journal, allocator, risk, execution,
paper venue); the resident memory at the end must be within 50 MB of where it was after the
first simulated day. benchmarks/bench_autopilot.py prints the whole curve.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

MARKETS, DAYS = 10, 30

# Run in a fresh interpreter: the resident memory of a test worker that ran other tests first
# says more about them than about the autopilot.
SOAK = """
import gc, json, sys
from pathlib import Path
import psutil
from tests.support.autopilot import random_walk_files
from volex import Volex
from volex.portfolio.allocator import AllocationRules

markets, days, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
names, files = random_walk_files(folder, markets, days)
process, per_day, rss, handled = psutil.Process(), 24 * 12 * markets, [], 0

def on_bar(_record):
    global handled
    handled += 1
    if handled % per_day == 0:
        gc.collect()
        rss.append(process.memory_info().rss)

with Volex(offline=True) as app:
    report = app.replay_autopilot(watchlist=names, strategy="sma_cross",
                                  params={"fast": 36, "slow": 144}, data=files,
                                  since="2026-01-01", rules=AllocationRules(max_open=10),
                                  on_bar=on_bar)
print(json.dumps({"problems": report.problems, "bars": report.bars_handled, "rss": rss,
                  "trades": sum(len(r.trades) for r in report.results)}))
"""


def test_a_month_of_5m_bars_for_10_markets_keeps_memory_flat(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root),
                                                                      os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", SOAK, str(MARKETS), str(DAYS), str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=1100, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["problems"] == {}
    assert report["bars"] >= MARKETS * (DAYS * 288 - 2)  # every bar, once
    assert report["trades"] > 50  # the chain really traded
    rss = report["rss"]
    assert len(rss) >= DAYS - 1
    growth_mb = (rss[-1] - rss[0]) / 2**20
    assert growth_mb < 50, f"RSS grew {growth_mb:.1f} MB from day 1 to day {len(rss)}"
