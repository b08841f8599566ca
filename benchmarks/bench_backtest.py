"""Backtest speed: Volex next to backtesting.py and vectorbt, sma_cross 10/30 long-only.

    python benchmarks/bench_backtest.py [--bars 1000000] [--skip-peers]

Prints: Volex in a warm process (signals + simulation + metrics), the same strategy in
backtesting.py and vectorbt (warm; vectorbt's first-call compilation shown apart), and
the whole `volex backtest ... --data FILE` command as a fresh process (median of 3 runs
after one run that fills the numba cache), next to `python -c "import typer"` measured in the
same run. Goal for the command on a 1,000,000-bar CSV: under 1 s on an idle machine, i.e. under
11x that baseline (about 90 ms idle; the ratio is what stays comparable on a busy machine).
Measured 2026-12-06 (load 5-6 on 2 cores): 1.07-1.14 s CPU = 15-16x the baseline's CPU, of
which about 0.6 s is importing numpy, pandas (TA-Lib imports it), pyarrow, typer/rich and
the pydantic settings; the read is about 0.23 s CPU and the engine 0.08 s.
All engines fill at the next bar's open and
trade without fees: on a driftless random walk, 0.1% a fill grinds any account to dust
within 20,000 trades, and the peers then stop trading (backtesting.py cannot afford one
whole unit, vectorbt hits its minimum size), which would make the runs incomparable.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

FAST, SLOW = 10, 30
FEE = 0.0


def synthetic_candles(n: int, seed: int = 7) -> pd.DataFrame:
    """A geometric random walk of 1-minute candles (prices near 100)."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
    open_ = np.concatenate([[100.0], close[:-1]])
    spread = np.abs(rng.normal(0, 0.0005, n)) * close
    return pd.DataFrame({
        "timestamp": pd.date_range("2020-01-01", periods=n, freq="1min", tz="UTC"),
        "open": open_, "high": np.maximum(open_, close) + spread,
        "low": np.minimum(open_, close) - spread, "close": close,
        "volume": rng.uniform(1, 10, n),
    })


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``repeat`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_volex(candles: pd.DataFrame, stop_loss: float | None = None) -> tuple[float, int]:
    from volex.backtest.engine import BacktestConfig, bars_from_frame, run_backtest
    from volex.strategies import get_strategy

    bars = bars_from_frame(candles)
    strategy = get_strategy("sma_cross")
    params = {"fast": FAST, "slow": SLOW}
    config = BacktestConfig(fee=FEE, stop_loss=stop_loss)
    result = run_backtest(strategy, bars, params, config)
    return timed(lambda: run_backtest(strategy, bars, params, config)), result.metrics.trades


def bench_backtesting_py(candles: pd.DataFrame) -> tuple[float, int]:
    import talib
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover

    class SmaCross(Strategy):
        def init(self) -> None:
            self.fast = self.I(talib.SMA, self.data.Close, FAST)
            self.slow = self.I(talib.SMA, self.data.Close, SLOW)

        def next(self) -> None:
            if crossover(self.fast, self.slow):
                self.buy()
            elif crossover(self.slow, self.fast) and self.position:
                self.position.close()

    data = candles.rename(columns=str.capitalize).set_index("Timestamp")
    data.index = data.index.tz_localize(None)
    bt = Backtest(data, SmaCross, cash=1_000_000, commission=FEE, finalize_trades=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.environ["TQDM_DISABLE"] = "1"
        start = time.perf_counter()
        stats = bt.run()
        return time.perf_counter() - start, int(stats["# Trades"])


def bench_vectorbt(candles: pd.DataFrame) -> tuple[float, float, int]:
    import talib
    import vectorbt as vbt

    close = candles["close"].to_numpy()
    open_ = candles["open"].to_numpy()

    def run() -> object:
        fast, slow = talib.SMA(close, FAST), talib.SMA(close, SLOW)
        long = np.nan_to_num(fast) > np.nan_to_num(slow)
        # Act on the next bar's open, as Volex and backtesting.py do.
        long = np.concatenate([[False], long[:-1]])
        entries = long & ~np.concatenate([[False], long[:-1]])
        exits = ~long & np.concatenate([[False], long[:-1]])
        return vbt.Portfolio.from_signals(close, entries, exits, price=open_, fees=FEE,
                                          init_cash=10_000, freq="1min")

    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    portfolio = run()
    return first, timed(run, repeat=3), int(portfolio.trades.count())


def bench_cli(candles: pd.DataFrame, *extra: str) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the command."""
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "candles.csv"
        out = candles.assign(timestamp=candles["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        out.to_csv(file, index=False, float_format="%.6f")
        # An installed package has its bytecode compiled; PYTHONDONTWRITEBYTECODE (set on some
        # dev machines) would make every run recompile Volex's modules (about 0.4 s of CPU).
        env = {**os.environ, "VOLEX_HOME": str(Path(tmp) / "home")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [sys.executable, "-m", "volex", "backtest", "sma_cross", "SYN/USDT",
                   "--data", str(file), "--param", f"fast={FAST}", "--param", f"slow={SLOW}",
                   "--fee", str(FEE), *extra]
        times, cpu = [], []
        for i in range(4):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i:  # the first run fills the numba and bytecode caches, creates the database
                times.append(time.perf_counter() - start)
                cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        return statistics.median(times), statistics.median(cpu)


def bench_baseline() -> tuple[float, float]:
    """Median wall and CPU time of `python -c "import typer"` (fresh processes)."""
    import resource

    times, cpu = [], []
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import typer"], check=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    candles = synthetic_candles(args.bars)
    print(f"sma_cross {FAST}/{SLOW}, long-only, next-open fills, {args.bars:,} bars")
    volex_s, trades = bench_volex(candles)
    print(f"  volex (warm)              {volex_s:8.3f} s   {trades:,} trades")
    stop_s, stop_trades = bench_volex(candles, stop_loss=0.01)
    print(f"  volex, 1% stop (numba)    {stop_s:8.3f} s   {stop_trades:,} trades")
    if not args.skip_peers:
        bt_s, bt_trades = bench_backtesting_py(candles)
        print(f"  backtesting.py            {bt_s:8.3f} s   {bt_trades:,} trades   "
              f"volex is {bt_s / volex_s:,.0f}x faster")
        first, vbt_s, vbt_trades = bench_vectorbt(candles)
        print(f"  vectorbt (warm)           {vbt_s:8.3f} s   {vbt_trades:,} trades   "
              f"(first call {first:.2f} s)   volex is {vbt_s / volex_s:,.1f}x faster")
    base_s, base_cpu = bench_baseline()
    cli_s, cli_cpu = bench_cli(candles)
    print(f'  python -c "import typer" (baseline): {base_s * 1000:.0f} ms wall, '
          f"{base_cpu * 1000:.0f} ms CPU")
    print(f"  `volex backtest --data` fresh process, {args.bars:,}-bar CSV: {cli_s:.2f} s "
          f"wall = {cli_s / base_s:.1f}x baseline, {cli_cpu:.2f} s CPU = {cli_cpu / base_cpu:.1f}x "
          f"(median of 3; goal < 1 s idle, < 11x)")
    stop_s, stop_cpu = bench_cli(candles, "--stop-loss", "1")
    print(f"  the same with --stop-loss 1 (numba, cache on disk): {stop_s:.2f} s wall, "
          f"{stop_cpu:.2f} s CPU")
    print(f"  (load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
