"""The signal agent against the real store, registry and bus: stored, published, batched, scored."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.support.signal_models import known_model, sample_frame, small_model
from volex.adapters.bus.memory import MemoryBus
from volex.adapters.llm.local import LocalLLM
from volex.adapters.storage.signals import SignalRepo
from volex.adapters.storage.store import Store
from volex.agents.llm_review import Reviewer
from volex.agents.signal import SignalAgent
from volex.config import load_settings
from volex.domain.analysis import CandleSource
from volex.domain.candles import CandleSet
from volex.ml.registry import ModelRegistry


@pytest.fixture(scope="module")
def btc_2h() -> pd.DataFrame:
    return sample_frame("BTC/USDT", "2h", bars=3000)


@pytest.fixture(scope="module")
def model():
    return small_model("BTC/USDT", "2h", bars=3000)


def _candles(symbol: str, frame: pd.DataFrame) -> CandleSet:
    return CandleSet(symbol, "2h", frame, CandleSource(kind="sample", name="bundled sample",
                                                       bars=len(frame)))


@pytest.fixture
def wired(volex_home):
    store = Store(f"sqlite:///{volex_home / 'volex.db'}")
    bus = MemoryBus()
    registry = ModelRegistry(volex_home / "models")
    agent = SignalAgent(registry, Reviewer(LocalLLM()), SignalRepo(store.db), bus, load_settings())
    yield agent, registry, bus
    store.close()


def test_a_decision_is_stored_with_its_inputs_and_published(wired, model, btc_2h) -> None:
    agent, registry, bus = wired
    registry.save(model)
    decision = agent.decide(_candles("BTC/USDT", btc_2h))
    stored = agent.repo.get(decision.id)
    assert stored == decision
    assert stored.inputs.digest() == decision.inputs_digest
    assert stored.inputs.model is not None and stored.inputs.market.last_close == btc_2h["close"].iloc[-1]
    topics = [(topic, event.get("decision_id", event.get("id"))) for topic, event in bus.published]
    assert topics == [("decisions", decision.id), ("signals", decision.id)]
    assert [s.decision_id for s in agent.repo.latest("2h")] == [decision.id]
    again = agent.decide(_candles("BTC/USDT", btc_2h))  # same bar polled again
    assert again == decision and len(agent.repo.history("BTC/USDT")) == 1
    assert len(bus.published) == 2
    newer = agent.decide(_candles("BTC/USDT", btc_2h.iloc[:-1]))  # other inputs: a new decision
    assert newer.id != decision.id and newer.inputs_digest != decision.inputs_digest
    assert [s.decision_id for s in agent.repo.latest("2h")] == [newer.id]
    assert len(agent.repo.history("BTC/USDT")) == 2


def test_a_batch_of_many_markets_in_one_pass(wired, model, btc_2h) -> None:
    agent, registry, bus = wired
    batch, expected = [], {}
    for i in range(40):
        symbol = f"C{i:02d}/USDT"
        frame = btc_2h.iloc[: len(btc_2h) - i].reset_index(drop=True)
        kind = i % 4
        if kind == 0:
            registry.save(known_model(model, symbol=symbol))  # trusted: up at 80%
            expected[symbol] = "buy"
        elif kind == 1:
            registry.save(known_model(model, p_up=0.1, p_down=0.8, symbol=symbol))
            expected[symbol] = "sell"
        elif kind == 2:
            registry.save(known_model(model, beats_baselines=False, symbol=symbol))
            expected[symbol] = "hold"
        else:
            expected[symbol] = "hold"  # no model at all
        batch.append(_candles(symbol, frame))
    decisions = agent.decide_batch(batch)
    assert {d.symbol: d.action for d in decisions} == expected
    missing = [d for d in decisions if d.inputs.model is None]
    assert all("volex model train" in d.reasons[0] for d in missing) and len(missing) == 10
    assert len(agent.repo.history(limit=100)) == 40
    assert sum(topic == "decisions" for topic, _ in bus.published) == 40
    again = agent.decide_batch(batch)  # the same bars polled again: nothing new is stored
    assert [d.id for d in again] == [d.id for d in decisions]
    assert len(agent.repo.history(limit=100)) == 40


def test_too_little_history_holds_and_says_so(wired, model, btc_2h) -> None:
    agent, registry, _ = wired
    registry.save(model)
    decision = agent.decide(_candles("BTC/USDT", btc_2h.tail(60).reset_index(drop=True)))
    assert decision.action == "hold"
    assert "too few candles" in decision.inputs.model_missing


def test_outcomes_are_scored_once_the_horizon_has_passed(wired, model, btc_2h) -> None:
    agent, registry, _ = wired
    registry.save(known_model(model))
    horizon = model.metadata.spec.horizon
    early = btc_2h.iloc[: len(btc_2h) - 20].reset_index(drop=True)
    decision = agent.decide(_candles("BTC/USDT", early))
    assert decision.action == "buy"
    assert agent.score_outcomes(_candles("BTC/USDT", early)) == 0  # horizon not passed yet
    assert agent.score_outcomes(_candles("BTC/USDT", btc_2h)) == 1
    row = agent.repo.unscored("BTC/USDT", "2h")
    assert row == []
    entry = early["close"].iloc[-1]
    later = btc_2h["close"].iloc[len(early) - 1 + horizon]
    with agent.repo.db.begin() as conn:
        from sqlalchemy import select

        from volex.adapters.storage.signals import decisions

        outcome = conn.execute(select(decisions.c.outcome_return, decisions.c.outcome_right)
                               .where(decisions.c.id == decision.id)).one()
    assert outcome.outcome_return == pytest.approx(later / entry - 1)
    assert outcome.outcome_right == (later > entry)


def test_a_bus_outage_does_not_cost_the_decision(wired, model, btc_2h) -> None:
    from volex.errors import BusError

    agent, registry, bus = wired
    registry.save(model)

    def down(topic: str, event: dict) -> None:
        raise BusError("redis at 127.0.0.1:6379 unreachable")

    bus.publish = down  # type: ignore[method-assign]
    decision = agent.decide(_candles("BTC/USDT", btc_2h))
    assert agent.repo.get(decision.id) == decision
