"""`volex improve` end to end on the bundled BTC/USDT 1d sample: a shuffled-label model in use
is replaced by a retrained one, audited and kept in the history; a dry run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run
from tests.support.models import shuffled_label_trainer
from volex.adapters.market_data.files import sample_candles
from volex.ml.registry import ModelRegistry
from volex.ml.reports import ModelSpec


@pytest.fixture
def bad_model_in_use(volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> ModelRegistry:
    monkeypatch.setenv("VOLEX_TIMEFRAME", "1d")
    monkeypatch.setenv("VOLEX_WATCHLIST", '["BTC/USDT", "ETH/USDT"]')  # ETH has no 1d model
    candles = sample_candles("BTC/USDT", "1d")
    bad = shuffled_label_trainer(candles.head(len(candles) - 1000).reset_index(drop=True),
                                 "BTC/USDT", "1d", ModelSpec(n_estimators=30, n_folds=3,
                                                             n_jobs=1))
    registry = ModelRegistry(volex_home / "models")
    registry.save(bad)
    return registry


def test_improve_promotes_a_better_model_then_keeps_it(bad_model_in_use: ModelRegistry) -> None:
    dry = run("improve", "--offline", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert [m["outcome"] for m in json.loads(dry.stdout)["models"]] == ["promoted"]
    assert bad_model_in_use.history("BTC/USDT", "1d").in_use() == 1  # nothing saved
    result = run("improve", "--offline", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (decision,) = report["models"]  # only the market with a model at the timeframe
    assert (decision["symbol"], decision["outcome"], decision["version"]) == (
        "BTC/USDT", "promoted", 2)
    assert decision["candidate"]["log_loss"] < decision["current"]["log_loss"]
    history = json.loads(run("model", "history", "BTC/USDT", "--json").stdout)["versions"]
    assert history[0]["in_use"] and history[0]["gate"]["current"] == decision["current"]
    again = run("improve", "--offline")
    assert again.exit_code == 0 and "kept" in again.output
    from volex import Volex

    with Volex() as app:
        audit = [(r.action, r.subject) for r in app.audit() if r.action.startswith("model.")]
    assert sorted(audit) == [("model.kept", "BTC/USDT 1d"), ("model.promoted", "BTC/USDT 1d")]


def test_improve_without_models_says_so(volex_home: Path) -> None:
    result = run("improve", "--offline")
    assert result.exit_code == 0 and "no model in use" in result.output


def test_improve_retunes_strategies_in_paper_or_live(volex_home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from volex import Volex
    from volex.strategies.lifecycle import LifecycleState, StrategyRecord

    monkeypatch.setenv("VOLEX_TIMEFRAME", "1d")
    monkeypatch.setenv("VOLEX_WATCHLIST", '["BTC/USDT"]')
    monkeypatch.setenv("VOLEX_IMPROVE__STRATEGY_BARS", "2000")
    with Volex() as app:
        for name, state in (("sma_cross", LifecycleState.PAPER),
                            ("ema_cross", LifecycleState.LIVE),
                            ("breakout", LifecycleState.BACKTESTED)):  # not trading: left alone
            app.strategy_store.put(StrategyRecord(name, state))
    result = run("improve", "--what", "strategies", "--offline", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["models"] == []
    outcomes = {d["strategy"]: d["outcome"] for d in report["strategies"]}
    assert outcomes == {"ema_cross": "kept", "sma_cross": "promoted"}
    promoted = next(d for d in report["strategies"] if d["outcome"] == "promoted")
    with Volex() as app:
        assert app.strategy_store.get("sma_cross").best_params == promoted["new_params"]
        assert app.strategy_store.get("ema_cross").best_params is None
        audit = sorted((r.action, r.subject) for r in app.audit()
                       if r.action.startswith("strategy.params."))
    assert audit == [("strategy.params.kept", "ema_cross"),
                     ("strategy.params.promoted", "sma_cross")]
    table = run("improve", "--what", "strategies", "--offline", "--dry-run").output
    assert "Strategies" in table and "sma_cross" in table


def test_improve_refuses_an_unknown_what(volex_home: Path) -> None:
    result = run("improve", "--what", "everything")
    assert result.exit_code == 2 and "--what is drift, models, strategies or all" in result.stderr


def test_a_second_improve_is_refused_while_one_runs(volex_home: Path) -> None:
    from volex import Volex
    from volex.autopilot.clock import LiveClock
    from volex.improve.jobs import JobLease

    with Volex() as app:
        other = JobLease(app.runtime.store.jobs, LiveClock(), 3600)
        other.take()
        result = run("improve", "--offline")
        assert result.exit_code != 0
        assert "already running" in result.stderr and f"pid {other.pid}" in result.stderr
        assert "Traceback" not in result.output + result.stderr
        other.release()
    assert run("improve", "--offline").exit_code == 0
