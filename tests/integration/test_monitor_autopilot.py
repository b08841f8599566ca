""""Tell me when the bot dies": `volex run` announces itself through the watch it runs inside,
and when it is killed with -9 (nothing of it left to say so) the separate `volex monitor`
process sees its heartbeat stop and tells Telegram."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.autopilot import REPO, STRATEGY, AutopilotProcess, btc_file, wait_for
from tests.support.cli import run
from tests.support.notify_servers import HookServer

pytestmark = pytest.mark.timeout(180)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_a_killed_autopilot_is_reported_by_the_monitor_process(
        tmp_path: Path, volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    telegram = HookServer()
    (volex_home / "config.toml").write_text(
        f'[notify]\napi_base = {{telegram = "{telegram.base}/bot"}}\ngroup_window_s = 0\n'
        "[monitor]\npoll_s = 0.2\ninterval_s = 0.5\nautopilot_max_silence_s = 2\n"
        "summary_hour = 23\n")
    for state in ("backtested", "paper"):
        assert run("strategy", "promote", "sma_cross", state).exit_code == 0
    assert run("notify", "add", f"tgram://{TOKEN}/987654321", "--events", "autopilot").exit_code == 0
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "PYTHONPATH": str(REPO),
           "VOLEX_OFFLINE": "true"}
    monitor = subprocess.Popen([sys.executable, "-m", "volex", "monitor"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    clock = {"VOLEX_OFFLINE": "true",
             "VOLEX_AUTOPILOT__CLOCK_START": "2017-08-19T00:00:00Z",
             "VOLEX_AUTOPILOT__CLOCK_SPEED": "3600",
             "VOLEX_AUTOPILOT__CLOCK_ORIGIN": (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
             "VOLEX_AUTOPILOT__HEARTBEAT_S": "0.2", "VOLEX_AUTOPILOT__LEASE_S": "1.0"}
    pilot = AutopilotProcess(volex_home, ["--watchlist", "BTC/USDT", *STRATEGY, "--data",
                                          str(btc_file(tmp_path / "btc.csv", 600))], clock)
    try:
        wait_for(lambda: "autopilot started" in " ".join(telegram.texts()), 60,
                 "Telegram to hear that the autopilot started")
        time.sleep(1.0)  # both workers (inside `volex run` and `volex monitor`) had their turn
        pilot.proc.send_signal(signal.SIGKILL)
        pilot.wait()
        killed = time.monotonic()
        wait_for(lambda: "autopilot heartbeat paper:paper" in " ".join(telegram.texts()), 30,
                 "Telegram to hear that the autopilot's heartbeat stopped")
        told_after = time.monotonic() - killed
    finally:
        pilot.kill()
        monitor.terminate()
        monitor.communicate(timeout=15)
        telegram.close()
    texts = telegram.texts()
    assert sum("autopilot started" in t for t in texts) == 1, texts  # once, from two workers
    missing = next(t for t in texts if "autopilot heartbeat paper:paper" in t)
    assert "no heartbeat for" in missing
    assert told_after < 2 + 0.5 + 5, f"told {told_after:.1f} s after the kill"
