"""`volex run` as real OS processes: failover by lease after a kill -9, and a crash at each
step of the chain followed by a restart. Never a bar traded twice; never one lost."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.autopilot import (
    REPO,
    STRATEGY,
    AutopilotProcess,
    bars,
    btc_file,
    orders,
    wait_for,
)

pytestmark = pytest.mark.timeout(180)

BAR = timedelta(hours=2)


def _promote(home: Path) -> None:
    for state in ("backtested", "paper"):
        assert _volex(home, "strategy", "promote", "sma_cross", state).returncode == 0


def _stop(home: Path) -> None:
    assert _volex(home, "run", "stop").returncode == 0


def _assert_no_bar_traded_twice(home: Path) -> None:
    entries = [o for o in orders(home) if o["type"] == "market"]
    assert len({o["client_order_id"] for o in entries}) == len(entries)
    sides = [o["side"] for o in entries]
    # long-only and all-in: a second buy before a sale would mean a bar traded twice
    assert all(a != b for a, b in itertools.pairwise(sides)), sides
    by_bar = [b for b in bars(home) if b.action in ("buy", "sell")]
    assert len({(b.symbol, b.bar_ms) for b in by_bar}) == len(by_bar)


def test_a_standby_takes_over_after_kill_9_without_skipping_or_repeating_a_bar(
        tmp_path: Path, volex_home: Path) -> None:
    data = btc_file(tmp_path / "btc.csv", 600)
    _promote(volex_home)
    # One 2h bar every 2 wall seconds, the same market time in every process.
    origin = datetime.now(UTC) + timedelta(seconds=1)
    clock = {"VOLEX_AUTOPILOT__CLOCK_START": "2017-08-19T00:00:00Z",
             "VOLEX_AUTOPILOT__CLOCK_SPEED": "3600",
             "VOLEX_AUTOPILOT__CLOCK_ORIGIN": origin.isoformat(),
             "VOLEX_AUTOPILOT__HEARTBEAT_S": "0.2", "VOLEX_AUTOPILOT__LEASE_S": "1.0"}
    args = ["--watchlist", "BTC/USDT", *STRATEGY, "--data", str(data)]
    leader = AutopilotProcess(volex_home, args, clock)
    standby = None
    try:
        wait_for(lambda: len(bars(volex_home)) >= 3, 60, "the leader to handle 3 bars")
        standby = AutopilotProcess(volex_home, [*args, "--standby"], clock)
        wait_for(lambda: "standing by" in standby.output(), 30, "the standby to wait")
        leader.proc.send_signal(signal.SIGKILL)
        leader.wait()
        killed_at = time.monotonic()
        wait_for(lambda: _lease_pid(volex_home) == standby.proc.pid, 30,
                 "the standby to take the lease")
        took = time.monotonic() - killed_at
        led = len(bars(volex_home))
        wait_for(lambda: len(bars(volex_home)) >= led + 4, 60,
                 "the standby to handle 4 more bars")
        _stop(volex_home)
        assert standby.wait(30) == 0, standby.output()
    finally:
        leader.kill()
        if standby is not None:
            standby.kill()
    journal = bars(volex_home)
    stamps = [b.bar_ms for b in journal]
    step = int(BAR.total_seconds() * 1000)
    assert stamps == list(range(stamps[0], stamps[-1] + step, step)), "a bar was skipped"
    assert all(b.stage == "done" for b in journal), [b.to_dict() for b in journal]
    assert took < 1.0 + 1.0, f"the standby took {took:.1f}s to take over a 1s lease"
    _assert_no_bar_traded_twice(volex_home)


def _lease_pid(home: Path) -> int | None:
    from volex.adapters.storage.autopilot import AutopilotRepo
    from volex.adapters.storage.db import Database

    db = Database(f"sqlite:///{home / 'volex.db'}")
    try:
        [state] = AutopilotRepo(db).state("paper:paper")
        return state["pid"]
    finally:
        db.dispose()


@pytest.mark.parametrize("point", ["after_decision", "after_intent", "after_send",
                                   "after_fill"])
def test_a_crash_at_each_step_then_a_restart_trades_the_bar_exactly_once(
        tmp_path: Path, volex_home: Path, point: str) -> None:
    # The file ends on a bar where sma_cross(3, 8) turns long: the one bar to trade.
    data = btc_file(tmp_path / "btc.csv", 46)
    _promote(volex_home)
    env = {"VOLEX_AUTOPILOT__HEARTBEAT_S": "0.2", "VOLEX_AUTOPILOT__LEASE_S": "1.0"}
    args = ["--watchlist", "BTC/USDT", *STRATEGY, "--data", str(data)]
    crashed = AutopilotProcess(volex_home, args, {**env, "VOLEX_AUTOPILOT_CRASH_AT": point})
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()
    [half_done] = bars(volex_home)
    assert half_done.stage == {"after_decision": "decided", "after_intent": "intent",
                               "after_send": "intent", "after_fill": "sent"}[point]
    sent_before = len(orders(volex_home))
    assert sent_before == (1 if point in ("after_send", "after_fill") else 0)

    restarted = AutopilotProcess(volex_home, args, env)  # the lease expires within 1s
    try:
        wait_for(lambda: bars(volex_home)[0].stage == "done", 60, "the bar to be finished")
        _stop(volex_home)
        assert restarted.wait(30) == 0, restarted.output()
    finally:
        restarted.kill()
    [bar] = bars(volex_home)
    assert (bar.stage, bar.action) == ("done", "buy"), bar.to_dict()
    [order] = orders(volex_home)
    assert order["client_order_id"] == bar.client_order_id and order["status"] == "closed"
    assert bar.order_id == order["id"]


def _volex(home: Path, *args: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "VOLEX_HOME": str(home), "PYTHONPATH": str(REPO), "VOLEX_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "volex", *args], check=False, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_halt_from_another_process_stops_its_orders_and_it_carries_on_after_resume(
        tmp_path: Path, volex_home: Path) -> None:
    data = btc_file(tmp_path / "btc.csv", 900)
    _promote(volex_home)
    origin = datetime.now(UTC) + timedelta(seconds=1)
    clock = {"VOLEX_AUTOPILOT__CLOCK_START": "2017-08-19T00:00:00Z",
             "VOLEX_AUTOPILOT__CLOCK_SPEED": "3600",
             "VOLEX_AUTOPILOT__CLOCK_ORIGIN": origin.isoformat(),
             "VOLEX_AUTOPILOT__HEARTBEAT_S": "0.2", "VOLEX_AUTOPILOT__LEASE_S": "1.0"}
    pilot = AutopilotProcess(volex_home, ["--watchlist", "BTC/USDT", *STRATEGY, "--data",
                                          str(data)], clock)
    try:
        wait_for(lambda: any(b.action == "buy" for b in bars(volex_home)), 60, "a first buy")
        halted = _volex(volex_home, "halt", "--flatten", "--yes", "--reason", "drill")
        assert halted.returncode == 0, halted.stderr
        flattened = len(orders(volex_home))
        assert orders(volex_home)[-1]["side"] == "sell"  # its position was closed
        wait_for(lambda: _volex(volex_home, "run", "status", "--json").stdout.count(
            '"status": "HALTED"'), 30, "the autopilot to report HALTED")
        seen = len(bars(volex_home))
        wait_for(lambda: len(bars(volex_home)) >= seen + 3, 60, "3 bars while halted")
        assert len(orders(volex_home)) == flattened  # nothing sent while halted
        assert pilot.proc.poll() is None  # alive
        resumed = _volex(volex_home, "resume", "--yes")
        assert resumed.returncode == 0, resumed.stderr
        wait_for(lambda: len(orders(volex_home)) > flattened, 90, "an order after the resume")
        _stop(volex_home)
        assert pilot.wait(30) == 0, pilot.output()
    finally:
        pilot.kill()
    blocked = [b for b in bars(volex_home) if b.action == "blocked"]
    assert all("halt" in b.detail for b in blocked)
    _assert_no_bar_traded_twice(volex_home)


def test_sigterm_stops_it_cleanly_and_frees_the_lease(tmp_path: Path, volex_home: Path) -> None:
    data = btc_file(tmp_path / "btc.csv", 46)
    _promote(volex_home)
    pilot = AutopilotProcess(volex_home, ["--watchlist", "BTC/USDT", *STRATEGY, "--data",
                                          str(data)], {"VOLEX_AUTOPILOT__HEARTBEAT_S": "0.2"})
    try:
        wait_for(lambda: [b.stage for b in bars(volex_home)] == ["done"], 60, "the bar")
        pilot.proc.send_signal(signal.SIGTERM)
        assert pilot.wait(30) == 0, pilot.output()
    finally:
        pilot.kill()
    status = _volex(volex_home, "run", "status", "--json")
    assert '"status": "STOPPED"' in status.stdout
    assert "autopilot ended: stopped" in pilot.output()
