"""One behaviour, two ways: each agent's contract run on the local objects and on remote
clients talking to a real server (uvicorn on loopback) with the same methods and models.

``client`` is the Volex a person uses; ``home`` is where the agents and the store live
(the same object when local, the serving Volex when remote).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest

from tests.support.agent_server import free_port, serving
from volex import Volex
from volex.config import AgentSettings
from volex.errors import (
    ConfigError,
    DataUnavailable,
    UnknownSymbol,
    UnknownTimeframe,
    UserInputError,
)

REMOTE = ("research", "signal", "execution", "strategy", "backtest", "optimize")


@dataclass
class Pair:
    client: Volex
    home: Volex


@pytest.fixture(params=["local", "remote"])
def pair(request: pytest.FixtureRequest, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    if request.param == "local":
        with Volex(offline=True) as volex:
            yield Pair(volex, volex)
        return
    home = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/home.db")
    with serving(home) as served:
        for agent in REMOTE:
            monkeypatch.setenv(f"VOLEX_AGENT_{agent.upper()}_API_KEY", served.tokens["admin"])
        agents = {name: AgentSettings(url=served.url) for name in REMOTE}
        with Volex(offline=True, agents=agents) as client:
            yield Pair(client, home)
    home.close()


def test_candles_are_closed_bars_in_order(pair: Pair) -> None:
    candles = pair.client.candles("BTC/USDT", "2h", bars=300)
    assert len(candles.frame) == 300 and candles.source.kind == "sample"
    assert candles.frame["timestamp"].is_monotonic_increasing
    with Volex(offline=True) as reference:
        assert candles.frame.equals(reference.candles("BTC/USDT", "2h", bars=300).frame)


def test_analysis_and_its_errors(pair: Pair) -> None:
    analysis = pair.client.analyze("ETH/USDT", "2h")
    with Volex(offline=True) as reference:
        assert analysis == reference.analyze("ETH/USDT", "2h")
    with pytest.raises(DataUnavailable, match="bundled sample lacks it"):
        pair.client.analyze("FOO/USDT", "1h")
    with pytest.raises(UnknownTimeframe):
        pair.client.runtime.research.analyze("BTC/USDT", "7x", "binance", offline=True)
    with pytest.raises(UnknownSymbol):
        pair.client.analyze("..", "1d")


def test_decisions_without_a_model_hold_and_are_stored_at_home(pair: Pair) -> None:
    assert not pair.client.has_model("BTC/USDT", "2h")
    decision = pair.client.decide("BTC/USDT", "2h", llm=False)
    assert decision.action == "hold"
    assert pair.home.runtime.signal.repo.get(decision.id) == decision
    board = pair.client.signals(["BTC/USDT", "DOGE/USDT"], "2h", llm=False)
    assert [d.symbol for d in board.decisions] == ["BTC/USDT", "DOGE/USDT"]


def test_halt_is_stored_at_home_and_resume_lifts_it(pair: Pair) -> None:
    report = pair.client.halt(reason="contract")
    assert report.state.active and pair.home.halt_state().active
    assert pair.client.halt_state().reason == "contract"
    assert not pair.client.resume(reason="done").active
    assert not pair.home.halt_state().active


def test_a_planned_trade_fills_at_home(pair: Pair) -> None:
    plan = pair.client.plan_trade("BTC/USDT", "buy", quote="150")
    assert plan.approved and plan.request.symbol == "BTC/USDT"
    assert not pair.home.positions(), "planning sent an order"
    result = pair.client.trade(plan)
    assert result.order.status == "closed"
    [position] = pair.home.positions()
    assert pair.client.positions() == [position]
    assert pair.client.cancel(all_orders=True) == []
    quote = {b.asset: b for b in pair.client.balances()}["USDT"]
    assert quote.total < Decimal(10_000)


def test_risk_limits_change_at_home_and_bad_values_change_nothing(pair: Pair) -> None:
    assert pair.client.set_risk_limit("max_open_orders", "4").max_open_orders == 4
    assert pair.home.risk_limits().max_open_orders == 4
    with pytest.raises(UserInputError):
        pair.client.set_risk_limit("max_open_orders", "lots")
    assert pair.client.risk_limits() == pair.home.risk_limits()


def _state(volex: Volex, name: str) -> str:
    return next(s["state"] for s in volex.strategies() if s["name"] == name)


def test_a_backtest_runs_at_home_whole_and_marks_the_strategy_backtested(pair: Pair) -> None:
    assert _state(pair.client, "sma_cross") == "draft"
    [run] = pair.client.backtest("sma_cross", ["btc"], timeframe="2h", days=60, fee=0.002,
                                 walk_forward=3)
    with Volex(offline=True) as reference:
        [local] = reference.backtest("sma_cross", ["BTC/USDT"], timeframe="2h", days=60,
                                     fee=0.002, walk_forward=3)
    assert run.to_dict() == local.to_dict() and run.result.config.fee == 0.002
    assert np.array_equal(run.result.equity, local.result.equity)  # the chart draws the same
    assert run.walk_forward.folds == local.walk_forward.folds
    assert _state(pair.home, "sma_cross") == "backtested"
    with pytest.raises(UserInputError, match="unknown strategy"):
        pair.client.backtest("nope", ["BTC/USDT"])
    with pytest.raises(UserInputError):
        pair.client.backtest("sma_cross", ["BTC/USDT"], cash=-5)


def test_a_search_runs_at_home_and_saves_its_best_there(pair: Pair) -> None:
    run = pair.client.optimize("ema_cross", "BTC/USDT", timeframe="2h", days=60, trials=6,
                               save=True)
    with Volex(offline=True) as reference:
        local = reference.optimize("ema_cross", "BTC/USDT", timeframe="2h", days=60, trials=6)
    assert run.result.trials == local.result.trials and run.to_dict()["best"]
    assert run.saved.best_params == local.result.best.params
    assert pair.home.strategy("ema_cross")["saved_params"] == local.result.best.params
    assert pair.client.strategy("ema_cross") == pair.home.strategy("ema_cross")
    checked = pair.client.validate_strategy("ema_cross", {"fast": 3})
    assert checked["params"] == {**local.result.best.params, "fast": 3}
    with pytest.raises(UserInputError, match="unknown strategy"):
        pair.client.strategy("nope")
    with pytest.raises(UserInputError):
        pair.client.optimize("ema_cross", "BTC/USDT", objective="luck")


def test_the_lifecycle_moves_at_home_one_step_at_a_time(pair: Pair) -> None:
    change = pair.client.set_strategy_state("breakout", "backtested")
    assert (change["from"], change["to"]) == ("draft", "backtested")
    assert _state(pair.home, "breakout") == "backtested"
    with pytest.raises(UserInputError, match="the next step is paper"):
        pair.client.set_strategy_state("breakout", "live")
    assert _state(pair.client, "breakout") == "backtested"


def test_a_backtest_replica_that_is_down_loses_no_run_and_local_files_stay_here(tmp_path, monkeypatch) -> None:
    home = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/home.db")
    with serving(home) as served:
        monkeypatch.setenv("VOLEX_AGENT_BACKTEST_API_KEY", served.tokens["trader"])
        dead = f"http://127.0.0.1:{free_port()}"
        agents = {"backtest": AgentSettings(url=[dead, served.url])}
        with Volex(offline=True, agents=agents) as client:
            for _ in range(2):  # each replica gets the first call once
                [run] = client.backtest("rsi_reversion", ["ETH/USDT"], timeframe="2h", days=20)
                assert run.result.symbol == "ETH/USDT" and len(run.result.equity) > 1
            # what names this machine's files cannot travel, and is refused, not dropped
            with pytest.raises(ConfigError, match="data cannot be sent"):
                client.backtest("sma_cross", ["BTC/USDT"], data="candles.csv")
    home.close()
