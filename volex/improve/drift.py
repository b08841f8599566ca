"""Drift watch: are a model's live calls still as good as its out-of-sample record?

Its scored trading calls since it was saved (k right of n) are tested against the hit rate
its walk-forward showed at the same threshold, with a one-sided binomial test: if getting k
or fewer right is less likely than ``alpha`` for a model that good, it is degraded. Fewer
than ``min_calls`` calls say nothing yet.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["DriftCheck", "drift_test"]


class DriftCheck(BaseModel):
    """One model's live record against its out-of-sample one."""

    symbol: str
    timeframe: str
    calls: int = 0
    right: int = 0
    expected_hit_rate: float | None = None  # out of sample, at the trading threshold
    p_value: float | None = None
    degraded: bool = False
    newly_degraded: bool = False
    reason: str = ""

    def numbers(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"symbol", "timeframe", "reason"})


def drift_test(right: int, calls: int, expected: float, *, alpha: float,
               min_calls: int) -> tuple[float | None, bool]:
    """(p-value, degraded): the chance of ``right`` or fewer hits in ``calls`` at rate
    ``expected``; degraded when below ``alpha`` with at least ``min_calls`` calls."""
    if calls < min_calls:
        return None, False
    from scipy.stats import binomtest

    p_value = float(binomtest(right, calls, expected, alternative="less").pvalue)
    return p_value, p_value < alpha
