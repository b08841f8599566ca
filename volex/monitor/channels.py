"""Notification channels: add, list, test, remove; the URL goes to the secret store only.

A channel's URL (it holds a bot token or webhook key) is stored as the secret
``notify-<name>`` (field ``secret``); the store keeps the name, the service, the per-kind modes
and the level. Nothing here returns, prints or audits a URL.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from volex.domain.notify import MODES, Channel
from volex.errors import UserInputError, VolexError
from volex.monitor.events import KINDS, LEVELS
from volex.ports import Notification

if TYPE_CHECKING:
    from volex.adapters.storage.store import Store
    from volex.ports import Notifier

__all__ = ["ChannelBook", "TestResult", "parse_kinds", "secret_name"]

_SECRET_PREFIX = "notify-"


def secret_name(channel: str) -> str:
    return f"{_SECRET_PREFIX}{channel}"


def parse_kinds(text: str | None) -> list[str]:
    """``fills,halts`` -> the kinds named (``all`` for every kind); UserInputError otherwise."""
    if not text:
        return []
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if "all" in names:
        return [k for k in KINDS if k != "test"]
    unknown = sorted(set(names) - set(KINDS))
    if unknown:
        raise UserInputError(f"unknown event kind(s) {', '.join(unknown)}; "
                             f"known: {', '.join(KINDS[:-1])}, all")
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class TestResult:
    channel: str
    service: str
    ok: bool
    seconds: float
    error: str | None = None


class ChannelBook:
    """The configured channels, with their URLs kept in ``secrets``."""

    def __init__(self, store: Store, secrets: Any, notifier: Notifier) -> None:
        self.store, self.secrets, self.notifier = store, secrets, notifier

    def add(self, url: str, actor: str, *, name: str | None = None, events: Iterable[str] = (),
            silent: Iterable[str] = (), level: str = "info") -> Channel:
        if level not in LEVELS:
            raise UserInputError(f"level is one of {', '.join(LEVELS)}, not {level!r}")
        service = self.notifier.service(url.strip())
        name = (name or service).strip().lower().replace(" ", "-").replace("_", "-")
        if not name or len(name) > 25 or not name.replace("-", "").isalnum():
            raise UserInputError("a channel name is up to 25 letters, digits or '-'")
        on = list(events) or [k for k in KINDS if k != "test"]
        modes = {kind: "on" for kind in on} | {kind: "silent" for kind in silent}
        channel = Channel(name=name, service=service, modes=modes, level=level)
        existed = self.store.notify.channel(name) is not None
        self.secrets.set(secret_name(name), {"secret": url.strip()})
        try:
            with self.store.transaction() as tx:
                self.store.notify.save_channel(channel, tx.connection)
                tx.audit.record(actor, "notify.add", name, None,
                                {"service": service, "modes": modes, "level": level})
        except VolexError:
            if not existed:  # nothing half-written: no URL left behind without its channel
                self.secrets.delete(secret_name(name))
            raise
        return channel

    def set_modes(self, name: str, changes: dict[str, str], actor: str,
                  level: str | None = None) -> Channel:
        """Set kinds to on, silent or off (and the level) on an existing channel."""
        channel = self.get(name)
        for kind, mode in changes.items():
            if kind not in KINDS or mode not in MODES:
                raise UserInputError(f"say KIND=on|silent|off with a kind of {', '.join(KINDS)}")
        if level is not None and level not in LEVELS:
            raise UserInputError(f"level is one of {', '.join(LEVELS)}, not {level!r}")
        modes = {k: v for k, v in ({**channel.modes, **changes}).items() if v != "off"}
        updated = Channel(name=channel.name, service=channel.service, modes=modes,
                          level=level or channel.level, last_sent_ms=channel.last_sent_ms)
        with self.store.transaction() as tx:
            self.store.notify.save_channel(updated, tx.connection)
            tx.audit.record(actor, "notify.set", name, None,
                            {"modes": modes, "level": updated.level})
        return updated

    def get(self, name: str) -> Channel:
        channel = self.store.notify.channel(name.strip().lower())
        if channel is None:
            raise UserInputError(f"no notification channel {name!r} (see `volex notify list`)")
        return channel

    def list(self) -> list[dict[str, Any]]:
        """Each channel as name, service, a masked address, modes, level and what waits."""
        out = []
        for channel in self.store.notify.channels():
            out.append({"name": channel.name, "service": channel.service,
                        "address": f"{channel.service.lower()}://***",
                        "on": sorted(k for k, m in channel.modes.items() if m == "on"),
                        "silent": sorted(k for k, m in channel.modes.items() if m == "silent"),
                        "level": channel.level, "waiting": self.store.notify.pending(channel.name),
                        "last_error": self.store.notify.last_error(channel.name)})
        return out

    def remove(self, name: str, actor: str) -> None:
        channel = self.get(name)
        with self.store.transaction() as tx:
            self.store.notify.remove_channel(channel.name, tx.connection)
            tx.audit.record(actor, "notify.remove", channel.name)
        self.secrets.delete(secret_name(channel.name))

    def url(self, name: str) -> str | None:
        from volex.adapters.secrets.redact import remember_notify_url

        url = (self.secrets.get(secret_name(name)) or {}).get("secret")
        remember_notify_url(url)  # its token parts too, not only the whole URL
        return url

    def test(self, actor: str, name: str | None = None) -> list[TestResult]:
        """Send a test message now to one channel (or every one), bypassing the outbox."""
        channels = [self.get(name)] if name else self.store.notify.channels()
        if not channels:
            raise UserInputError("no notification channels: `volex notify add URL` adds one")
        results = []
        for channel in channels:
            started = time.perf_counter()
            try:
                url = self.url(channel.name)
                if url is None:
                    raise VolexError("its URL is missing from the secret store (add it again)")
                self.notifier.send(url, Notification(
                    "Volex test notification", f"channel {channel.name} works", "info"))
                results.append(TestResult(channel.name, channel.service, True,
                                          time.perf_counter() - started))
            except VolexError as exc:
                results.append(TestResult(channel.name, channel.service, False,
                                          time.perf_counter() - started, str(exc)))
        self.store.audit.record(actor, "notify.test", name or "all", None,
                                {"ok": [r.channel for r in results if r.ok],
                                 "failed": [r.channel for r in results if not r.ok]})
        return results
