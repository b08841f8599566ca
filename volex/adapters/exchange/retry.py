"""Retries for venue calls: only idempotent requests, with backoff, honouring rate limits.

A request that changes state (creating an order) is never retried here: its fate is unknown
after a timeout, so the exchange adapter looks the order up by its client order id first.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from volex import errors

__all__ = ["RetryPolicy", "retry_idempotent"]

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per call, exponential backoff, and the in-flight margin.

    ``in_flight_margin_s`` is added to the venue's receive window before a lost order is
    looked up: it covers clock skew between us and the venue (Binance refuses timestamps more
    than 1 s ahead of its clock, so 1 s suffices there).
    """

    attempts: int = 4
    base_delay_s: float = 0.25
    max_delay_s: float = 8.0
    max_retry_after_s: float = 60.0
    in_flight_margin_s: float = 1.0
    jitter: float = 0.1

    def delay(self, attempt: int, error: errors.VolexError | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1``; a venue's Retry-After wins."""
        backoff = min(self.max_delay_s, self.base_delay_s * 2 ** attempt)
        backoff *= 1 + random.uniform(0, self.jitter)
        asked = getattr(error, "retry_after_s", None)
        if isinstance(error, errors.RateLimited) and asked is not None:
            return max(backoff, min(asked, self.max_retry_after_s))
        return backoff


def retry_idempotent(call: Callable[[], T], policy: RetryPolicy,
                     sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, retried on temporary failures (NetworkError, RateLimited) with backoff.

    Only for requests that can be repeated safely: reads, and cancels (a second cancel of the
    same order changes nothing). Permanent errors propagate at once.
    """
    attempt = 0
    while True:
        try:
            return call()
        except errors.NetworkError as exc:
            attempt += 1
            if attempt >= policy.attempts:
                raise
            sleep(policy.delay(attempt - 1, exc))
