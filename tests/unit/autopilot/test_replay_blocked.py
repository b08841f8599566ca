"""A replay whose venue or risk refuses an order says so: the backtest never refuses."""

from __future__ import annotations

from volex.adapters.storage.autopilot import BarRecord
from volex.autopilot.replay import blocked_orders

H = 7_200_000


def _bar(symbol: str, n: int, action: str, detail: str = "") -> BarRecord:
    return BarRecord(symbol, "2h", 1_750_000_000_000 // H * H + n * H, "done", action, detail, {})


def test_blocked_orders_are_counted_per_market_with_the_first_reason() -> None:
    journal = [_bar("BTC/USDT", 1, "buy"), _bar("DOGE/USDT", 3, "blocked", "blocked by venue: b"),
               _bar("DOGE/USDT", 2, "blocked", "blocked by venue: a"),
               _bar("ETH/USDT", 2, "no change")]
    assert blocked_orders(journal) == {"DOGE/USDT": (
        "2 order(s) blocked, where the backtest trades; the first on the bar of "
        "2025-06-15 18:00 UTC: blocked by venue: a")}
    assert blocked_orders([_bar("BTC/USDT", 1, "sell")]) == {}
