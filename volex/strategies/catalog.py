"""What ``volex strategy list | show | validate | promote`` return, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from volex.strategies.lifecycle import StrategyStateStore, parse_state, record_of, set_state
from volex.strategies.registry import all_strategies, get_strategy

__all__ = ["change_state", "strategy_catalog", "strategy_details", "validate_params"]


def _info(strategy: Any, store: StrategyStateStore) -> dict[str, Any]:
    record = record_of(store, strategy.name)
    return {**strategy.describe(), "state": record.state.value,
            "saved_params": record.best_params, "saved_objective": record.objective,
            "saved_score": record.score}


def strategy_catalog(store: StrategyStateStore, file: str | Path | None = None
                     ) -> list[dict[str, Any]]:
    """Every registered template (and the strategy in ``file``) with its schema and state."""
    strategies = all_strategies()
    if file is not None:
        strategies.append(get_strategy("", file))
    return [_info(s, store) for s in strategies]


def strategy_details(store: StrategyStateStore, name: str, file: str | Path | None = None
                     ) -> dict[str, Any]:
    return _info(get_strategy(name, file), store)


def validate_params(store: StrategyStateStore, name: str, params: Mapping[str, Any],
                    file: str | Path | None = None) -> dict[str, Any]:
    """The full parameter set ``params`` resolve to (saved best ones fill the gaps)."""
    strategy = get_strategy(name, file)
    saved = record_of(store, strategy.name).best_params
    return {"strategy": strategy.name, "params": strategy.resolve(params, base=saved),
            "constraints": [c.text for c in strategy.constraints]}


def change_state(store: StrategyStateStore, name: str, state: str,
                 file: str | Path | None = None) -> dict[str, Any]:
    strategy = get_strategy(name, file)
    before = record_of(store, strategy.name).state
    after = set_state(store, strategy.name, parse_state(state))
    return {"strategy": strategy.name, "from": before.value, "to": after.state.value}
