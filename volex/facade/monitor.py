"""Notifications and the monitor: channels, the events feed, one check, the watch loop."""

from __future__ import annotations

import logging
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

    @cached_property
    def _watch(self) -> Watch:
        from volex.monitor.dispatch import Dispatcher
        from volex.monitor.sources import WatchSources
        from volex.monitor.watch import Watch

        rt = self.runtime
        dispatcher = Dispatcher(rt.store.notify, rt.store.audit, rt.notifier,
                                self._channels.url, self.settings.notify)

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
