"""Lifecycle states: draft -> backtested -> paper -> live, kept in memory or in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from volex.errors import UserInputError
from volex.strategies.lifecycle import (
    InMemoryStrategyStore,
    LifecycleState,
    mark_backtested,
    parse_state,
    record_of,
    save_best_params,
    set_state,
)


def sql_store(tmp_path: Path):
    from volex.adapters.storage.db import Database
    from volex.adapters.storage.strategies import StrategyRepo

    return StrategyRepo(Database(f"sqlite:///{tmp_path / 'volex.db'}"))


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    return InMemoryStrategyStore() if request.param == "memory" else sql_store(tmp_path)


def test_a_new_strategy_is_a_draft(store) -> None:
    assert record_of(store, "sma_cross").state is LifecycleState.DRAFT
    assert store.get("sma_cross") is None


def test_promotion_is_one_step_at_a_time_and_demotion_is_free(store) -> None:
    with pytest.raises(UserInputError, match="run `volex backtest` first"):
        set_state(store, "sma_cross", LifecycleState.PAPER)
    mark_backtested(store, "sma_cross")
    with pytest.raises(UserInputError, match="the next step is paper"):
        set_state(store, "sma_cross", LifecycleState.LIVE)
    set_state(store, "sma_cross", LifecycleState.PAPER)
    assert set_state(store, "sma_cross", parse_state("LIVE")).state is LifecycleState.LIVE
    set_state(store, "sma_cross", LifecycleState.DRAFT)
    assert store.get("sma_cross").state is LifecycleState.DRAFT


def test_a_backtest_never_demotes(store) -> None:
    mark_backtested(store, "ema_cross")
    set_state(store, "ema_cross", LifecycleState.PAPER)
    assert mark_backtested(store, "ema_cross").state is LifecycleState.PAPER


def test_saved_params_survive_and_keep_the_state(store) -> None:
    mark_backtested(store, "sma_cross")
    save_best_params(store, "sma_cross", {"fast": 5, "slow": 40}, "sharpe", 1.25)
    record = store.get("sma_cross")
    assert record.best_params == {"fast": 5, "slow": 40} and record.score == 1.25
    assert record.state is LifecycleState.BACKTESTED
    assert [r.name for r in store.all()] == ["sma_cross"]


def test_unknown_state_names_are_user_errors() -> None:
    with pytest.raises(UserInputError, match="draft, backtested, paper, live"):
        parse_state("production")


def test_the_database_keeps_states_between_connections(tmp_path: Path) -> None:
    mark_backtested(sql_store(tmp_path), "breakout")
    assert sql_store(tmp_path).get("breakout").state is LifecycleState.BACKTESTED
