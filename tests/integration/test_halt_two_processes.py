"""Two OS processes sharing one store: one halts, the other's next order is refused.

The worker keeps one Volex (one engine, one execution agent) alive across orders, as a
long-running agent would, so the test shows the halt is read from the store at sending time,
not from anything cached in the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

WORKER = """
import sys
from decimal import Decimal
from volex import Volex
from volex.domain.orders import OrderRequest
from volex.errors import TradingHalted

app = Volex(actor="agent", offline=True)
first = app.trade(app.plan_trade("BTC/USDT", "buy", quote=300, stop_loss=5))
print("ready", first.order.status, len(first.protective), flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "exit":
        break
    if command == "protected":
        done = app.trade(app.plan_trade("BTC/USDT", "buy", quote=200, stop_loss=5))
        print("sent", done.order.status, len(done.protective), flush=True)
        continue
    side = "buy" if command == "buy" else "sell"
    request = OrderRequest(symbol="BTC/USDT", side=side, amount=Decimal("0.0002"))
    try:
        order = app.runtime.execution.submit(request, actor="agent")
        print("sent", order.status, flush=True)
    except TradingHalted as exc:
        print("refused", exc, flush=True)
"""

RESTART = """
import json
from volex import Volex

app = Volex(actor="cli", offline=True)
halt = app.halt_state()
print(json.dumps({
    "halt": {"active": halt.active, "reduce_only": halt.reduce_only, "reason": halt.reason},
    "orders": [o.type for o in app.orders()],
    "positions": [p.symbol for p in app.positions()],
    "refused_by": [r.actor for r in app.audit() if r.action == "order.refused"],
}))
"""


@pytest.fixture
def env(volex_home: Path) -> dict[str, str]:
    return {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_OFFLINE": "true"}


@pytest.fixture
def worker(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def _ask(proc: subprocess.Popen, command: str) -> str:
    proc.stdin.write(command + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def _volex(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "volex", *args], check=False, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_one_process_halts_and_the_others_next_order_is_refused(worker: subprocess.Popen,
                                                                env: dict[str, str]) -> None:
    ready = worker.stdout.readline().strip()
    assert ready == "ready closed 1", worker.stderr.read() if not ready else ready

    halted = _volex(env, "halt", "--reduce-only", "--reason", "two processes")
    assert halted.returncode == 0, halted.stderr
    assert "REDUCE-ONLY" in halted.stdout
    assert _ask(worker, "buy").startswith("refused order not sent: reduce-only")
    assert _ask(worker, "sell").startswith("sent closed")

    assert _volex(env, "halt", "--reason", "everything stops").returncode == 0
    assert _ask(worker, "sell").startswith("refused order not sent: trading halted")

    assert _volex(env, "resume", "--yes").returncode == 0
    assert _ask(worker, "buy").startswith("sent closed")
    assert _ask(worker, "protected") == "sent closed 1"

    assert _volex(env, "halt", "--reduce-only", "--reason", "overnight").returncode == 0
    assert _ask(worker, "buy").startswith("refused")
    _ask(worker, "exit")
    worker.wait(timeout=10)

    # a restart: a new process sees the halt, the stop order it kept, and the history
    after = subprocess.run([sys.executable, "-c", RESTART], check=True, env=env,
                           capture_output=True, text=True, timeout=60)
    seen = json.loads(after.stdout)
    assert seen["halt"] == {"active": True, "reduce_only": True, "reason": "overnight"}
    assert seen["orders"] == ["stop_loss"] and seen["positions"] == ["BTC/USDT"]
    assert seen["refused_by"] == ["agent", "agent", "agent"]
