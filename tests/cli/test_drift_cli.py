"""Drift watch end to end: a model whose stored calls keep failing is marked degraded, audited,
and the signal agent's decisions hold with the reason until a new model is promoted."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert

from tests.support.cli import run
from volex.adapters.market_data.files import sample_candles
from volex.adapters.storage.signals import decisions
from volex.ml.registry import ModelRegistry
from volex.ml.reports import ModelSpec
from volex.ml.training import train_model

SPEC = ModelSpec(n_estimators=30, n_folds=3, n_jobs=1)


@pytest.fixture
def model_in_use(volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> ModelRegistry:
    monkeypatch.setenv("VOLEX_TIMEFRAME", "1d")
    monkeypatch.setenv("VOLEX_WATCHLIST", '["BTC/USDT"]')
    monkeypatch.setenv("VOLEX_LLM__PROVIDER", "local")
    model = train_model(sample_candles("BTC/USDT", "1d"), "BTC/USDT", "1d", spec=SPEC)
    registry = ModelRegistry(volex_home / "models")
    registry.save(model)
    return registry


def _stored_calls(right: list[bool]) -> None:
    """Simulated live history: buy calls at 70% whose horizon passed, scored right or wrong."""
    from volex import Volex

    now = int(time.time() * 1000)
    rows = [{"id": uuid.uuid4().hex, "symbol": "BTC/USDT", "timeframe": "1d",
             "as_of_ts": now - (len(right) - i) * 86_400_000, "decided_ts": now + i,
             "action": "buy", "confidence": 0.7, "vetoed": False, "last_close": 100.0,
             "horizon": 12, "inputs_digest": "x", "inputs": "{}", "decision": "{}",
             "actor": "test", "outcome_return": 0.01 if ok else -0.01, "outcome_right": ok,
             "scored_ts": now} for i, ok in enumerate(right)]
    with Volex() as app, app.runtime.store.db.begin() as conn:
        conn.execute(insert(decisions), rows)


def test_a_run_of_wrong_calls_degrades_the_model_and_its_decisions_hold(
        model_in_use: ModelRegistry) -> None:
    from volex import Volex

    _stored_calls([True] * 5 + [False] * 25)
    result = run("improve", "--what", "drift", "--offline", "--json")
    assert result.exit_code == 0, result.output
    (check,) = json.loads(result.stdout)["drift"]
    assert (check["calls"], check["right"], check["degraded"], check["newly_degraded"]) == (
        30, 5, True, True)
    assert check["p_value"] < 0.01 and check["expected_hit_rate"] > 0.5
    assert model_in_use.degraded("BTC/USDT", "1d") is not None
    with Volex() as app:
        decision = app.decide("BTC/USDT", offline=True, llm=False)
        audit = [r for r in app.audit() if r.action == "model.degraded"]
    assert decision.action == "hold"
    assert any("degraded" in reason for reason in decision.reasons)
    assert len(audit) == 1 and audit[0].subject == "BTC/USDT 1d"
    again = json.loads(run("improve", "--what", "drift", "--offline", "--json").stdout)
    assert again["drift"][0]["degraded"] and not again["drift"][0]["newly_degraded"]
    model_in_use.save(model_in_use.load("BTC/USDT", "1d"))  # a promotion clears the mark
    assert model_in_use.degraded("BTC/USDT", "1d") is None


def test_calls_as_good_as_the_record_leave_the_model_trading(model_in_use) -> None:
    _stored_calls([True, False] * 15)
    result = run("improve", "--what", "drift", "--offline")
    assert result.exit_code == 0 and "ok" in result.output
    assert model_in_use.degraded("BTC/USDT", "1d") is None
