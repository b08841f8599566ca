"""Running `volex improve` safely: one runner at a time (a lease in the store), and on a cron
schedule.

The lease is taken before any work and extended after each market or strategy judged, so a
long run keeps it and a runner that dies frees it within ``lease_s``; the next scheduled run
then starts the job afresh (each market is judged from what is saved, so nothing is lost).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from volex.errors import LeaseHeld, UserInputError

if TYPE_CHECKING:
    from volex.adapters.storage.jobs import JobLeaseRepo
    from volex.autopilot.clock import Clock

__all__ = ["JobLease", "next_run", "run_on_schedule"]

JOB = "improve"
_T = TypeVar("_T")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class JobLease:
    """This process's claim on the ``improve`` job."""

    def __init__(self, repo: JobLeaseRepo, clock: Clock, lease_s: float, job: str = JOB) -> None:
        self.repo, self.clock, self.job = repo, clock, job
        self.ttl_ms = int(lease_s * 1000)
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.holder = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"

    def take(self) -> None:
        """Take (or extend) the lease, or raise LeaseHeld naming who runs the job."""
        held = self.repo.acquire(self.job, self.holder, self.host, self.pid,
                                 _ms(self.clock.wall()), self.ttl_ms)
        if held is not None:
            since = datetime.fromtimestamp(held["started_ts"] / 1000, UTC)
            until = datetime.fromtimestamp(held["expires_ts"] / 1000, UTC)
            raise LeaseHeld(f"`volex {self.job}` is already running: host {held['host']!r} "
                            f"(pid {held['pid']}) since {since:%Y-%m-%d %H:%M:%S} UTC; its "
                            f"lease ends {until:%Y-%m-%d %H:%M:%S} UTC if it stops "
                            "without finishing")

    def release(self) -> None:
        self.repo.release(self.job, self.holder)


def next_run(cron: str, after: datetime) -> datetime:
    """The first moment of ``cron`` (5 fields, UTC) after ``after``."""
    from croniter import croniter

    if not croniter.is_valid(cron):
        raise UserInputError(f"--schedule {cron!r} is not a cron expression "
                             "(5 fields, e.g. \"0 3 * * *\" for 03:00 UTC daily)")
    return croniter(cron, after).get_next(datetime).astimezone(UTC)


def run_on_schedule(cron: str, clock: Clock, job: Callable[[], _T],
                    on_result: Callable[[datetime, _T | Exception], Any],
                    should_stop: Callable[[], bool] = lambda: False,
                    runs: int | None = None) -> int:
    """Sleep until each moment of ``cron`` and run ``job`` then; a job refused by the lease
    or failing is reported through ``on_result`` and the loop goes on. Returns runs made."""
    from volex.errors import VolexError

    made = 0
    moment = next_run(cron, clock.wall())
    while not should_stop() and (runs is None or made < runs):
        clock.sleep_until(moment)
        if should_stop():
            break
        try:
            result: _T | Exception = job()
        except VolexError as exc:
            result = exc
        on_result(moment, result)
        made += 1
        moment = next_run(cron, max(clock.wall(), moment))
    return made
