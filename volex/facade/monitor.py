"""Notifications and the monitor: channels, the events feed, one check, the watch loop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.domain.notify import Channel
    from volex.monitor.channels import ChannelBook, TestResult
    from volex.monitor.events import MonitorEvent
    from volex.monitor.watch import Watch

__all__ = ["MonitorFacade"]

log = logging.getLogger(__name__)
HEARTBEAT_SECRET = "monitor-heartbeat"


class MonitorFacade(FacadeBase):
    """Where people are told about what happens, and the watch that decides what to tell."""

    @cached_property
    def _channels(self) -> ChannelBook:
        from volex.monitor.channels import ChannelBook

        rt = self.runtime
        return ChannelBook(rt.store, rt.secrets, rt.notifier)

    def notify_add(self, url: str, *, name: str | None = None, events: str | None = None,
                   silent: str | None = None, level: str = "info") -> Channel:
        """Add (or replace) a channel: the URL goes to the secret store, never anywhere else."""
        from volex.monitor.channels import parse_kinds

        return self._channels.add(url, self.actor, name=name, events=parse_kinds(events),
                                  silent=parse_kinds(silent), level=level)

    def notify_channels(self) -> list[dict[str, Any]]:
        return self._channels.list()

    def notify_set(self, name: str, changes: dict[str, str], *, level: str | None = None) -> Channel:
        return self._channels.set_modes(name, changes, self.actor, level=level)

    def notify_test(self, name: str | None = None) -> list[TestResult]:
        return self._channels.test(self.actor, name)

    def notify_remove(self, name: str) -> None:
        self._channels.remove(name, self.actor)

    def set_heartbeat_url(self, url: str | None) -> None:
        """Store (or with None, remove) the dead man's switch URL in the secret store."""
        secrets = self.runtime.secrets
        if url:
            secrets.set(HEARTBEAT_SECRET, {"secret": url})
            self.runtime.store.audit.record(self.actor, "secret.set", HEARTBEAT_SECRET)
        elif secrets.delete(HEARTBEAT_SECRET):
            self.runtime.store.audit.record(self.actor, "secret.delete", HEARTBEAT_SECRET)

    def events(self, limit: int = 50) -> list[MonitorEvent]:
        """The newest events (fills, halts, alerts, anomalies...), oldest first: what the
        channels are sent and what the dashboard's feed shows."""
        from volex.monitor.events import event_from_audit

        found = []
        for record in self.audit(limit=max(limit * 4, 200)):
            event = event_from_audit(record)
            if event is not None:
                found.append(event)
        return found[-limit:]

    def watch(self) -> Watch:
        """The monitor's watch, built once; a host loop calls ``watch().tick()`` (see
        ``volex.monitor.watch``)."""
        return self._watch

    @contextmanager
    def watch_beside(self) -> Iterator[None]:
        """Run the watch in a thread while the block runs (`volex run` around the autopilot).

        The watch gets a Volex of its own (its own connections and agents), so it shares
        nothing in memory with the host: to the store it is one more process. Off with
        ``[monitor] in_run = false`` (e.g. when `volex monitor` runs on its own).
        """
        if not self.settings.monitor.in_run:
            yield
            return
        stop = threading.Event()
        thread = threading.Thread(target=self._watch_thread, args=(stop,), daemon=True,
                                  name="volex-monitor")
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=self.settings.notify.timeout_s + 15)

    def _watch_thread(self, stop: threading.Event) -> None:
        """The body of ``watch_beside``: everything is built here, off the host's thread, so
        the host (renewing a lease) is not held up by the watch starting."""
        from volex.facade import Volex

        other = None
        try:
            other = Volex(self.settings, actor="monitor", live=self.runtime.live)
            other.watch().run(stop, first_check_s=self.settings.monitor.interval_s)
            other.watch().notify_once()  # what the host did last (its stop) goes out too
            other.watch().dispatcher.wait_idle(self.settings.notify.timeout_s + 5)
        except Exception:  # the host goes on without its watch, and says so
            log.exception("the monitor beside the autopilot stopped")
        finally:
            if other is not None:
                other.close()

    @cached_property
    def _watch(self) -> Watch:
        from volex.monitor.dispatch import Dispatcher
        from volex.monitor.sources import WatchSources
        from volex.monitor.watch import Watch

        rt = self.runtime
        dispatcher = Dispatcher(rt.store.notify, rt.store.audit, rt.notifier,
                                lambda name: self._channels.url(name), self.settings.notify)

        def halt(reason: str, reduce_only: bool) -> None:
            state = rt.halts.state()
            if state.active and (state.reduce_only <= reduce_only):
                return  # already as strict or stricter
            rt.halts.halt("monitor", reason, reduce_only=reduce_only)

        return Watch(rt.store, dispatcher, WatchSources(self), self.settings.monitor, halt=halt,
                     ping=_ping, heartbeat_url=self._heartbeat_url)

    def _heartbeat_url(self) -> str | None:
        from volex.adapters.secrets.redact import remember_notify_url
        from volex.errors import SecretError

        configured = self.settings.monitor.heartbeat_url
        url = configured.get_secret_value() if configured else None
        if url is None:
            try:
                url = (self.runtime.secrets.get(HEARTBEAT_SECRET) or {}).get("secret")
            except SecretError as exc:
                log.warning("heartbeat URL not readable: %s", exc)
        remember_notify_url(url)
        return url

    def close(self) -> None:
        if "_watch" in self.__dict__:
            self._watch.dispatcher.close()
        super().close()

    def monitor_check(self) -> dict[str, Any]:
        """Every detector and component check once, notifications sent; a report."""
        watch = self.watch()
        report = watch.check()
        watch.tick(check=False)
        watch.dispatcher.wait_idle(self.settings.notify.timeout_s * 2 + 5)
        return report.to_dict()


def _ping(url: str) -> None:
    """One GET of the dead man's switch; a failure is logged (without the URL)."""
    import httpx

    try:
        httpx.get(url, timeout=10.0).raise_for_status()
    except httpx.HTTPError as exc:
        from volex.adapters.secrets.redact import redact_text

        log.warning("dead man's switch not reached: %s", redact_text(str(exc)))
