"""Optimisation speed: 200 grid points of sma_cross on BTC/USDT 2h (35k bars, bundled sample).

    python benchmarks/bench_optimize.py

Prints the in-process grid search, a 200-trial Bayesian (TPE) search, and the whole
`volex optimize ... --trials 200` command as a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

# The bundled sample as a file, because the command below reads it with --data.
DATA = Path(str(resources.files("volex.data").joinpath("BTC_USDT_2h.csv.gz")))


def main() -> None:
    from volex.adapters.market_data.files import read_candles_file
    from volex.backtest.engine import bars_from_frame
    from volex.backtest.optimize import optimize
    from volex.strategies import get_strategy

    bars = bars_from_frame(read_candles_file(DATA))
    strategy = get_strategy("sma_cross")
    print(f"sma_cross on BTC/USDT 2h, {len(bars['close']):,} bars")
    optimize(strategy, bars, trials=5)  # warm the caches
    for method in ("grid", "bayes"):
        start = time.perf_counter()
        result = optimize(strategy, bars, method=method, trials=200)
        took = time.perf_counter() - start
        print(f"  {method:5s} 200 points in-process   {took:6.2f} s   best "
              f"{result.best.params} sharpe {result.best.value:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VOLEX_HOME": tmp}
        command = [sys.executable, "-m", "volex", "optimize", "sma_cross", "BTC/USDT",
                   "--data", str(DATA), "--trials", "200"]
        subprocess.run(command, env=env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        print(f"  `volex optimize --trials 200` fresh process   "
              f"{time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()
