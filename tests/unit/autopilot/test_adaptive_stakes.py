"""Risk that adapts, in the autopilot's own loop: after a drawdown from the equity peak its
entries shrink by the configured factor (audited), and never grow beyond the sizing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.autopilot import btc_file
from volex import Volex
from volex.autopilot.clock import ReplayClock

START = datetime(2017, 8, 19, tzinfo=UTC)
FLIPPER = (
    "import numpy as np\n"
    "from volex.strategies import Param, Strategy\n\n"
    "class Flipper(Strategy):\n"
    "    name = 'flipper'\n"
    "    params = (Param('period', 2, 1, 10, 1),)\n\n"
    "    def generate(self, candles, params):\n"
    "        n = len(candles['close'])\n"
    "        return ((np.arange(n) // params['period']) % 2).astype(np.int8)\n")


def _run(tmp_path: Path, monkeypatch, **settings) -> tuple[list[tuple[int, float]], list]:
    """Buy quotes (amount x price) of a strategy in and out every 2 bars, and the audit;
    each run in its own VOLEX_HOME."""
    (tmp_path / "home").mkdir(parents=True)
    monkeypatch.setenv("VOLEX_HOME", str(tmp_path / "home"))
    strategy_file = tmp_path / "flipper.py"
    strategy_file.write_text(FLIPPER)
    data = btc_file(tmp_path / "btc.csv", 200)
    clock = ReplayClock(START)
    with Volex(offline=True, actor="cli", **settings) as app:
        for state in ("backtested", "paper"):
            app.set_strategy_state("flipper", state, file=strategy_file)
        pilot = app.prepare_autopilot(watchlist=["BTC/USDT"], mode="strategy",
                                      strategy="flipper", data=[data], file=strategy_file,
                                      clock=clock, quote="1000")
        pilot.start()
        pilot.run(until=START + timedelta(hours=300))
        journal = app.runtime.store.autopilot.bars(app.autopilot_account)
        audit = [r for r in app.audit() if r.action.startswith("risk.stakes.")]
    buys = []
    for record in sorted(journal, key=lambda r: r.bar_ms):
        got = re.search(r"buy ([\d.]+) BTC/USDT at ([\d.]+)", record.detail)
        if record.action == "buy" and got:
            buys.append((record.bar_ms, float(got[1]) * float(got[2])))
    return buys, audit


def test_entries_shrink_after_a_drawdown_and_the_switch_is_audited(tmp_path: Path,
                                                                   monkeypatch) -> None:
    full, none = _run(tmp_path / "plain", monkeypatch)
    assert none == [] and len(full) >= 10
    assert all(950 < quote <= 1000 for _, quote in full)
    adapted, audit = _run(tmp_path / "adaptive", monkeypatch,
                          improve={"risk": {"drawdown_pct": 0.5, "factor": 0.5}})
    assert audit and audit[0].action == "risk.stakes.shrunk"
    assert "below its peak" in audit[0].reason
    halves = [quote for _, quote in adapted if quote < 600]
    assert halves and all(470 < q <= 500 for q in halves)
    assert all(q <= 1000 for _, q in adapted)  # never above what the sizing chose
