"""Property-based sequences across several OS processes sharing one paper account.

Hypothesis draws sequences of what traders and agents do at once: buys (some with a stop),
several processes confirming at the same moment behind a barrier, a process SIGKILLed while
it sends, reduce-only halts and resumes, and price moves (upwards: a position's value then
never falls below what it cost, so what was spent is bounded by the limit). The workers are
long-lived Python processes (started once, restarted after a kill) so an example costs
milliseconds, not interpreter start-ups. After every sequence, once every process has
reconciled:

- no accepted order took a limit past its value (spent <= max_position_quote, plus slippage);
- the paper ledger reconciles to the last digit;
- every filled entry that asked for a stop has it resting (nothing here closes positions);
- the journal and the audit agree with the venue, and nothing is left pending;
- no buy was sent while halted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

LIMIT = Decimal(400)
SLIPPAGE = Decimal("0.0005")  # the paper venue's default 5 bps
PROCESSES = 4

WORKER = r"""
import json, sys
from decimal import Decimal
from volex import Volex
from volex.domain.orders import Ticker
from volex.errors import VolexError
from volex.adapters.storage.inflight import protection_intents
from volex.adapters.storage.trading import journal
from sqlalchemy import select

class FilePrices:
    def __init__(self, path):
        self.path = path
    def __call__(self, symbol):
        price = Decimal(json.load(open(self.path))[symbol])
        return Ticker(symbol=symbol, last=price, bid=price, ask=price, source="manual")

def state():
    store, venue = app.runtime.store, execution.exchange
    with store.db.begin() as conn:
        intents = conn.execute(select(protection_intents)).mappings().all()
        rows = conn.execute(select(journal)).mappings().all()
    found = {r["client_order_id"]: venue.fetch_order_by_client_id(r["client_order_id"], r["symbol"])
             for r in rows}
    return {
        "reconciles": venue.ledger().reconciles,
        "journal": [{k: r[k] for k in ("client_order_id", "status", "side", "type")} for r in rows],
        "venue": {cid: o.status for cid, o in found.items() if o is not None},
        "resting": sorted(o.client_order_id for o in venue.open_orders()),
        "spent": str(sum((f.amount * f.price for f in venue.my_trades() if f.side == "buy"), 0)),
        "intents": [(i["client_order_id"], i["status"]) for i in intents],
        "audit_filled": [r.details.get("client_order_id") for r in app.audit(limit=100000)
                         if r.action == "order.filled"],
    }

app = Volex(actor="agent", offline=True)
execution = app.runtime.execution
execution.exchange.prices = FilePrices(sys.argv[1])
plan = None
print("ready", flush=True)
for line in sys.stdin:
    op = json.loads(line)
    try:
        if op["op"] == "plan":
            plan = app.plan_trade("BTC/USDT", "buy", quote=op["quote"], stop_loss=op.get("stop"))
            answer = {"planned": plan.approved}
        elif op["op"] == "go":
            done = app.trade(plan)
            answer = {"status": done.order.status, "protective": len(done.protective)}
        elif op["op"] == "halt":
            app.halt(reason="property test", reduce_only=True)
            answer = {"halted": True}
        elif op["op"] == "resume":
            app.resume(reason="property test")
            answer = {"halted": False}
        elif op["op"] == "reset":
            app.paper_reset(10000)
            app.resume(reason="next example")
            app.set_risk_limit("max_position_quote", str(op["limit"]))
            answer = {"reset": True}
        elif op["op"] == "reconcile":
            answer = {"changes": execution.reconcile("agent")}
        elif op["op"] == "state":
            answer = state()
    except VolexError as exc:
        answer = {"refused": type(exc).__name__, "message": str(exc)}
    print(json.dumps(answer), flush=True)
