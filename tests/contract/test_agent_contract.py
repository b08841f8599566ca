"""One behaviour, two ways: each agent's contract run on the local objects and on remote
clients talking to a real server (uvicorn on loopback) with the same methods and models.

``client`` is the Volex a person uses; ``home`` is where the agents and the store live
(the same object when local, the serving Volex when remote).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.support.agent_server import serving
from volex import Volex
from volex.config import AgentSettings
from volex.errors import DataUnavailable, UnknownSymbol, UnknownTimeframe, UserInputError


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
        for agent in ("RESEARCH", "SIGNAL", "EXECUTION"):
            monkeypatch.setenv(f"VOLEX_AGENT_{agent}_API_KEY", served.tokens["admin"])
        agents = {name: AgentSettings(url=served.url)
                  for name in ("research", "signal", "execution")}
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
