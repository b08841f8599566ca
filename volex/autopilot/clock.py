"""One clock, three kinds: every part of the autopilot asks a clock for "now" and for sleep.

``LiveClock`` is the wall clock (the one place in the autopilot that reads it);
``ReplayClock`` is simulated time that jumps to whatever moment the loop sleeps until, so a
month of bars replays in seconds through the very same loop; ``ScaledClock`` runs from a given
moment at N times the speed of the wall clock, which lets several real processes share one
simulated market (failover drills).

``now()`` is market time (which bar has closed); ``wall()`` is the time leases and heartbeats
are measured in, which must be shared by every process holding or watching a lease.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "LiveClock", "ReplayClock", "ScaledClock"]


class Clock(Protocol):
    """What the autopilot needs from time."""

    def now(self) -> datetime:
        """Market time, UTC."""
        ...

    def wall(self) -> datetime:
        """Lease and heartbeat time, UTC (the same for every process on the account)."""
        ...

    def sleep_until(self, moment: datetime, at_most_s: float | None = None) -> None:
        """Wait until market time ``moment``, or ``at_most_s`` wall seconds if sooner
        (a simulated clock jumps to ``moment`` at once)."""
        ...


class LiveClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def wall(self) -> datetime:
        return datetime.now(UTC)

    def sleep_until(self, moment: datetime, at_most_s: float | None = None) -> None:
        _sleep((moment - self.now()).total_seconds(), at_most_s)


class ReplayClock:
    """Simulated time: starts at ``start`` and jumps forward when asked to sleep."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def wall(self) -> datetime:
        return self._now

    def sleep_until(self, moment: datetime, at_most_s: float | None = None) -> None:
        self._now = max(self._now, moment.astimezone(UTC))


class ScaledClock:
    """Market time running ``speed`` times faster than the wall clock from ``start``.

    Every process given the same ``start``, ``speed`` and ``origin`` (the wall-clock moment
    that maps to ``start``) sees the same market time, so they can take over from each other.
    """

    def __init__(self, start: datetime, speed: float, origin: datetime | None = None,
                 wall: LiveClock | None = None) -> None:
        self._wall = wall or LiveClock()
        self._start = start.astimezone(UTC)
        self._speed = speed
        self._origin = (origin or self._wall.wall()).astimezone(UTC)

    def now(self) -> datetime:
        elapsed = (self._wall.wall() - self._origin).total_seconds()
        return self._start + timedelta(seconds=elapsed * self._speed)

    def wall(self) -> datetime:
        return self._wall.wall()

    def sleep_until(self, moment: datetime, at_most_s: float | None = None) -> None:
        _sleep((moment - self.now()).total_seconds() / self._speed, at_most_s)


def _sleep(seconds: float, at_most_s: float | None) -> None:
    if at_most_s is not None:
        seconds = min(seconds, at_most_s)
    if seconds > 0:
        time.sleep(seconds)
