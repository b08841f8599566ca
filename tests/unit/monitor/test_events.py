"""The event mapper: one wording of what happened, whoever reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from volex.domain.audit import AuditRecord
from volex.monitor.events import event_from_audit


def _record(action: str, subject: str | None = None, reason: str | None = None,
            details: dict | None = None, actor: str = "cli") -> AuditRecord:
    return AuditRecord(id=7, at=datetime(2026, 1, 1, tzinfo=UTC), actor=actor, action=action,
                       subject=subject, reason=reason, details=details)


@pytest.mark.parametrize(("record", "kind", "level", "title", "body"), [
    (_record("order.filled", "BTC/USDT", details={"side": "buy", "filled": "0.1",
                                                  "average": "50000", "type": "market"}),
     "fills", "info", "order filled", "buy 0.1 BTC/USDT at 50000 by cli"),
    (_record("order.filled", "BTC/USDT", details={"side": "sell", "filled": "0.1",
                                                  "average": "45000", "type": "stop_loss"},
             actor="agent"),
     "stops", "warning", "stop-loss hit", "sell 0.1 BTC/USDT at 45000"),
    (_record("order.filled", "BTC/USDT", details={"side": "sell", "filled": "0.1",
                                                  "type": "take_profit", "average": "60000"}),
     "stops", "warning", "target hit", "sell 0.1 BTC/USDT at 60000"),
    (_record("order.rejected", "ETH/USDT", "insufficient funds",
             {"side": "buy", "amount": "3"}),
     "rejects", "warning", "order rejected", "buy 3 ETH/USDT (insufficient funds)"),
    (_record("order.blocked", "ETH/USDT", details={"checks": [
        {"name": "max_order_quote", "message": "order 5,000 USDT is 4,000 over the 1,000 limit"}]}),
     "risk", "warning", "order blocked by risk",
     "ETH/USDT: order 5,000 USDT is 4,000 over the 1,000 limit"),
    (_record("order.blocked", "ETH/USDT", details={"checks": [
        {"name": "max_daily_loss_pct", "message": "loss today 6% is 1% over the 5% limit"}]}),
     "loss", "critical", "daily loss limit reached",
     "ETH/USDT: loss today 6% is 1% over the 5% limit"),
    (_record("halt", "trading", "fat finger", actor="dashboard"),
     "halts", "critical", "HALTED", "trading halted by dashboard (fat finger)"),
    (_record("halt.reduce_only", "trading", None, actor="monitor"),
     "halts", "critical", "REDUCE-ONLY", "trading reduce-only by monitor"),
    (_record("resume", "trading", "fixed"), "halts", "warning", "RESUMED",
     "trading resumed by cli (fixed)"),
    (_record("alert.fired", "BTC/USDT", "take profit?", {"price": "70100"}),
     "alerts", "warning", "price alert BTC/USDT", "now 70100 - take profit?"),
    (_record("monitor.anomaly", "price spike BTC/USDT 2h", "+10.10% in one bar",
             {"kind": "anomalies", "level": "warning", "action": "notify"}, actor="monitor"),
     "anomalies", "warning", "price spike BTC/USDT 2h", "+10.10% in one bar"),
    (_record("monitor.anomaly", "drawdown equity", "25% below its peak",
             {"kind": "anomalies", "level": "critical", "action": "reduce_only"}),
     "anomalies", "critical", "drawdown equity -> reduce_only", "25% below its peak"),
    (_record("monitor.down", "event bus", "connection refused"),
     "components", "critical", "event bus down", "connection refused"),
    (_record("monitor.back", "event bus", "status ok"),
     "components", "info", "event bus back", "status ok"),
    (_record("autopilot.lease_lost", "paper:paper", "another autopilot took over the lease",
             actor="autopilot"),
     "autopilot", "critical", "autopilot lost its lease",
     "on paper:paper (another autopilot took over the lease)"),
    (_record("autopilot.start", "paper:paper", None, {"host": "box", "pid": 42, "standby": False}),
     "autopilot", "info", "autopilot started", "on paper:paper (box, pid 42)"),
    (_record("autopilot.start", "paper:paper", None, {"host": "box", "pid": 43, "standby": True}),
     "autopilot", "warning", "autopilot took over",
     "on paper:paper (box, pid 43): the standby holds the lease"),
    (_record("autopilot.stop", "paper:paper", "stopped", {"bars": 12}),
     "autopilot", "warning", "autopilot stopped", "on paper:paper: stopped (12 bars handled)"),
    (_record("model.degraded", "BTC/USDT 2h", "hit rate 0.48 < 0.52"),
     "models", "warning", "model degraded", "BTC/USDT 2h (hit rate 0.48 < 0.52)"),
    (_record("monitor.summary", "2026-01-01", "equity 10,000.00 USDT"),
     "summary", "info", "daily summary", "equity 10,000.00 USDT"),
])
def test_audit_records_become_events(record: AuditRecord, kind: str, level: str, title: str,
                                     body: str) -> None:
    event = event_from_audit(record)
    assert event is not None
    assert (event.kind, event.level, event.title, event.body) == (kind, level, title, body)
    assert event.key == "audit:7"


@pytest.mark.parametrize("action", ["order.send", "order.placed", "risk.set", "secret.set",
                                    "notify.add", "data.import", "alert.add"])
def test_bookkeeping_is_not_news(action: str) -> None:
    assert event_from_audit(_record(action, "x")) is None
