"""Portfolio backtest speed: one account over many markets, next to one backtest per market.

    python benchmarks/bench_portfolio.py [--markets 20] [--bars 50000] [--grid 200]

Prints, warm (numba cache filled, one warm-up call, median of 5):
1. ``sma_cross`` on ``--markets`` synthetic markets x ``--bars`` bars (each market starts a
   little later than the last and misses 1% of its bars, so the clock is a real union) as one
   portfolio with ``slots`` (5 open at most), next to the same markets backtested one by one.
   Goal: under 1 s.
2. A ``--grid``-point grid search of ``sma_cross`` over a basket of the bundled sample's
   markets (BTC, ETH and DOGE 2h; the sample has no fourth 2h market, so BTC 1d is the
   fourth: the clock is the union of all four), next to the same grid run market by market.
   Goal: under 20 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_times

MINUTE = 60_000


def synthetic_basket(markets: int, bars: int, seed: int = 11) -> tuple[list[str], list[dict]]:
    """Random walks of 1-minute bars; market k starts k*50 bars late and misses 1% of bars."""
    rng = np.random.default_rng(seed)
    symbols, out = [], []
    for k in range(markets):
        stamps = (np.arange(bars) + k * 50).astype(np.int64)
        stamps = stamps[rng.random(bars) >= 0.01]
        n = len(stamps)
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
        open_ = np.concatenate([[100.0], close[:-1]])
        spread = np.abs(rng.normal(0, 0.0005, n)) * close
        symbols.append(f"SYN{k:02d}/USDT")
        out.append({"timestamp": stamps * MINUTE, "open": open_,
                    "high": np.maximum(open_, close) + spread,
                    "low": np.minimum(open_, close) - spread, "close": close,
                    "volume": np.ones(n)})
    return symbols, out


def bundled_basket() -> tuple[list[str], list[dict]]:
    from volex.adapters.market_data.files import read_candles_file
    from volex.backtest.engine import bars_from_frame

    data = Path(__file__).resolve().parents[1] / "volex" / "data"
    names = ["BTC_USDT_2h", "ETH_USDT_2h", "DOGE_USDT_2h", "BTC_USDT_1d"]
    return names, [bars_from_frame(read_candles_file(data / f"{n}.csv.gz")) for n in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markets", type=int, default=20)
    parser.add_argument("--bars", type=int, default=50_000)
    parser.add_argument("--grid", type=int, default=200)
    args = parser.parse_args()

    from volex.backtest.engine import BacktestConfig, run_backtest
    from volex.backtest.optimize import optimize
    from volex.backtest.portfolio import make_basket
    from volex.backtest.portfolio_result import Portfolio, run_portfolio
    from volex.portfolio.allocator import AllocationRules
    from volex.strategies.registry import get_strategy

    strategy = get_strategy("sma_cross")
    params = strategy.resolve({})
    config = BacktestConfig(fee=0.001)
    rules = AllocationRules(max_open=5)

    symbols, bars = synthetic_basket(args.markets, args.bars)
    basket = make_basket(symbols, bars)
    result = run_portfolio(strategy, basket, params, config, rules)
    wall, cpu = median_times(lambda: run_portfolio(strategy, basket, params, config, rules), 5)
    one_wall, one_cpu = median_times(
        lambda: [run_backtest(strategy, b, params, config) for b in bars], 5)
    print(f"sma_cross, {args.markets} markets x {args.bars:,} bars ({len(basket.timestamps):,} "
          f"clock bars), slots, max 5 open, warm:")
    print(f"  one portfolio backtest         {wall:7.3f} s wall  {cpu:7.3f} s CPU   "
          f"({result.metrics.trades:,} trades, {len(result.refused):,} refused signals)"
          f"   goal < 1 s")
    print(f"  {args.markets} single backtests, one by one {one_wall:7.3f} s wall  "
          f"{one_cpu:7.3f} s CPU")

    names, real = bundled_basket()
    portfolio = Portfolio(make_basket(names, real), AllocationRules(max_open=2))
    start, start_cpu = time.perf_counter(), time.process_time()
    found = optimize(strategy, portfolio, trials=args.grid, config=config)
    grid_wall, grid_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    start, start_cpu = time.perf_counter(), time.process_time()
    for own in real:
        optimize(strategy, own, trials=args.grid, config=config)
    each_wall, each_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(f"\n{args.grid}-point grid of sma_cross over {', '.join(names)} "
          f"({len(portfolio.basket.timestamps):,} clock bars):")
    print(f"  one portfolio grid             {grid_wall:7.3f} s wall  {grid_cpu:7.3f} s CPU   "
          f"({len(found.trials)} points, best {found.best.params})   goal < 20 s")
    print(f"  {len(names)} single-market grids, one by one {each_wall:7.3f} s wall  "
          f"{each_cpu:7.3f} s CPU")


if __name__ == "__main__":
    main()
