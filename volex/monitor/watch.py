"""The watch: detectors, component checks, actions, the daily summary and the dead man's switch.

``Watch.tick()`` is the one call a host makes: `volex monitor` calls it in its loop, and the
autopilot (`volex run`) calls it once per tick of its own loop. Each tick queues and sends
notifications (fast, never waits for a service), and when ``[monitor] interval_s`` has passed
it runs the detectors and component checks (``check``), acts on what they find, and pings
``[monitor] heartbeat_url`` every ``heartbeat_every_s``.

What the watch finds is written to the audit log (``monitor.anomaly``, ``monitor.cleared``,
``monitor.down``, ``monitor.back``, ``monitor.summary``) only when it changes, so a finding that
lasts an hour is one event, and every front end sees it through the event mapper. What it
remembers between ticks (findings active, components' status, the equity peak, the day of the
last summary) lives in the store: a restarted monitor does not repeat itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from volex.errors import VolexError
from volex.monitor import detectors as d

if TYPE_CHECKING:
    from volex.adapters.storage.store import Store
    from volex.config import MonitorSettings
    from volex.monitor.dispatch import Dispatcher
    from volex.monitor.sources import WatchSources

__all__ = ["Watch", "WatchReport"]

log = logging.getLogger(__name__)

_KIND_OF = {"daily_loss": "loss", "autopilot_heartbeat": "autopilot"}
_ACTIVE_KEY, _COMPONENTS_KEY = "monitor.active", "monitor.components"
_PEAK_KEY, _SUMMARY_KEY, _BEAT_KEY = "monitor.equity_peak", "monitor.summary_day", "monitor.heartbeat"
ACTOR = "monitor"


def _utc() -> datetime:
    return datetime.now(UTC)


@dataclass
class WatchReport:
    """One check: what each detector found, each component's status, what was done."""

    at: datetime
    findings: list[d.Finding] = field(default_factory=list)
    components: dict[str, str] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # sources that could not be read

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "ok": not self.findings and all(
                    s != "fail" for s in self.components.values()),
                "findings": [vars(f) for f in self.findings], "components": self.components,
                "actions": self.actions, "problems": self.problems}


