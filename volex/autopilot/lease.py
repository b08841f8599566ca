"""One autopilot per account: a lease in the store, renewed by every heartbeat.

The lease expires ``lease_s`` after the last heartbeat (a few missed heartbeats), so a killed
autopilot frees its account by itself; a ``--standby`` autopilot waits and takes over then.
A holder that finds on renewal that it lost the lease (paused too long, and another took
over) must stop sending at once: :meth:`Lease.renew` returns False.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from volex.errors import LeaseHeld

if TYPE_CHECKING:
    from volex.adapters.storage.autopilot import AutopilotRepo, Holder
    from volex.autopilot.clock import Clock

__all__ = ["Lease", "describe_holder", "describe_setup"]

log = logging.getLogger(__name__)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def describe_holder(row: dict[str, Any]) -> str:
    """"host 'h' (pid 12), heartbeat 2026-12-06 17:00:01 UTC"."""
    beat = datetime.fromtimestamp(row["heartbeat_ts"] / 1000, UTC)
    return f"host {row['host']!r} (pid {row['pid']}), last heartbeat {beat:%Y-%m-%d %H:%M:%S} UTC"


def describe_setup(view: dict[str, Any]) -> str:
    """What a running autopilot trades and how it protects entries, from its status view:
    "strategy sma_cross · BTC/USDT, ETH/USDT 2h · stop 2% · target 5% · next bar 2026-…"."""
    parts = [str(view.get("decider")),
             f"{', '.join(view.get('watchlist') or [])} {view.get('timeframe')}"]
    for key, name in (("stop_loss_pct", "stop"), ("take_profit_pct", "target")):
        if view.get(key):
            parts.append(f"{name} {view[key]}%")
    parts.append(f"next bar {str(view.get('next_bar_due'))[:16].replace('T', ' ')}")
    return " · ".join(parts)


def _held(account: str, row: dict[str, Any]) -> LeaseHeld:
    return LeaseHeld(f"an autopilot already runs on {account}: {describe_holder(row)}; stop it "
                     "with `volex run stop`, or start this one with --standby")


class Lease:
    """This process's claim on one account's autopilot lease."""

    def __init__(self, repo: AutopilotRepo, account: str, clock: Clock, *, lease_s: float,
                 holder: Holder | None = None) -> None:
        from volex.adapters.storage.autopilot import Holder

        self.repo = repo
        self.account = account
        self.clock = clock
        self.ttl_ms = int(lease_s * 1000)
        self.holder = holder or Holder(id=f"{socket.gethostname()}:{os.getpid()}:"
                                          f"{uuid.uuid4().hex[:8]}",
                                       host=socket.gethostname(), pid=os.getpid())

    def holder_now(self) -> dict[str, Any] | None:
        """The lease row of another autopilot holding the lease now, else None."""
        row = self.repo.lease(self.account)
        if row is None or row["expires_ts"] < _ms(self.clock.wall()):
            return None
        return None if row["holder"] == self.holder.id else row

    def check_free(self) -> None:
        """Raise LeaseHeld now if another autopilot holds the lease (before asking anything)."""
        if (held := self.holder_now()) is not None:
            raise _held(self.account, held)

    def acquire(self, info: dict[str, Any]) -> None:
        """Take the lease now, or raise LeaseHeld naming who holds it."""
        held = self.repo.acquire(self.account, self.holder, _ms(self.clock.wall()), self.ttl_ms,
                                 info)
        if held is not None:
            raise _held(self.account, held)

    def wait_and_acquire(self, info: dict[str, Any], *, poll_s: float,
                         sleep: Callable[[float], None],
                         on_wait: Callable[[dict[str, Any]], None] | None = None,
                         should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Stand by until the lease is free, then take it; False if told to stop first."""
        told = False
        while not should_stop():
            held = self.repo.acquire(self.account, self.holder, _ms(self.clock.wall()),
                                     self.ttl_ms, info)
            if held is None:
                return True
            if not told and on_wait is not None:
                on_wait(held)
                told = True
            left = (held["expires_ts"] - _ms(self.clock.wall())) / 1000
            sleep(min(max(left, 0.05), poll_s))
        return False

    def renew(self, status: str, info: dict[str, Any]) -> dict[str, Any] | None:
        """Heartbeat: extend the lease; the row (with ``stop_requested``), or None when lost."""
        row = self.repo.renew(self.account, self.holder.id, _ms(self.clock.wall()), self.ttl_ms,
                              status, info)
        if row is None:
            log.error("autopilot lease on %s lost: another process took over", self.account)
        return row

    def release(self, status: str = "STOPPED") -> None:
        self.repo.release(self.account, self.holder.id, _ms(self.clock.wall()), status)
