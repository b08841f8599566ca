"""Process wall time of `volex news BTC --offline` over a store holding a month of news.

Goal: under 1 s. The store is filled with 6,000 items over 30 days (a fifth about BTC, many
sources, a year of Fear & Greed), as a week of `volex news fetch --watch` would leave it.
Each figure is the median of fresh processes with a private VOLEX_HOME; CPU time is printed
too, since on a shared machine wall time includes waiting for a core.

    python benchmarks/bench_news.py
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from timing import volex_command  # benchmarks/timing.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 5
ITEMS = 6000


def _fill(home: str) -> None:
    os.environ["VOLEX_HOME"] = home
    from volex.adapters.storage.store import Store
    from volex.agents.news import scored_item
    from volex.domain.news import RawItem

    rng = random.Random(7)
    words = ["surges", "falls", "hack", "rally", "steady", "ETF", "inflows", "outage", "record"]
    assets = ["Bitcoin", "Ether", "Solana", "Dogecoin", "XRP"]
    now = datetime.now(UTC)
    store = Store(f"sqlite:///{home}/volex.db")
    batch = []
    for i in range(ITEMS):
        seen = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
        title = f"{rng.choice(assets)} {rng.choice(words)} {rng.choice(words)} story {i}"
        raw = RawItem(source=f"Source{i % 9}", title=title, link=f"https://x.example/{i}",
                      published_at=seen - timedelta(minutes=5))
        batch.append(scored_item(raw, seen))
    for start in range(0, ITEMS, 500):
        store.news.add(batch[start:start + 500])
    store.news.add_fear_greed([(now.replace(hour=0, minute=0, second=0, microsecond=0)
                                - timedelta(days=d), rng.randrange(101), "Neutral")
                               for d in range(365)], now)
    store.close()


def main() -> None:
    home = tempfile.mkdtemp(prefix="volex-bench-")
    env = {**os.environ, "VOLEX_HOME": home}
    volex = volex_command()
    try:
        started = time.perf_counter()
        _fill(home)
        fill = time.perf_counter() - started
        args = [volex, "news", "BTC", "--offline"]
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        walls, cpus = [], []
        for _ in range(RUNS):
            t0, c0 = time.perf_counter(), _children_cpu()
            subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t0)
            cpus.append(_children_cpu() - c0)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"store filled with {ITEMS:,} items in {fill:.1f} s (scored and merged into stories)")
    print(f"volex news BTC --offline   {statistics.median(walls) * 1000:6.0f} ms median of {RUNS} "
          f"(min {min(walls) * 1000:.0f} ms; goal < 1000 ms); CPU "
          f"{statistics.median(cpus) * 1000:.0f} ms (what it costs on an idle machine)")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
