"""How long the account lock is held by check-and-accept, and what it adds to an order.

In one process with a private VOLEX_HOME and the paper venue (no network): "lock held" is
the time inside ``Database.locked`` for the final check and the reservation (the window in
which other processes wait), "execute" the whole ``ExecutionAgent.execute`` of a market buy
(re-plan, accept, send, journal, settle). Medians over RUNS orders, on SQLite and, when
VOLEX_BENCH_PG names a PostgreSQL database *of its own* (it migrates it and resets its paper
account), on PostgreSQL. Goal: lock held in milliseconds.

Measured on a shared 2-core machine: SQLite 1.1 ms held, 42 ms per execute; PostgreSQL
15 ms held, 138 ms per execute (the lock covers the limits read on a second connection).

    python benchmarks/bench_accept.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from contextlib import contextmanager

RUNS = 40


def _measure(url: str | None) -> tuple[float, float]:
    from volex import Volex
    from volex.adapters.storage.db import Database

    held: list[float] = []
    original = Database.locked

    @contextmanager
    def timed(self, key):  # type: ignore[no-untyped-def]
        with original(self, key) as conn:
            start = time.perf_counter()
            yield conn
        held.append(time.perf_counter() - start)

    Database.locked = timed  # type: ignore[method-assign]
    overrides = {"database_url": url} if url else {}
    try:
        with Volex(offline=True, **overrides) as app:
            app.paper_reset(1_000_000)
            app.set_risk_limit("max_open_orders", "1000")
            totals = []
            for _ in range(RUNS):
                plan = app.plan_trade("BTC/USDT", "buy", quote=20)
                start = time.perf_counter()
                app.trade(plan)
                totals.append(time.perf_counter() - start)
    finally:
        Database.locked = original  # type: ignore[method-assign]
    return statistics.median(held) * 1000, statistics.median(totals) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["VOLEX_HOME"] = home
        os.environ["VOLEX_OFFLINE"] = "true"
        targets = [("sqlite", None)]
        if os.environ.get("VOLEX_BENCH_PG"):
            targets.append(("postgresql", os.environ["VOLEX_BENCH_PG"]))
        for name, url in targets:
            held, total = _measure(url)
            print(f"{name:<11} lock held {held:6.2f} ms   execute {total:7.1f} ms   "
                  f"(medians of {RUNS} market buys)")


if __name__ == "__main__":
    main()
