"""The event mapper: what in the audit log deserves a person's attention, in words.

Every front end and process writes what it does to the audit log (orders, halts, alerts, the
monitor's own findings); this module is the one place that turns an audit record into a
``MonitorEvent`` with a kind (what a channel subscribes to), a level and a message. The
notification worker, ``volex alerts --events`` and the dashboard's feed all read events through
``event_from_audit``, so they say the same thing.

Kinds: ``fills`` (order filled), ``stops`` (stop-loss or take-profit hit), ``rejects`` (the
venue refused an order), ``risk`` (an order blocked by a risk rule or a halt), ``halts``
(halt, resume, reduce-only), ``loss`` (the daily loss limit reached or near), ``autopilot``
(started, stopped, lost its lease, took over, heartbeat missing), ``components`` (store, bus,
exchange, LLM, remote agent down or back), ``anomalies`` (the detectors), ``models``
(degraded, promoted), ``summary`` (the daily summary), ``alerts`` (price alerts), ``errors``
(anything else that failed), ``test`` (``volex notify test``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["KINDS", "LEVELS", "MonitorEvent", "event_from_audit", "level_at_least"]

KINDS = ("fills", "stops", "rejects", "risk", "halts", "loss", "autopilot", "components",
         "anomalies", "models", "summary", "alerts", "errors", "test")
LEVELS = ("info", "warning", "critical")


def level_at_least(level: str, floor: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(floor)


@dataclass(frozen=True)
class MonitorEvent:
    """One thing that happened, as a person should read it."""

    key: str            # unique per happening (``audit:42``): a channel gets it once
    at: datetime
    kind: str           # one of KINDS
    level: str          # info, warning or critical
    title: str
    body: str
    actor: str | None = None

    def line(self) -> str:
        return f"{self.title}: {self.body}" if self.body else self.title


def _by(record: Any) -> str:
    return f" by {record.actor}" if record.actor else ""


def _why(record: Any) -> str:
    return f" ({record.reason})" if record.reason else ""


def _order_text(record: Any, details: dict[str, Any]) -> str:
    parts = [str(details.get("side", "")), str(details.get("filled") or details.get("amount", "")),
             str(record.subject or "")]
    if details.get("average") not in (None, "None"):
        parts.append(f"at {details['average']}")
    return " ".join(p for p in parts if p)


def _classify(record: Any) -> tuple[str, str, str, str] | None:
    """(kind, level, title, body) of an audit record, or None when it is not news."""
    action, details = record.action, record.details or {}
    subject = record.subject or ""
    if action == "order.filled":
        if details.get("type") in ("stop_loss", "take_profit"):
            name = "stop-loss" if details["type"] == "stop_loss" else "target"
            return "stops", "warning", f"{name} hit", _order_text(record, details)
        return "fills", "info", "order filled", _order_text(record, details) + _by(record)
    if action == "order.rejected":
        return "rejects", "warning", "order rejected", (
            f"{_order_text(record, details)}{_why(record)}")
    if action == "order.blocked":
        checks = details.get("checks") or []
        if any(c.get("name") == "max_daily_loss_pct" for c in checks):
            said = next(c.get("message", "") for c in checks if c.get("name") == "max_daily_loss_pct")
            return "loss", "critical", "daily loss limit reached", f"{subject}: {said}"
        said = "; ".join(str(c.get("message", c.get("name"))) for c in checks) or record.reason or ""
        return "risk", "warning", "order blocked by risk", f"{subject}: {said}"
    if action == "order.refused":
        return "risk", "warning", "order refused", f"{subject}: {record.reason or 'halted'}"
    if action in ("halt", "halt.reduce_only"):
        title = "REDUCE-ONLY" if action == "halt.reduce_only" else "HALTED"
        return "halts", "critical", title, f"trading {title.lower()}{_by(record)}{_why(record)}"
    if action == "resume":
        return "halts", "warning", "RESUMED", f"trading resumed{_by(record)}{_why(record)}"
    if action == "alert.fired":
        note = f" - {record.reason}" if record.reason else ""
        return "alerts", "warning", f"price alert {subject}", f"now {details.get('price')}{note}"
    if action.startswith("monitor."):
        return _monitor(record, action.removeprefix("monitor."), details)
    if action.startswith("autopilot."):
        return _autopilot(record, action.removeprefix("autopilot."), details)
    if action.startswith("model.") and action.split(".", 1)[1] in ("degraded", "promoted"):
        level = "warning" if action.endswith("degraded") else "info"
        return "models", level, f"model {action.split('.', 1)[1]}", f"{subject}{_why(record)}"
    if "error" in action:
        return "errors", "critical", action, f"{subject}{_why(record)}"
    return None


def _autopilot(record: Any, what: str, details: dict[str, Any]
               ) -> tuple[str, str, str, str] | None:
    """The autopilot's own audit records (``volex.autopilot.scheduler``)."""
    account = record.subject or ""
    if what == "start":
        where = f"on {account} ({details.get('host')}, pid {details.get('pid')})"
        if details.get("standby"):
            return "autopilot", "warning", "autopilot took over", f"{where}: the standby holds the lease"
        return "autopilot", "info", "autopilot started", where
    if what == "stop":
        return "autopilot", "warning", "autopilot stopped", (
            f"on {account}: {record.reason or 'stopped'} ({details.get('bars', 0)} bars handled)")
    if what == "lease_lost":
        return "autopilot", "critical", "autopilot lost its lease", f"on {account}{_why(record)}"
    if what == "skip":
        return "errors", "warning", f"autopilot skipped {account}", record.reason or ""
    return None


def _monitor(record: Any, what: str, details: dict[str, Any]) -> tuple[str, str, str, str] | None:
    level = str(details.get("level") or "warning")
    if what == "down":
        return "components", "critical", f"{record.subject} down", record.reason or ""
    if what == "back":
        return "components", "info", f"{record.subject} back", record.reason or ""
    if what == "anomaly":
        kind = str(details.get("kind") or "anomalies")
        action = details.get("action")
        then = f" -> {action}" if action and action != "notify" else ""
        return kind, level, f"{record.subject}{then}", record.reason or ""
    if what == "cleared":
        return str(details.get("kind") or "anomalies"), "info", f"{record.subject} cleared", (
            record.reason or "")
    if what == "summary":
        return "summary", "info", "daily summary", record.reason or ""
    if what == "test":
        return "test", "info", "Volex test notification", record.reason or ""
    return None


def event_from_audit(record: Any) -> MonitorEvent | None:
    """The event an audit record stands for, or None when it is bookkeeping."""
    found = _classify(record)
    if found is None:
        return None
    kind, level, title, body = found
    return MonitorEvent(key=f"audit:{record.id}", at=record.at, kind=kind, level=level,
                        title=title, body=body, actor=record.actor)
