"""The parameter promotion gate: re-optimised parameters replace a strategy's saved ones
only when the search beats them out of sample on the same walk-forward blocks.

Both sides run the same walk-forward over recent bars: the "tuned" side re-optimises on each
training block (the grid, rounded to each parameter's step) and trades the next block; the
"current" side trades every test block with the saved parameters. The tuned side wins on a
higher out-of-sample objective with at least ``min_trades`` trades; the new parameters are
then the grid's best over all the recent bars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from volex.backtest.engine import BacktestConfig, Bars
    from volex.strategies.base import Strategy

__all__ = ["StrategyDecision", "judge_parameters"]


class StrategyDecision(BaseModel):
    """What the gate decided for one strategy, with the numbers behind it."""

    strategy: str
    symbol: str
    outcome: Literal["promoted", "kept"]
    reason: str
    objective: str = "sharpe"
    folds: int = 0
    current_params: dict[str, Any] = {}
    current_score: float | None = None
    current_trades: int = 0
    tuned_score: float | None = None
    tuned_trades: int = 0
    new_params: dict[str, Any] | None = None

    def numbers(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"strategy", "outcome", "reason"})


def judge_parameters(strategy: Strategy, bars: Bars, current: dict[str, Any], *, symbol: str,
                     folds: int, config: BacktestConfig, objective: str, min_trades: int,
                     grid_points: int = 200) -> StrategyDecision:
    """Walk-forward the re-optimising search and the saved parameters on the same blocks."""
    from volex.backtest.metrics import objective_value
    from volex.backtest.optimize import optimize
    from volex.backtest.walkforward import walk_forward

    def search(train: Bars) -> dict[str, Any]:
        return optimize(strategy, train, method="grid", trials=grid_points, objective=objective,
                        config=config).best.params

    tuned = walk_forward(strategy, bars, folds, search, config=config, objective=objective)
    held = walk_forward(strategy, bars, folds, lambda _train: current, config=config,
                        objective=objective)
    decision = StrategyDecision(
        strategy=strategy.name, symbol=symbol, outcome="kept", reason="", objective=objective,
        folds=folds, current_params=current,
        current_score=round(objective_value(held.out_of_sample.metrics, objective), 6),
        current_trades=held.out_of_sample.metrics.trades,
        tuned_score=round(objective_value(tuned.out_of_sample.metrics, objective), 6),
        tuned_trades=tuned.out_of_sample.metrics.trades)
    if decision.tuned_trades < min_trades:
        decision.reason = (f"the re-optimised parameters made {decision.tuned_trades} trades out "
                           f"of sample; {min_trades} needed")
    elif decision.tuned_score <= decision.current_score:
        decision.reason = (f"out-of-sample {objective} {decision.tuned_score:.3f} does not beat "
                           f"the current parameters' {decision.current_score:.3f}")
    else:
        best = optimize(strategy, bars, method="grid", trials=grid_points, objective=objective,
                        config=config).best.params
        decision.outcome, decision.new_params = "promoted", dict(best)
        decision.reason = (f"out-of-sample {objective} {decision.tuned_score:.3f} beats "
                           f"{decision.current_score:.3f} with {decision.tuned_trades} trades")
    return decision
