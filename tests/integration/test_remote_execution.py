"""Trading through a remote execution agent: halt, trade, positions and limits from the CLI of
another machine, stored and audited where the execution agent and its store live."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.agent_server import Served, free_port, serving
from tests.support.cli import run
from volex import Volex


@pytest.fixture
def execution_server(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    server_side = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/server.db")
    with serving(server_side, ("execution", "risk")) as served:
        monkeypatch.setenv("VOLEX_AGENT_EXECUTION_API_KEY", served.tokens["trader"])
        assert run("config", "set", "agents.execution.url", f'"{served.url}"').exit_code == 0
        yield served
    server_side.close()


def test_halt_reaches_the_remote_agent_and_is_confirmed_once_stored_there(
        execution_server: Served) -> None:
    halted = run("halt", "--reason", "from the laptop", "--json")
    assert halted.exit_code == 0, halted.output
    state = execution_server.volex.halt_state()
    assert state.active and state.actor == "trader-token" and state.reason == "from the laptop"
    assert json.loads(halted.stdout)["state"]["state"] == "HALTED"
    assert not Volex(offline=True).runtime.halts.state().active, "halted here, not there"
    shown = json.loads(run("status", "--json").stdout)
    assert shown["trading"]["state"] == "HALTED"
    assert run("resume", "--yes").exit_code == 0
    assert not execution_server.volex.halt_state().active


def test_a_remote_trade_fills_there_and_reads_back_here(execution_server: Served) -> None:
    bought = run("buy", "BTC", "--quote", "200", "--yes")
    assert bought.exit_code == 0, bought.output
    [position] = execution_server.volex.positions()
    assert position.symbol == "BTC/USDT"
    [here] = json.loads(run("positions", "--json").stdout)
    assert here["symbol"] == "BTC/USDT" and here["amount"] == str(position.amount)
    orders = [r for r in execution_server.volex.audit() if r.actor == "trader-token"]
    assert orders, "the remote trade was not audited with the token's name"


def test_a_viewer_token_cannot_halt_and_nothing_is_claimed(execution_server: Served,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_AGENT_EXECUTION_API_KEY", execution_server.tokens["viewer"])
    refused = run("halt")
    assert refused.exit_code == 1 and "needs a trader token" in refused.output
    assert "HALTED" not in refused.output
    assert not execution_server.volex.halt_state().active
    limit = run("risk", "set", "max_open_orders", "2")
    assert limit.exit_code == 1 and "needs an admin token" in limit.output
    assert execution_server.volex.risk_limits().max_open_orders != 2


def test_an_unreachable_execution_agent_is_not_a_halt(volex_home) -> None:
    assert run("config", "set", "agents.execution.url",
               f'"http://127.0.0.1:{free_port()}"').exit_code == 0
    failed = run("halt")
    assert failed.exit_code == 1 and "unreachable" in failed.output
    assert "HALTED" not in failed.output
