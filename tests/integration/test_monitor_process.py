"""`volex monitor` as its own OS process: a halt issued by another process reaches a person's
Telegram (a loopback Bot API server, through the real apprise) within 2 seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run
from tests.support.notify_servers import HookServer

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def telegram() -> Iterator[HookServer]:
    server = HookServer()
    yield server
    server.close()


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOLEX_")}
    pythonpath = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env | {"VOLEX_HOME": str(home), "VOLEX_OFFLINE": "true", "PYTHONPATH": pythonpath}


def _cursor_set(home: Path) -> bool:
    from volex.adapters.storage.store import Store

    store = Store(f"sqlite:///{home / 'volex.db'}")
    try:
        with store.db.begin() as conn:
            return store.notify.cursor(conn) is not None
    finally:
        store.close()


def test_a_halt_in_one_process_reaches_telegram_within_two_seconds(
        volex_home: Path, telegram: HookServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    (volex_home / "config.toml").write_text(
        f'[notify]\napi_base = {{telegram = "{telegram.base}/bot"}}\n'
        "[monitor]\npoll_s = 0.2\ninterval_s = 3600\nsummary_hour = 23\n")
    added = run("notify", "add", f"tgram://{TOKEN}/987654321", "--events", "halts")
    assert added.exit_code == 0, added.output
    monitor = subprocess.Popen([sys.executable, "-m", "volex", "monitor"], env=_env(volex_home),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not _cursor_set(volex_home):  # the monitor has started following the audit log
            assert monitor.poll() is None, monitor.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        halted = subprocess.run([sys.executable, "-m", "volex", "halt", "--reason", "fat finger"],
                                env=_env(volex_home), capture_output=True, text=True, timeout=60,
                                check=False)
        issued = time.monotonic()
        assert halted.returncode == 0, halted.stderr
        assert telegram.wait_for(1, timeout_s=2.0), "no Telegram message within 2 s of the halt"
        assert telegram.received[0].at - issued < 2.0
        text = telegram.received[0].body["text"]
        assert "HALTED" in text and "by cli (fat finger)" in text
    finally:
        monitor.terminate()
        out, err = monitor.communicate(timeout=15)
    assert monitor.returncode == 0, err
    assert "monitor stopped" in err
    assert TOKEN not in out + err
