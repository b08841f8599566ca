"""Matching the autopilot's trades with the backtest's: late fills, slippage, fees."""

from __future__ import annotations

import pytest

from volex.autopilot.reconcile import MAX_LATE_BARS, Event, match_market

STEP = 7_200_000


def _event(side: str, bar: int, price: float, fee: float = 0.0) -> Event:
    return Event("BTC/USDT", side, bar * STEP, price, 2.0, fee, f"o{bar}" if fee else None)


def test_a_late_worse_fill_is_matched_and_costed() -> None:
    expected = [_event("buy", 10, 100.0), _event("sell", 20, 110.0)]
    actual = [_event("buy", 12, 101.0, fee=0.303), _event("sell", 20, 109.5, fee=0.219)]
    out = match_market("BTC/USDT", expected, actual, STEP, fee_rate=0.001)
    assert (len(out.matched), out.missed, out.extra) == (2, [], [])
    assert out.late_bars == 2
    assert out.slippage == pytest.approx(2 * 1.0 + 2 * 0.5)  # paid more, sold for less
    assert out.fee_excess == pytest.approx(0.303 - 0.202)
    assert out.cost == pytest.approx(3.0 + 0.101)
    assert out.to_dict()["trades"]["matched"][0]["late_bars"] == 2


def test_too_late_or_the_wrong_side_is_missed_and_extra() -> None:
    expected = [_event("buy", 10, 100.0)]
    actual = [_event("sell", 10, 100.0, fee=0.2),
              _event("buy", 11 + MAX_LATE_BARS, 100.0, fee=0.2)]
    out = match_market("BTC/USDT", expected, actual, STEP, fee_rate=0.001)
    assert out.matched == [] and out.missed == expected and out.extra == actual
    assert out.fees == pytest.approx(0.4) and out.cost == 0
