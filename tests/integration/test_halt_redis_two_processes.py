"""With Redis configured, a halt issued in one process reaches every other process within a
second: two watcher processes (as a shell and a dashboard would run) and one that halts,
through the events API and through `volex halt` itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

WATCHER = textwrap.dedent("""
    import json, sys
    from volex import Volex
    from volex.agents.monitor import HaltWatcher
    app = Volex(actor="dashboard")
    watcher = HaltWatcher(app.runtime.bus)
    print("ready", flush=True)
    halted = watcher.wait_for(True, timeout_s=15)
    print(json.dumps({"halted": halted, "received_at": watcher.received_at,
                      "state": watcher.state}), flush=True)
    app.close()
""")

HALTER = textwrap.dedent("""
    import json, time
    from volex import Volex
    app = Volex(actor="cli")
    app.runtime.events  # open the store and the bus first: we time the halt, not start-up
    sent = time.time()
    app.runtime.events.emit("halt", {"state": {"active": True, "reduce_only": False,
                                               "reason": "two-process test", "actor": "cli"}})
    print(json.dumps({"sent_at": sent, "pending": app.runtime.events.pending()}), flush=True)
    app.close()
""")


def test_a_halt_reaches_every_other_process_within_a_second(
        redis_url: str, unique_prefix: str, volex_home: Path) -> None:
    env = {**os.environ, "VOLEX_BUS_URL": redis_url, "VOLEX_BUS__NAMESPACE": unique_prefix,
           "VOLEX_HOME": str(volex_home)}
    watchers = [subprocess.Popen([sys.executable, "-c", WATCHER], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    try:
        for watcher in watchers:
            assert watcher.stdout.readline().strip() == "ready", watcher.stderr.read()[-800:]
        halter = subprocess.run([sys.executable, "-c", HALTER], capture_output=True, text=True,
                                env=env, timeout=60, check=False)
        assert halter.returncode == 0, halter.stderr[-800:]
        sent = json.loads(halter.stdout)
        assert sent["pending"] == 0  # the outbox handed it to Redis at once
        results = [json.loads(w.communicate(timeout=30)[0].strip().splitlines()[-1]) for w in watchers]
    finally:
        for watcher in watchers:
            watcher.kill()
    latencies = [r["received_at"] - sent["sent_at"] for r in results]
    print(f"halt propagation over Redis: {', '.join(f'{x * 1000:.1f} ms' for x in latencies)}")
    assert all(r["halted"] and r["state"]["reason"] == "two-process test" for r in results)
    assert max(latencies) < 1.0, latencies


def test_volex_halt_reaches_a_watching_process_within_a_second(
        redis_url: str, unique_prefix: str, volex_home: Path) -> None:
    from datetime import datetime

    env = {**os.environ, "VOLEX_BUS_URL": redis_url, "VOLEX_BUS__NAMESPACE": unique_prefix,
           "VOLEX_HOME": str(volex_home)}
    watcher = subprocess.Popen([sys.executable, "-c", WATCHER], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert watcher.stdout.readline().strip() == "ready", watcher.stderr.read()[-800:]
        halt = subprocess.run([sys.executable, "-m", "volex", "halt", "--reason", "from the cli"],
                              capture_output=True, text=True, env=env, timeout=60, check=False)
        assert halt.returncode == 0, halt.stderr[-800:]
        result = json.loads(watcher.communicate(timeout=30)[0].strip().splitlines()[-1])
    finally:
        watcher.kill()
    assert result["halted"] and result["state"]["reason"] == "from the cli"
    halted_at = datetime.fromisoformat(result["state"]["since"]).timestamp()
    latency = result["received_at"] - halted_at  # from the halt decision to the other process
    print(f"volex halt -> watcher: {latency * 1000:.1f} ms")
    assert latency < 1.0


@pytest.fixture(autouse=True)
def _drop_streams(redis_url: str, unique_prefix: str):
    yield
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{unique_prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