class Watch:
    """Runs the monitor's work; ``tick`` is safe to call as often as you like."""

    def __init__(self, store: Store, dispatcher: Dispatcher, sources: WatchSources,
                 settings: MonitorSettings, *, halt: Callable[[str, bool], None],
                 ping: Callable[[str], None] | None = None,
                 heartbeat_url: Callable[[], str | None] = lambda: None,
                 clock: Callable[[], datetime] = _utc) -> None:
        self.store, self.dispatcher, self.sources, self.settings = store, dispatcher, sources, settings
        self._halt = halt
        self._ping = ping
        self._heartbeat_url = heartbeat_url
        self._clock = clock
        self._next_check: datetime | None = None
        self._next_ping: datetime | None = None
        self._checking = threading.Lock()
        self._problems: list[str] = []

    # -- the loop ---------------------------------------------------------------------------

    def tick(self, *, check: bool = True) -> WatchReport | None:
        """Queue and send notifications; run the checks when due (``check`` False: never)."""
        self.notify_once()
        now = self._clock()
        report = None
        if check and (self._next_check is None or now >= self._next_check):
            self._next_check = now + _seconds(self.settings.interval_s)
            report = self.check()
        if self._next_ping is None or now >= self._next_ping:
            self._next_ping = now + _seconds(self.settings.heartbeat_every_s)
            self.beat(now)
        return report

    def notify_once(self) -> None:
        """Audit log -> outbox -> channels; a store that is down is reported, not raised."""
        try:
            self.dispatcher.pump()
            self.dispatcher.send_due()
        except VolexError as exc:
            log.warning("notifications: %s", exc)

    def run(self, stop: threading.Event) -> None:
        """Until ``stop``: notifications every ``poll_s``, checks every ``interval_s`` in a
        thread of their own (a slow probe never holds up a halt notification)."""
        checker = threading.Thread(target=self._check_loop, args=(stop,), daemon=True,
                                   name="volex-monitor-checks")
        checker.start()
        while not stop.is_set():
            self.tick(check=False)
            stop.wait(self.settings.poll_s)
        checker.join(timeout=2.0)

    def _check_loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.check()
            except Exception:  # the monitor reports and carries on
                log.exception("monitor check failed")
            stop.wait(self.settings.interval_s)

    def beat(self, now: datetime) -> None:
        """Record the monitor's own heartbeat and ping the dead man's switch (in a thread)."""
        try:
            self.store.state.set(_BEAT_KEY, int(now.timestamp() * 1000))
        except VolexError as exc:
            log.warning("monitor heartbeat not stored: %s", exc)
        url = self._heartbeat_url()
        if url and self._ping is not None:
            threading.Thread(target=self._ping, args=(url,), daemon=True,
                             name="volex-heartbeat").start()

    # -- one check ---------------------------------------------------------------------------

    def check(self) -> WatchReport:
        """Every detector and component check once; act on and record what changed."""
        with self._checking:
            now = self._clock()
            report = WatchReport(at=now)
            self._problems = report.problems
            findings: list[tuple[d.Finding, str]] = []
            for name, gather in (("market data", self._market), ("account", self._account),
                                 ("exchange", self._exchange), ("autopilot", self._autopilot)):
                try:
                    findings.extend((f, self._action(f)) for f in gather(now) if f is not None)
                except Exception as exc:  # noqa: BLE001 - one source failing must not stop the rest
                    report.problems.append(f"{name}: {_first_line(exc)}")
            report.findings = [f for f, _ in findings]
            details = self._components(report)
            report.components = {name: status for name, (status, _) in details.items()}
            self._record(findings, report, details)
            self._summary(now)
            return report

    def _action(self, finding: d.Finding) -> str:
        return self.settings.actions.get(finding.detector, "notify")

    def _market(self, now: datetime) -> list[d.Finding | None]:
        from volex.domain.timeframes import timeframe_ms

        out: list[d.Finding | None] = []
        timeframe = self.sources.timeframe
        step = timeframe_ms(timeframe)
        now_ms = int(now.timestamp() * 1000)
        for symbol in self.sources.symbols:
            try:
                out.extend(self._symbol(symbol, timeframe, step, now_ms))
            except Exception as exc:  # noqa: BLE001 - one market failing must not hide the others
                self._problems.append(f"{symbol}: {_first_line(exc)}")
        return out

    def _symbol(self, symbol: str, timeframe: str, step: int, now_ms: int) -> list[d.Finding | None]:
        s, out = self.settings, []
        frame, live = self.sources.candles(symbol, timeframe, s.spike_window + 2)
        subject = f"{symbol} {timeframe}"
        closed = frame[frame["timestamp_ms"] + step <= now_ms] if live else frame
        if live:
            last = int(closed["timestamp_ms"].iloc[-1]) if len(closed) else None
            out.append(d.stale_data(subject, last, step, now_ms, int(s.stale_margin_s * 1000)))
        if len(closed) > s.spike_window + 1:
            out.append(d.price_spike(subject, closed["close"].to_numpy(), s.spike_window,
                                     s.spike_k))
            out.append(d.volume_spike(subject, closed["volume"].to_numpy(), s.spike_window,
                                      s.volume_k))
        prices = self.sources.venue_prices(symbol)
        if prices:
            out.append(d.venue_gap(symbol, prices, s.venue_gap_pct))
        return out

    def _account(self, _now: datetime) -> list[d.Finding | None]:
        equity, loss_pct, limit_pct = self.sources.account()
        peak = max(float(self.store.state.get(_PEAK_KEY) or 0.0), equity)
        self.store.state.set(_PEAK_KEY, peak)
        return [d.drawdown("equity", [peak, equity], self.settings.drawdown_max_pct),
                d.daily_loss_near("daily loss", loss_pct, limit_pct, self.settings.daily_loss_warn)]

    def _exchange(self, now: datetime) -> list[d.Finding | None]:
        s = self.settings
        outcomes, latencies = self.sources.exchange_history(now)
        return [d.exchange_errors("exchange", outcomes, s.error_window, s.error_rate_max),
                d.rising_latency("exchange", latencies, s.latency_factor)]

    def _autopilot(self, now: datetime) -> list[d.Finding | None]:
        now_ms, limit = int(now.timestamp() * 1000), int(self.settings.autopilot_max_silence_s * 1000)
        return [d.heartbeat_missing(account, beat, now_ms, limit)
                for account, beat in sorted(self.sources.autopilot_heartbeats().items())]

    def _components(self, report: WatchReport) -> dict[str, tuple[str, str]]:
        try:
            return self.sources.components()
        except Exception as exc:  # noqa: BLE001
            report.problems.append(f"components: {exc}")
            return {}

    # -- what changed ------------------------------------------------------------------------

    def _record(self, findings: list[tuple[d.Finding, str]], report: WatchReport,
                details: dict[str, tuple[str, str]]) -> None:
        audit, state = self.store.audit, self.store.state
        before: dict[str, str] = state.get(_ACTIVE_KEY) or {}
        now_active = {f"{f.detector}:{f.subject}": f.message for f, _ in findings}
        for finding, action in findings:
            key = f"{finding.detector}:{finding.subject}"
            if key in before:
                continue
            if action in ("halt", "reduce_only"):
                self._act(finding, action, report)
            level = "critical" if action != "notify" else "warning"
            audit.record(ACTOR, "monitor.anomaly", f"{finding.detector.replace('_', ' ')} "
                         f"{finding.subject}", finding.message,
                         {"kind": _KIND_OF.get(finding.detector, "anomalies"), "level": level,
                          "detector": finding.detector, "action": action,
                          "value": finding.value, "threshold": finding.threshold})
        for key in sorted(set(before) - set(now_active)):
            detector, subject = key.split(":", 1)
            audit.record(ACTOR, "monitor.cleared", f"{detector.replace('_', ' ')} {subject}",
                         "back within its threshold",
                         {"kind": _KIND_OF.get(detector, "anomalies"), "detector": detector})
        state.set(_ACTIVE_KEY, now_active)
        seen: dict[str, str] = state.get(_COMPONENTS_KEY) or {}
        for name, status in report.components.items():
            was = seen.get(name)
            if status == "fail" and was != "fail":
                audit.record(ACTOR, "monitor.down", name, details[name][1])
            elif was == "fail" and status in ("ok", "warn"):
                audit.record(ACTOR, "monitor.back", name, f"status {status}")
        state.set(_COMPONENTS_KEY, {**seen, **report.components})

    def _act(self, finding: d.Finding, action: str, report: WatchReport) -> None:
        try:
            self._halt(f"monitor: {finding.detector.replace('_', ' ')}: {finding.message}",
                       action == "reduce_only")
            report.actions.append(f"{action} ({finding.detector})")
        except VolexError as exc:
            report.problems.append(f"could not {action}: {exc}")

    def _summary(self, now: datetime) -> None:
        hour = self.settings.summary_hour
        if hour is None or now.hour < hour:
            return
        today = now.date().isoformat()
        if self.store.state.get(_SUMMARY_KEY) == today:
            return
        try:
            text = self.sources.summary(now)
        except Exception as exc:  # noqa: BLE001 - a summary that cannot be made says why
            text = f"summary unavailable: {str(exc).splitlines()[0] if str(exc) else exc}"
        with self.store.db.begin() as conn:
            self.store.state.set(_SUMMARY_KEY, today, conn=conn)
            self.store.audit.record(ACTOR, "monitor.summary", today, text, conn=conn)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)
