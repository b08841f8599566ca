"""Backtest speed: Volex next to backtesting.py and vectorbt, sma_cross 10/30 long-only.

    python benchmarks/bench_backtest.py [--bars 1000000] [--skip-peers]

Prints: Volex in a warm process (signals + simulation + metrics), the same strategy in
backtesting.py and vectorbt (warm; vectorbt's first-call compilation shown apart), and
the whole `volex backtest ... --data FILE` command as a fresh process (7 runs after one
that fills the numba cache and creates the store), each paired with a run of `python -c
"import typer"` just before it. Goal for the command on a 1,000,000-bar CSV: under 1 s on an
idle machine, i.e. under 11x that baseline (about 90 ms idle; the ratio is what stays
comparable on a busy machine).
Measured 2026-12-06 on an idle 2-core machine: 0.72-0.86 s wall = 8-10x the baseline, 1.0-1.1 s
CPU (pyarrow parses on both cores). The command imports neither pandas nor SQLAlchemy: the
CSV goes from pyarrow into numpy, TA-Lib is imported without its pandas wrappers, and the CLI
builds only the command named. What remains is numpy, pyarrow, typer/rich, the settings, the
read (about 0.1 s) and the engine (about 0.06 s). With --stop-loss the numba kernel runs, and
importing numba costs another 0.8 s or so.
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


def _timed_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time (user + system) of one fresh process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bench_cli(candles: pd.DataFrame, *extra: str) -> dict[str, float]:
    """The command's median wall and CPU time, the baseline's, and the median of the ratios.

    Each run of the command is paired with a run of `python -c "import typer"` just before it,
    and the ratio is taken pair by pair: a machine whose speed drifts (a shared or burstable
    one) moves both.
    """
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
        baseline = [sys.executable, "-c", "import typer"]
        _timed_run(command, env)  # fills the numba and bytecode caches, creates the database
        runs = [(_timed_run(baseline, env), _timed_run(command, env)) for _ in range(7)]
    med = statistics.median
    return {"wall": med(r[1][0] for r in runs), "cpu": med(r[1][1] for r in runs),
            "base_wall": med(r[0][0] for r in runs), "base_cpu": med(r[0][1] for r in runs),
            "ratio": med(r[1][0] / r[0][0] for r in runs),
            "cpu_ratio": med(r[1][1] / r[0][1] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    candles = synthetic_candles(args.bars)
    print(f"sma_cross {FAST}/{SLOW}, long-only, next-open fills, {args.bars:,} bars")
    # Fresh processes first, while the machine is idle: the peers below keep both cores busy
    # for half a minute, and a burstable machine is slower for a while after that.
    cli = bench_cli(candles)
    print(f'  `volex backtest --data` fresh process, {args.bars:,}-bar CSV: {cli["wall"]:.2f} s '
          f'wall, {cli["cpu"]:.2f} s CPU; `python -c "import typer"` {cli["base_wall"] * 1000:.0f} '
          f'ms: the command takes {cli["ratio"]:.1f}x that (CPU {cli["cpu_ratio"]:.1f}x), median '
          "of 7 pairs; goal < 1 s idle, < 11x")
    stop = bench_cli(candles, "--stop-loss", "1")
    print(f'  the same with --stop-loss 1 (numba, cache on disk): {stop["wall"]:.2f} s wall, '
          f'{stop["cpu"]:.2f} s CPU ({stop["ratio"]:.1f}x)')
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
    print(f"  (load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
