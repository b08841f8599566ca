"""`volex backtest`, `volex optimize` and `volex strategy` from another machine's CLI: they run
where `[agents.backtest|optimize|strategy] url` points, with that machine's strategy store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.agent_server import Served, serving
from tests.support.cli import one_line_error, run
from volex import Volex


@pytest.fixture
def jobs_server(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    server_side = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/server.db")
    with serving(server_side, ("strategy", "backtest", "optimize")) as served:
        for agent in ("strategy", "backtest", "optimize"):
            monkeypatch.setenv(f"VOLEX_AGENT_{agent.upper()}_API_KEY", served.tokens["trader"])
            assert run("config", "set", f"agents.{agent}.url", f'"{served.url}"').exit_code == 0
        yield served
    server_side.close()


def test_a_backtest_from_the_cli_runs_there_and_moves_its_lifecycle_there(
        jobs_server: Served) -> None:
    done = run("backtest", "sma_cross", "BTC/USDT", "--timeframe", "2h", "--days", "30",
               "--offline", "--json")
    assert done.exit_code == 2 and "offline cannot be sent" in done.output
    done = run("backtest", "sma_cross", "BTC/USDT", "--timeframe", "2h", "--days", "30", "--json")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["symbol"] == "BTC/USDT" and summary["bars"] == 360
    listed = json.loads(run("strategy", "list", "--json").stdout)
    assert {s["name"]: s["state"] for s in listed}["sma_cross"] == "backtested"


def test_a_trader_cannot_save_a_search_there_and_nothing_is_saved(jobs_server: Served) -> None:
    refused = one_line_error(run("optimize", "sma_cross", "BTC/USDT", "--timeframe", "2h",
                                 "--days", "30", "--trials", "3", "--save"), code=1)
    assert "admin" in refused
    assert jobs_server.volex.strategy("sma_cross")["saved_params"] is None
