"""Notifications through the store's outbox: queued in one place, sent by a worker.

``Dispatcher.pump`` follows the audit log (a cursor in the store), maps records to events
(``events.event_from_audit``) and queues each one for every channel that wants it, in the
same transaction that moves the cursor: nothing is lost between a crash and a restart, and
the (channel, event) key stops an event reaching a channel twice when two processes pump.

``Dispatcher.send_due`` hands each channel with due notifications to a worker thread, one
send in flight per channel: a channel whose service hangs or is down delays no other channel
and nothing that trades (orders never wait for notifications; they only write the audit log).
A failed send is retried with exponential backoff until it goes through.

Grouping: a channel sends at most one message per ``group_window_s``; what arrives within
the window after a message waits and goes as one grouped message when the window ends, so a
storm of events becomes one message a minute. A critical event (halt, daily loss limit,
component down) does not wait for the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from volex.errors import VolexError
from volex.monitor.events import LEVELS, MonitorEvent, event_from_audit, level_at_least
from volex.ports import Notification

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from volex.adapters.storage.audit import AuditRepo
    from volex.adapters.storage.notify import NotifyRepo
    from volex.config import NotifySettings
    from volex.domain.notify import Channel, Delivery
    from volex.ports import Notifier

__all__ = ["Dispatcher", "group_message"]

log = logging.getLogger(__name__)

_LOOKBACK_IDS = 50      # re-read a few ids below the cursor: a transaction may commit late
_LOOKBACK_MS = 60_000   # ... but only records this recent
_GROUP_LINES = 20
_URL_TTL_MS = 60_000


def _now() -> datetime:
    return datetime.now(UTC)


def group_message(deliveries: list[Delivery]) -> Notification:
    """One message for one or several queued notifications (the loudest level wins)."""
    level = max((d.level for d in deliveries), key=LEVELS.index)
    silent = all(d.silent for d in deliveries)
    if len(deliveries) == 1:
        only = deliveries[0]
        return Notification(only.title, only.body, level, silent)
    lines = [f"- {d.title}: {d.body}" if d.body else f"- {d.title}"
             for d in deliveries[:_GROUP_LINES]]
    if len(deliveries) > _GROUP_LINES:
        lines.append(f"... and {len(deliveries) - _GROUP_LINES} more (volex alerts --events)")
    return Notification(f"Volex: {len(deliveries)} events", "\n".join(lines), level, silent)


class Dispatcher:
    """Queues events for channels and sends them; call ``pump`` and ``send_due`` often."""

    def __init__(self, repo: NotifyRepo, audit: AuditRepo, notifier: Notifier,
                 url_of: Callable[[str], str | None], settings: NotifySettings, *,
                 clock: Callable[[], datetime] = _now, name: str = "monitor") -> None:
        self.repo, self.audit, self.notifier = repo, audit, notifier
        self._url_of = url_of
        self.settings = settings
        self._clock = clock
        self._claimer = f"{name}-{id(self):x}"[:32]
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="volex-notify")
        self._inflight: dict[str, Future] = {}
        self._urls: dict[str, tuple[int, str | None]] = {}
        self._lock = threading.Lock()

    def _now_ms(self) -> int:
        return int(self._clock().timestamp() * 1000)

    # -- queueing -------------------------------------------------------------------------------

    def pump(self) -> int:
        """Queue the events of audit records written since the last pump; returns how many
        notifications were queued. The first pump of a new store starts at the present."""
        now = self._now_ms()
        channels = self.repo.channels()
        queued = 0
        with self.repo.db.begin() as conn:
            cursor = self.repo.cursor(conn)
            if cursor is None:
                self.repo.set_cursor(conn, self.audit.last_id(conn))
                return 0
            records = self.audit.after(max(0, cursor - _LOOKBACK_IDS), conn=conn)
            for record in records:
                if record.id <= cursor and record.at.timestamp() * 1000 < now - _LOOKBACK_MS:
                    continue
                event = event_from_audit(record)
                if event is not None:
                    queued += self.queue(conn, event, channels, now)
            if records and records[-1].id > cursor:
                self.repo.set_cursor(conn, records[-1].id)
        return queued

    def queue(self, conn: Connection, event: MonitorEvent, channels: list[Channel],
              now_ms: int) -> int:
        """Queue ``event`` for each channel whose mode for its kind is on or silent and whose
        level it reaches."""
        count = 0
        for channel in channels:
            mode = channel.mode(event.kind)
            if mode == "off" or not level_at_least(event.level, channel.level):
                continue
            count += self.repo.enqueue(conn, channel.name, event.key, kind=event.kind,
                                       level=event.level, silent=mode == "silent",
                                       title=event.title, body=event.body, now_ms=now_ms)
        return count

    # -- sending --------------------------------------------------------------------------------

    def send_due(self) -> list[str]:
        """Start a send for each channel with due notifications and none in flight; returns
        the channels started. Never waits for a send."""
        now = self._now_ms()
        window_ms = int(self.settings.group_window_s * 1000)
        channels = {c.name: c for c in self.repo.channels()}
        started = []
        for name in self.repo.due_channels(now):
            channel = channels.get(name)
            with self._lock:
                busy = name in self._inflight and not self._inflight[name].done()
            if channel is None or busy:
                continue
            waiting = (channel.last_sent_ms is not None
                       and now - channel.last_sent_ms < window_ms)
            with self._lock:
                self._inflight[name] = self._pool.submit(self._send, channel, waiting)
            started.append(name)
        return started

    def wait_idle(self, timeout_s: float) -> None:
        """Wait for the sends in flight (tests and a clean shutdown)."""
        with self._lock:
            futures = list(self._inflight.values())
        for future in futures:
            future.result(timeout=timeout_s)

    def _send(self, channel: Channel, waiting: bool) -> None:
        now = self._now_ms()
        hold_ms = int((self.settings.timeout_s * 2 + 5) * 1000)
        deliveries = self.repo.claim(channel.name, self._claimer, now, hold_ms)
        if not deliveries:
            return
        if waiting and not any(d.level == "critical" for d in deliveries):
            # Inside the grouping window: put them back until it ends.
            release = channel.last_sent_ms + int(self.settings.group_window_s * 1000)
            self.repo.postpone([d.id for d in deliveries], release)
            return
        ids = [d.id for d in deliveries]
        try:
            url = self._url(channel.name, now)
            if url is None:
                raise VolexError(f"no URL for channel {channel.name} in the secret store "
                                 f"(volex notify add)")
            self.notifier.send(url, group_message(deliveries))
        except VolexError as exc:
            attempts = max(d.attempts for d in deliveries)
            delay = min(self.settings.retry_max_s, self.settings.retry_base_s * 2 ** (attempts - 1))
            self.repo.failed(ids, self._now_ms() + int(delay * 1000), str(exc))
            log.warning("notification to %s failed (attempt %d, next in %.0f s): %s",
                        channel.name, attempts, delay, exc)
            self._urls.pop(channel.name, None)
            return
        self.repo.delivered(ids, channel.name, self._now_ms())

    def _url(self, name: str, now_ms: int) -> str | None:
        cached = self._urls.get(name)
        if cached is not None and now_ms - cached[0] < _URL_TTL_MS:
            return cached[1]
        url = self._url_of(name)
        self._urls[name] = (now_ms, url)
        return url

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
