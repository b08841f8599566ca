"""Strategy templates, their parameter schemas, user strategies from files, and lifecycle.

``get_strategy("sma_cross")`` gives a template; ``strategy.generate(candles, params)`` gives
the target position per bar (1 long / 0 flat), decided on each bar's close.
"""

from __future__ import annotations

from volex.strategies.base import Constraint, Param, ParamValue, Strategy, parse_param_args
from volex.strategies.lifecycle import LifecycleState, StrategyRecord, StrategyStateStore
from volex.strategies.registry import (
    all_strategies,
    get_strategy,
    load_strategy_file,
    strategy_names,
)

__all__ = [
    "Constraint",
    "LifecycleState",
    "Param",
    "ParamValue",
    "Strategy",
    "StrategyRecord",
    "StrategyStateStore",
    "all_strategies",
    "get_strategy",
    "load_strategy_file",
    "parse_param_args",
    "strategy_names",
]
