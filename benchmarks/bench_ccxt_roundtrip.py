"""Order round trips through the live adapter, against the loopback Binance simulator.

    python benchmarks/bench_ccxt_roundtrip.py [--orders 200]

Prints median and p95 wall times of: a bare ccxt ``create_order`` (one POST), the adapter's
market order (duplicate check + ticker for the minimum check + POST), a limit order placed
and cancelled, and the adapter's order after an answer lost on the way back (the wait for
the receive window plus the lookup). Everything runs on 127.0.0.1, so the numbers are the
client-side cost of the safety, not network latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.binance_sim import FAKE_KEY, FAKE_SECRET, BinanceSim, Fault
from volex.adapters.exchange.ccxt_exchange import CcxtExchange
from volex.adapters.exchange.retry import RetryPolicy
from volex.domain.orders import OrderRequest


def timings(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """Median and 95th percentile of ``n`` calls, in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    with BinanceSim(balances={"USDT": "100000000", "BTC": "1000"}) as sim:
        config = {**sim.client_config(), "enableRateLimit": False}
        exchange = CcxtExchange("binance", {"api_key": FAKE_KEY, "secret": FAKE_SECRET}, False,
                                2.0, config, retry=RetryPolicy(in_flight_margin_s=0.05))
        exchange.markets()
        raw = exchange._client  # the same ccxt client, without the adapter's checks

        def bare() -> None:
            raw.create_order("BTC/USDT", "market", "buy", 0.001)

        def market() -> None:
            exchange.create_order(OrderRequest(symbol="BTC/USDT", side="buy",
                                               amount=Decimal("0.001")))

        def limit_and_cancel() -> None:
            order = exchange.create_order(OrderRequest(
                symbol="BTC/USDT", side="buy", type="limit", amount=Decimal("0.001"),
                price=Decimal(50000)))
            exchange.cancel_order(order.id, "BTC/USDT")

        def lost_answer() -> None:
            sim.inject(Fault("drop_after_accept"))
            market()

        rows = [("bare ccxt create_order (1 request)", timings(bare, args.orders)),
                ("adapter market order (3 requests)", timings(market, args.orders)),
                ("adapter limit order + cancel", timings(limit_and_cancel, args.orders)),
                ("adapter order, answer lost (waits recvWindow)", timings(lost_answer, 3))]
    print(f"{'round trip':<48}{'median ms':>10}{'p95 ms':>10}")
    for name, (median, p95) in rows:
        print(f"{name:<48}{median:>10.2f}{p95:>10.2f}")


if __name__ == "__main__":
    main()
