"""Six OS processes confirm an order at the same moment: the limits hold across processes.

Each worker plans its buy (every plan passes on its own: the account is empty), waits at a
barrier (a line on stdin, released for all at once), then sends. The last risk check and
the order's acceptance are one step per account, so the accepted orders never add up past
``max_position_quote``; the ones refused say which limit they would have broken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

WORKER = """
import json, sys
from volex import Volex
from volex.errors import VolexError

app = Volex(actor="cli", offline=True)
plan = app.plan_trade("BTC/USDT", "buy", quote=100)
print("ready", plan.approved, flush=True)
sys.stdin.readline()
try:
    done = app.trade(plan)
    print(json.dumps({"status": done.order.status,
                      "cost": str(done.order.filled * done.order.average)}), flush=True)
except VolexError as exc:
    print(json.dumps({"refused": str(exc)}), flush=True)
"""

SETUP = """
from volex import Volex
app = Volex(actor="cli", offline=True)
app.set_risk_limit("max_position_quote", "300")
print(len(app.balances()))
"""


def _probe(env: dict[str, str], workers: int = 6) -> list[dict]:
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True,
                   timeout=120)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(workers)]
    try:
        for proc in procs:
            assert proc.stdout.readline().split() == ["ready", "True"], proc.stderr.read()
        for proc in procs:  # the barrier: every worker is past its plan, all go at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def _check(results: list[dict]) -> None:
    filled = [r for r in results if "status" in r]
    refused = [r for r in results if "refused" in r]
    spent = sum((Decimal(r["cost"]) for r in filled), Decimal(0))
    assert spent <= Decimal(300), results
    # three of 100 fit, as they do one by one; an order settled while another process read
    # the account may be counted twice by it (refused rather than risk the limit)
    assert 1 <= len(filled) <= 3, results
    assert all("max_position_quote" in r["refused"] for r in refused), refused


def test_six_processes_confirming_at_once_stay_within_the_limit_on_sqlite(volex_home: Path) -> None:
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_OFFLINE": "true"}
    _check(_probe(env))


def test_six_processes_confirming_at_once_stay_within_the_limit_on_postgresql(
        volex_home: Path, pg_url: str) -> None:
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_OFFLINE": "true",
           "VOLEX_DATABASE_URL": pg_url}
    _check(_probe(env))

