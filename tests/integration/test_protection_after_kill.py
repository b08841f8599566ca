"""An entry with a stop and a target, its process SIGKILLed between each pair of steps.

The steps of `volex buy BTC/USDT --quote 100 --stop-loss 5 --take-profit 10 --yes`: journal
the entry (with its protection intent), send it, record its fill; then the same three for
the stop-loss and for the take-profit. The worker kills itself with SIGKILL after step N.
The next command (any: they all reconcile) must leave the account with the position
protected by exactly one stop and one target, or, if the entry never reached the venue,
with nothing; and no order still pending in the journal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = """
import os, signal, sys
from volex.adapters.exchange.paper import PaperExchange
from volex.agents.order_gate import OrderGate

kill_at, step = int(sys.argv[1]), 0

def tick():
    global step
    step += 1
    if step == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

create = PaperExchange.create_order
def create_order(self, request):
    tick()
    order = create(self, request)
    tick()
    return order

record = OrderGate.record
def record_and_tick(self, *args, **kwargs):
    record(self, *args, **kwargs)
    tick()

PaperExchange.create_order = create_order
OrderGate.record = record_and_tick
from volex.cli import app
app(["buy", "BTC/USDT", "--quote", "100", "--stop-loss", "5", "--take-profit", "10", "--yes"])
"""

CHECK = """
import json
from volex import Volex
app = Volex(actor="cli", offline=True)
positions = app.positions()
print(json.dumps({
    "held": [str(p.amount) for p in positions if p.amount > 0],
    "orders": sorted(o.type for o in app.orders()),
    "journal": sorted(r["status"] for r in app.runtime.store.journal.unsettled("paper")),
    "restored": [r.action for r in app.audit() if r.action == "protection.restored"],
}))
"""


@pytest.mark.parametrize("kill_at", range(1, 10))
def test_protection_is_placed_once_by_the_next_command(volex_home: Path, kill_at: int) -> None:
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_OFFLINE": "true"}
    killed = subprocess.run([sys.executable, "-c", WORKER, str(kill_at)], env=env, check=False,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    check = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, check=False,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    state = json.loads(check.stdout.strip().splitlines()[-1])
    assert "pending" not in state["journal"]  # every order's fate is known
    if kill_at == 1:  # killed before the entry reached the venue
        assert state["held"] == [] and state["orders"] == []
        return
    assert len(state["held"]) == 1
    assert state["orders"] == ["stop_loss", "take_profit"]
    assert len(state["restored"]) == 1  # said so, once
