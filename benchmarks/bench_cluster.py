"""Heavy work on an executor: a ~400-point grid over 4 markets, here and on clusters.

    python benchmarks/bench_cluster.py

macd_cross with signal fixed at 9 (456 grid points) on BTC/USDT 2h, ETH/USDT 2h,
DOGE/USDT 2h and BTC/USDT 1d from the bundled sample, searched four ways: in this process,
on 1 local worker process, on 2 local worker processes, and on a 2-worker Dask cluster on
loopback (LocalCluster: a real scheduler and worker processes). Prints the wall time of
each and its speed-up over 1 local worker, and checks every way found the same results.
Numbers depend on the machine's free cores: on 2 busy cores expect little gain.
"""

from __future__ import annotations

import os
import tempfile
import time

MARKETS = [("BTC/USDT", "2h"), ("ETH/USDT", "2h"), ("DOGE/USDT", "2h"), ("BTC/USDT", "1d")]
SEARCH = {"params": {"signal": 9}}


def _grid(volex, cluster: str | None) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    answers = []
    for symbol, timeframe in MARKETS:
        run = volex.optimize("macd_cross", symbol, timeframe=timeframe, cluster=cluster, **SEARCH)
        answer = run.to_dict()
        answer.pop("ran_on", None)
        answers.append(answer)
    return time.perf_counter() - start, answers


def main() -> None:
    from distributed import LocalCluster

    from volex import Volex

    os.environ.setdefault("VOLEX_HOME", tempfile.mkdtemp(prefix="volex-bench-"))
    with Volex(offline=True) as volex:
        _grid(volex, None)  # warm the caches and compiled kernels of this process
        points = volex.optimize("macd_cross", "BTC/USDT", timeframe="1d", **SEARCH)
        print(f"grid: {len(points.result.trials)} points x {len(MARKETS)} markets")
        timings = {}
        timings["this process"], reference = _grid(volex, None)
        for label, where in (("1 local worker", "local:1"), ("2 local workers", "local:2")):
            timings[label], found = _grid(volex, where)
            assert found == reference, f"{label} found other results"
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            timings["2-worker Dask cluster"], found = _grid(volex, cluster.scheduler_address)
            assert found == reference, "the Dask cluster found other results"
    base = timings["1 local worker"]
    for label, seconds in timings.items():
        print(f"{label:>24}: {seconds:6.2f} s   speed-up over 1 local worker {base / seconds:4.2f}x")


if __name__ == "__main__":  # worker processes are spawned: they must not run this again
    main()
