"""The autopilot over a month: resident memory day by day, and bar-to-orders latency.

Replays 30 days of 5-minute bars for 10 synthetic markets (random walks) through the whole
chain on the simulated clock (journal, allocator, risk, execution, paper venue) and prints:

- the resident memory (RSS) after each simulated day: it must stay flat (the soak test in
  tests/integration/test_autopilot_soak.py asserts the end within 50 MB of day 1);
- per pass (one closed bar of all 10 markets, from the bar closing to the orders sent): the
  median and 95th percentile wall time (and CPU time: on a shared machine wall time includes
  waiting for a core), split by stage: venue reads (holdings, book),
  decisions (candles + strategy targets), journal writes, execution (risk + send). Goal:
  under 200 ms for 10 markets.

With ``--during-retrain`` the replay runs a second time while another process retrains the
default model on the bundled BTC/USDT 2h sample over and over (what `volex improve` does
beside `volex run`), and the bar-to-orders figures are printed for both: quiet and during a
retrain (on 2 cores the retrain takes one; the autopilot never waits for it, it only shares
the machine).

    python benchmarks/bench_autopilot.py [--days 30] [--markets 10] [--during-retrain]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STRATEGY = {"fast": 36, "slow": 144}  # sma_cross on 5m bars: a few trades a day per market


def _timed(store: dict[str, float], stage: str, fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            store[stage] += time.perf_counter() - start
    return wrapper


def _retrain_forever() -> None:
    """Another process's retraining, as `volex improve` would run it, until terminated (a
    daemon process: scikit-learn trains on one core there, with its warning silenced)."""
    import warnings

    warnings.filterwarnings("ignore", message="Loky-backed")
    from volex.adapters.market_data.files import sample_candles
    from volex.ml.training import train_model

    candles = sample_candles("BTC/USDT", "2h").tail(4000).reset_index(drop=True)
    while True:
        train_model(candles, "BTC/USDT", "2h")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--markets", type=int, default=10)
    parser.add_argument("--during-retrain", action="store_true",
                        help="replay again while another process retrains a model")
    args = parser.parse_args()
    quiet = _replay(args, "quiet")
    if not args.during_retrain:
        return
    import multiprocessing

    job = multiprocessing.get_context("spawn").Process(target=_retrain_forever, daemon=True)
    job.start()
    time.sleep(5)  # the retrain is training by now
    try:
        busy = _replay(args, "during a retrain in another process")
    finally:
        job.terminate()
        job.join()
    print(f"bar-to-orders median/p95 wall: quiet {quiet[0]:.1f}/{quiet[1]:.1f} ms, during a "
          f"retrain {busy[0]:.1f}/{busy[1]:.1f} ms")


def _replay(args: argparse.Namespace, title: str) -> tuple[float, float]:
    """One replay in a fresh VOLEX_HOME; prints its figures, returns (median, p95) in ms."""
    home = tempfile.mkdtemp(prefix="volex-bench-autopilot-")
    os.environ["VOLEX_HOME"] = home
    print(f"-- {title}")
    import psutil

    from tests.support.autopilot import random_walk_files
    from volex.autopilot import scheduler

    names, files = random_walk_files(Path(home), args.markets, args.days)
    process = psutil.Process()
    rss: list[float] = []
    passes: list[float] = []
    cpu: list[float] = []
    stages: list[dict[str, float]] = []
    bars_per_day = 24 * 12 * args.markets
    seen = 0

    def on_bar(_record) -> None:
        nonlocal seen
        seen += 1
        if seen % bars_per_day == 0:
            rss.append(process.memory_info().rss / 2**20)

    original = scheduler.Autopilot.pass_once

    def pass_once(self) -> int:
        current: dict[str, float] = defaultdict(float)
        chain = self.chain
        chain.begin_pass = _timed(current, "venue reads", type(chain).begin_pass.__get__(chain))
        chain._book = _timed(current, "venue reads", type(chain)._book.__get__(chain))
        chain.end_pass = _timed(current, "journal", type(chain).end_pass.__get__(chain))
        chain._put = _timed(current, "journal", type(chain)._put.__get__(chain))
        chain._send = _timed(current, "execution", type(chain)._send.__get__(chain))
        decider = chain.decider
        decider.decide = _timed(current, "decisions", type(decider).decide.__get__(decider))
        decider.latest_bar = _timed(current, "decisions",
                                    type(decider).latest_bar.__get__(decider))
        start, start_cpu = time.perf_counter(), time.process_time()
        handled = original(self)
        if handled:
            passes.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            stages.append(dict(current))
        return handled

    scheduler.Autopilot.pass_once = pass_once
    started = time.perf_counter()
    try:
        report = _run(app_args=(names, files, args.markets), on_bar=on_bar)
    finally:
        scheduler.Autopilot.pass_once = original
    total = time.perf_counter() - started
    trades = sum(len(r.trades) for r in report.results)
    print(f"replayed {args.days} days x {args.markets} markets of 5m bars: "
          f"{report.bars_handled} bars, {trades} trades, {total:.1f} s")
    print("RSS by simulated day (MB): " + " ".join(f"{v:.0f}" for v in rss))
    if rss:
        print(f"RSS growth day 1 -> day {len(rss)}: {rss[-1] - rss[0]:+.1f} MB (bound 50 MB)")
    ordered = sorted(passes)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"bar-to-orders per pass ({args.markets} markets): median "
          f"{statistics.median(passes) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms wall; median "
          f"{statistics.median(cpu) * 1000:.1f} ms, max {max(cpu) * 1000:.1f} ms CPU "
          "(goal < 200 ms)")
    trading = [s for s in stages if s.get("execution")]
    for label, group in (("every pass", stages), ("passes that sent orders", trading)):
        if not group:
            continue
        keys = sorted({k for s in group for k in s})
        shown = ", ".join(f"{k} {statistics.median(s.get(k, 0.0) for s in group) * 1000:.1f}"
                          for k in keys)
        print(f"  median per stage, {label} ({len(group)}): {shown} ms")
    return statistics.median(passes) * 1000, p95 * 1000


def _run(app_args: tuple[list[str], list[Path], int], on_bar):
    from volex import Volex
    from volex.portfolio.allocator import AllocationRules

    names, files, markets = app_args
    with Volex(offline=True) as app:
        return app.replay_autopilot(watchlist=names, strategy="sma_cross", params=STRATEGY,
                                    data=files, since="2026-01-01",
                                    rules=AllocationRules(max_open=markets), on_bar=on_bar)


if __name__ == "__main__":
    main()