"""

class Worker:
    """One long-lived Volex process taking JSON commands on stdin."""

    def __init__(self, env: dict[str, str], prices: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER, str(prices)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        assert self.proc.stdout.readline().strip() == "ready"

    def send(self, **op: object) -> None:
        self.proc.stdin.write(json.dumps(op) + "\n")
        self.proc.stdin.flush()

    def answer(self) -> dict:
        line = self.proc.stdout.readline()
        assert line, "worker died"
        return json.loads(line)

    def ask(self, **op: object) -> dict:
        self.send(**op)
        return self.answer()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


class Account:
    """The workers, the shared price file and what the test knows it asked for."""

    def __init__(self, home: Path) -> None:
        self.env = {**os.environ, "VOLEX_HOME": str(home), "VOLEX_OFFLINE": "true"}
        self.prices = home / "prices.json"
        self.set_price(Decimal(50000))
        self.workers = [Worker(self.env, self.prices) for _ in range(PROCESSES)]

    def set_price(self, price: Decimal) -> None:
        self.price = price
        tmp = self.prices.with_suffix(".tmp")
        tmp.write_text(json.dumps({"BTC/USDT": str(price)}))
        tmp.replace(self.prices)  # atomic: a reader never sees half a file

    def restart(self, index: int) -> None:
        self.workers[index].close()
        self.workers[index] = Worker(self.env, self.prices)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Account]:
    home = tmp_path_factory.mktemp("money-properties")
    shared = Account(home)
    yield shared
    shared.close()


step = st.one_of(
    st.tuples(st.just("buy"), st.integers(0, PROCESSES - 1), st.integers(40, 160),
              st.sampled_from([None, 5])),
    st.tuples(st.just("together"), st.integers(2, PROCESSES), st.integers(60, 160)),
    st.tuples(st.just("halt"), st.integers(0, PROCESSES - 1)),
    st.tuples(st.just("resume"), st.integers(0, PROCESSES - 1)),
    st.tuples(st.just("rise"), st.integers(1, 300)),
    st.tuples(st.just("kill"), st.integers(0, PROCESSES - 1), st.integers(40, 160),
              st.floats(0, 0.15)),
)


# Bounded for CI: fifteen sequences, reported as found (shrinking a multi-process run
# would take minutes; the failing sequence is printed as drawn).
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(step, min_size=3, max_size=10).filter(lambda s: sum(x[0] == "kill" for x in s) <= 1))
def test_money_invariants_hold_across_processes(account: Account, steps: list[tuple]) -> None:
    workers = account.workers
    assert workers[0].ask(op="reset", limit=str(LIMIT)) == {"reset": True}
    account.set_price(Decimal(50000))
    halted = False
    sent_while_halted = []
    for kind, *args in steps:
        if kind == "buy":
            index, quote, stop = args
            assert workers[index].ask(op="plan", quote=quote, stop=stop).keys() == {"planned"}
            result = workers[index].ask(op="go")
            if halted:
                sent_while_halted.append(result)
        elif kind == "together":  # several processes confirm behind a barrier
            count, quote = args
            for worker in workers[:count]:
                assert "planned" in worker.ask(op="plan", quote=quote, stop=5)
            for worker in workers[:count]:
                worker.send(op="go")
            results = [worker.answer() for worker in workers[:count]]
            if halted:
                sent_while_halted.extend(results)
        elif kind == "halt":
            workers[args[0]].ask(op="halt")
            halted = True
        elif kind == "resume":
            workers[args[0]].ask(op="resume")
            halted = False
        elif kind == "rise":
            account.set_price(account.price * (1 + Decimal(args[0]) / 10_000))
        elif kind == "kill":
            index, quote, delay = args
            assert "planned" in workers[index].ask(op="plan", quote=quote, stop=5)
            workers[index].send(op="go")
            time.sleep(delay)
            workers[index].kill()
            account.restart(index)
    for worker in workers:  # every process has had its say: nothing is left to anyone
        assert "changes" in worker.ask(op="reconcile")
    state = workers[0].ask(op="state")

    assert all("refused" in r and r["refused"] == "TradingHalted" for r in sent_while_halted)
    assert Decimal(state["spent"]) <= LIMIT * (1 + SLIPPAGE), state
    assert state["reconciles"] is True
    journal = state["journal"]
    assert not [r for r in journal if r["status"] == "pending"], journal
    for row in journal:
        if row["client_order_id"] in state["venue"]:
            assert state["venue"][row["client_order_id"]] == row["status"], row
        else:
            assert row["status"] == "rejected", row  # never reached the venue
    filled = {r["client_order_id"] for r in journal if r["status"] == "closed"}
    assert filled <= set(state["audit_filled"]), (filled, state["audit_filled"])
    entries = {r["client_order_id"] for r in journal
               if r["side"] == "buy" and r["status"] == "closed" and r["type"] == "market"}
    asked = {cid for cid, _ in state["intents"]}
    for cid in entries & asked:
        assert f"{cid[:32]}-sl" in state["resting"], (cid, state)
    assert all(status != "open" for cid, status in state["intents"] if cid in entries), state
