"""An order another live process is still sending is left alone by reconciliation.

The sender journals its order, then stops just before the venue call (waiting on stdin);
meanwhile a second process runs a command (every command reconciles). The order must stay
pending, not be recorded as "never reached the venue"; once released it fills, and the
journal and the audit agree: filled, never rejected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SENDER = """
import sys
from volex import Volex
from volex.adapters.exchange.paper import PaperExchange

create = PaperExchange.create_order
def slow_create(self, request):
    print("sending", request.client_order_id, flush=True)
    sys.stdin.readline()
    return create(self, request)

PaperExchange.create_order = slow_create
app = Volex(actor="cli", offline=True)
done = app.trade(app.plan_trade("BTC/USDT", "buy", quote=100))
print("done", done.order.status, flush=True)
"""

READER = """
import json, sys
from volex import Volex
app = Volex(actor="cli", offline=True)
changes = app.runtime.execution.reconcile("cli")
row = app.runtime.store.journal.get(sys.argv[1])
print(json.dumps({"changes": changes, "status": row["status"]}))
"""

AFTER = """
import json, sys
from volex import Volex
app = Volex(actor="cli", offline=True)
row = app.runtime.store.journal.get(sys.argv[1])
print(json.dumps({"status": row["status"],
                  "actions": [r.action for r in app.audit() if r.action.startswith("order.")]}))
"""


def _run(script: str, cid: str, env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", script, cid], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_pending_order_of_a_live_process_is_not_declared_lost(volex_home: Path) -> None:
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_OFFLINE": "true"}
    sender = subprocess.Popen([sys.executable, "-c", SENDER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        word, cid = sender.stdout.readline().split()
        assert word == "sending"
        seen = _run(READER, cid, env)
        assert seen == {"changes": [], "status": "pending"}
        sender.stdin.write("go\n")
        sender.stdin.flush()
        out, err = sender.communicate(timeout=120)
        assert out.split() == ["done", "closed"], err
    finally:
        if sender.poll() is None:
            sender.kill()
    after = _run(AFTER, cid, env)
    assert after["status"] == "closed"
    assert "order.rejected" not in after["actions"] and "order.filled" in after["actions"]
