"""`volex improve` inside `volex run`: the jobs on ``[improve] schedule``, in a thread.

The autopilot's loop only asks `tick()` on each pass; when a cron moment is due and no job is
running, the job starts in a daemon thread and the pass goes on at once, so a bar's decision
never waits for a retrain. The job itself takes the store's ``improve`` lease, so it never
overlaps a separate `volex improve --schedule`: a refused or failing run is logged and
audited (``improve.skipped`` / ``improve.failed``) and the next moment is tried as usual.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from volex.errors import LeaseHeld
from volex.improve.jobs import next_run

if TYPE_CHECKING:
    from volex.adapters.storage.audit import AuditRepo
    from volex.autopilot.clock import Clock

__all__ = ["BackgroundImprove"]

log = logging.getLogger("volex.improve")


class BackgroundImprove:
    """Start ``job`` in a thread at each moment of ``cron`` (wall time of ``clock``)."""

    def __init__(self, cron: str, clock: Clock, job: Callable[[], Any], audit: AuditRepo,
                 actor: str = "autopilot") -> None:
        self.cron, self.clock, self.job, self.audit, self.actor = cron, clock, job, audit, actor
        self.due: datetime = next_run(cron, clock.wall())  # bad cron: one line, at start
        self.thread: threading.Thread | None = None
        self.runs = 0  # started jobs (for the heartbeat and tests)

    def tick(self) -> bool:
        """Start the job when due and none runs; True when one was started. Never blocks."""
        now = self.clock.wall()
        if now < self.due or (self.thread is not None and self.thread.is_alive()):
            return False
        moment, self.due = self.due, next_run(self.cron, now)
        self.thread = threading.Thread(target=self._run, args=(moment,),
                                       name="volex-improve", daemon=True)
        self.runs += 1
        self.thread.start()
        return True

    def _run(self, moment: datetime) -> None:
        due = f"{moment:%Y-%m-%d %H:%M} UTC"
        try:
            self.job()
        except LeaseHeld as exc:
            log.info("improve run due %s skipped: %s", due, exc)
            self.audit.record(self.actor, "improve.skipped", "improve", str(exc), {"due": due})
        except Exception as exc:  # a failing job must not reach the loop
            message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            log.error("improve run due %s failed: %s", due, message, exc_info=exc)
            self.audit.record(self.actor, "improve.failed", "improve", message, {"due": due})
        else:
            log.info("improve run due %s finished", due)

    def join(self, timeout_s: float | None = None) -> None:
        """Wait for a running job (tests, and a clean stop that can afford to wait)."""
        if self.thread is not None:
            self.thread.join(timeout_s)
