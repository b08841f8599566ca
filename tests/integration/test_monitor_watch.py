"""The watch on a real store: findings become events once, actions halt or go reduce-only,
components going down and back are announced, the summary comes once a day, the dead man's
switch is pinged, and `volex monitor --once --json` reports it all."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pandas as pd
import pytest

from tests.support.cli import run
from volex.adapters.storage.autopilot import Holder
from volex.facade import Volex
from volex.monitor.sources import autopilot_heartbeats
from volex.monitor.watch import Watch


class FakeSources:
    """The WatchSources interface with values a test sets."""

    timeframe = "2h"

    def __init__(self, now: datetime) -> None:
        self.symbols = ["BTC/USDT"]
        self.now = now
        self.equity, self.loss_pct, self.limit_pct = 10_000.0, 0.0, 5.0
        self.status: dict[str, tuple[str, str]] = {"store": ("ok", "fine")}
        self.heartbeats: dict[str, int] = {}
        self.last_bar = now - timedelta(hours=4)

    def candles(self, symbol: str, timeframe: str, bars: int) -> tuple[pd.DataFrame, bool]:
        stamps = [int((self.last_bar - timedelta(hours=2 * i)).timestamp() * 1000)
                  for i in reversed(range(10))]
        return pd.DataFrame({"timestamp_ms": stamps, "close": [100.0] * 10,
                             "volume": [1.0] * 10}), True

    def venue_prices(self, symbol: str) -> dict[str, float]:
        return {}

    def account(self) -> tuple[float, float, float]:
        return self.equity, self.loss_pct, self.limit_pct

    def exchange_history(self, now: datetime) -> tuple[list[bool], list[float]]:
        return [], []

    def components(self) -> dict[str, tuple[str, str]]:
        return dict(self.status)

    def autopilot_heartbeats(self) -> dict[str, int]:
        return dict(self.heartbeats)

    def summary(self, now: datetime) -> str:
        return f"equity {self.equity:,.2f} USDT"


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    with Volex(actor="cli", monitor={"summary_hour": 20}) as volex:
        yield volex


def _watch(app: Volex, sources: FakeSources, clock: list[datetime]) -> Watch:
    real = app.watch()
    return Watch(app.runtime.store, real.dispatcher, sources, app.settings.monitor,
                 halt=lambda reason, reduce_only: app.runtime.halts.halt(
                     "monitor", reason, reduce_only=reduce_only),
                 clock=lambda: clock[0])


def _monitor_actions(app: Volex) -> list[tuple[str, str]]:
    return [(r.action, r.subject or "") for r in app.audit() if r.actor == "monitor"]


def test_a_finding_is_one_event_until_it_clears(app: Volex) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock, sources = [now], FakeSources(now)
    watch = _watch(app, sources, clock)
    assert watch.check().findings == []
    sources.last_bar = now - timedelta(hours=8)  # two bars missing
    for _ in range(3):
        report = watch.check()
    assert [f.detector for f in report.findings] == ["stale_data"]
    sources.last_bar = now - timedelta(hours=2)
    watch.check()
    assert _monitor_actions(app) == [("monitor.anomaly", "stale data BTC/USDT 2h"),
                                     ("monitor.cleared", "stale data BTC/USDT 2h")]
    events = app.events()
    assert [e.title for e in events] == ["stale data BTC/USDT 2h", "stale data BTC/USDT 2h cleared"]
    assert events[0].body.startswith("last closed bar 360 min old")


def test_a_drawdown_switches_to_reduce_only_and_says_who(app: Volex) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock, sources = [now], FakeSources(now)
    watch = _watch(app, sources, clock)
    watch.check()
    sources.equity = 7_000.0  # 30% below the peak of 10,000 (limit 20%)
    report = watch.check()
    assert report.actions == ["reduce_only (drawdown)"]
    state = app.halt_state()
    assert state.active and state.reduce_only and state.actor == "monitor"
    assert "drawdown" in state.reason
    titles = [e.title for e in app.events()]
    assert titles == ["REDUCE-ONLY", "drawdown equity -> reduce_only"]


def test_daily_loss_near_its_limit_and_a_silent_autopilot(app: Volex) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock, sources = [now], FakeSources(now)
    sources.loss_pct = 4.2
    leases = app.runtime.store.autopilot
    holder = Holder(id="host:1:abc", host="host", pid=1)
    beat = int((now - timedelta(minutes=10)).timestamp() * 1000)
    assert leases.acquire("paper:paper", holder, beat, 30_000, {}) is None
    sources.heartbeats = autopilot_heartbeats(leases)
    report = _watch(app, sources, clock).check()
    assert {f.detector for f in report.findings} == {"daily_loss", "autopilot_heartbeat"}
    kinds = {e.kind: e for e in app.events()}
    assert kinds["loss"].body == "loss today 4.20% is 84% of the 5% limit"
    assert kinds["autopilot"].title == "autopilot heartbeat paper:paper"
    assert kinds["autopilot"].body == "no heartbeat for 600 s (limit 180 s)"
    leases.release("paper:paper", holder.id, beat + 1000)
    assert autopilot_heartbeats(leases) == {}  # stopped cleanly: nothing missing


def test_components_down_and_back_and_one_summary_a_day(app: Volex) -> None:
    now = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)
    clock, sources = [now], FakeSources(now)
    watch = _watch(app, sources, clock)
    watch.check()
    sources.status["event bus"] = ("fail", "Redis at 127.0.0.1:6390: connection refused")
    watch.check()
    watch.check()
    sources.status["event bus"] = ("ok", "redis 7")
    for later in (now.replace(hour=20, minute=1), now.replace(hour=23)):
        clock[0], sources.last_bar = later, later - timedelta(hours=3)
        watch.check()
    assert _monitor_actions(app) == [("monitor.down", "event bus"), ("monitor.back", "event bus"),
                                     ("monitor.summary", "2026-03-01")]
    summary = app.events()[-1]
    assert (summary.kind, summary.body) == ("summary", "equity 10,000.00 USDT")


def test_the_dead_mans_switch_is_pinged_while_the_watch_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pings = threading.Semaphore(0)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            pass

        def do_GET(self) -> None:
            pings.release()
            self.send_response(200)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    url = f"http://127.0.0.1:{server.server_address[1]}/ping/0f1e2d3c-4b5a-6978"
    try:
        with Volex(actor="cli", monitor={"heartbeat_url": url, "heartbeat_every_s": 0.2,
                                         "poll_s": 0.05, "interval_s": 3600}) as app:
            stop = threading.Event()
            runner = threading.Thread(target=app.watch().run, args=(stop,))
            runner.start()
            try:
                assert all(pings.acquire(timeout=3) for _ in range(3))
            finally:
                stop.set()
                runner.join(10)
            assert "0f1e2d3c-4b5a-6978" not in json.dumps(app.settings.model_dump(mode="json"))
    finally:
        server.shutdown()


def test_monitor_once_json_reports_components_and_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_WATCHLIST", '["BTC/USDT", "XRP/USDT"]')
    monkeypatch.setenv("VOLEX_MONITOR__TIMEFRAME", "2h")
    result = run("monitor", "--once", "--json")
    report = json.loads(result.stdout)
    assert report["components"]["store"] == "ok"
    assert [p.split(":")[0] for p in report["problems"]] == ["XRP/USDT"]  # BTC was checked
    assert result.exit_code == (0 if report["ok"] else 1)


def test_a_remote_agent_going_down_and_coming_back_is_announced(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    class Health(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = b'{"status": "ok", "version": "9.9"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_AGENTS__SIGNAL__URL", f"http://127.0.0.1:{port}")
    with Volex(actor="cli") as app:
        assert app.monitor_check()["components"]["agent signal"] == "fail"
        server = ThreadingHTTPServer(("127.0.0.1", port), Health)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            assert app.monitor_check()["components"]["agent signal"] == "ok"
        finally:
            server.shutdown()
        events = [(e.kind, e.title) for e in app.events() if e.kind == "components"]
    assert events == [("components", "agent signal down"), ("components", "agent signal back")]


def test_tick_checks_once_per_interval_for_a_host_loop(app: Volex) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock, sources = [now], FakeSources(now)
    watch = _watch(app, sources, clock)
    assert watch.tick() is not None          # the first tick checks
    assert watch.tick() is None              # the next ones only send notifications...
    clock[0] = now + timedelta(seconds=app.settings.monitor.interval_s)
    sources.last_bar = clock[0] - timedelta(hours=3)
    assert watch.tick() is not None          # ...until interval_s has passed
