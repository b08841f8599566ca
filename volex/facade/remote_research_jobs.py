"""Strategies, backtests and searches through remote agents when their URL is set.

Placed before ClusterFacade in Volex's bases: with no `[agents.strategy|backtest|optimize]
url` every method is the local one; with one, the call runs on the serving machine (its
data, its strategy store) and returns the same typed objects and errors. Options that name
this machine's files or workers (--data, --strategy-file, --since/--until, --storage,
--cluster, ...) cannot travel and are refused with the reason, never dropped.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.errors import ConfigError
from volex.facade.cluster import ClusterFacade

if TYPE_CHECKING:
    from volex.agents.remote_research_jobs import RemoteBacktests, RemoteOptimizer, RemoteStrategies
    from volex.backtest.service import BacktestRun, OptimizeRun

__all__ = ["RemoteStrategyFacade"]

# What the served routes take besides strategy and symbols; anything else stays here.
_BACKTEST_WIRE = ("timeframe", "days", "params", "walk_forward", "cash", "fee", "slippage_bps",
                  "stop_loss_pct", "take_profit_pct")
_OPTIMIZE_WIRE = ("timeframe", "days", "params", "walk_forward", "cash", "fee", "slippage_bps",
                  "method", "trials", "objective", "save")
_DEFAULTS = {"jobs": 1}


def _wire(agent: str, options: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The options a remote ``agent`` takes; a set one it cannot take is an error."""
    local = sorted(name for name, value in options.items()
                   if name not in allowed and value is not None and value != _DEFAULTS.get(name))
    if local:
        raise ConfigError(f"the {agent} agent is remote: {', '.join(local)} cannot be sent "
                          f"there; run it on that machine or remove agents.{agent}.url")
    return {name: value for name, value in options.items() if name in allowed}


class RemoteStrategyFacade(ClusterFacade):
    """ClusterFacade, or the same calls on the machines `[agents.NAME] url` names."""

    def _agent(self, name: str, cls_name: str) -> Any:
        urls = self.runtime.agent_url(name)
        if not urls:
            return None
        from volex.agents import remote_research_jobs

        cls = getattr(remote_research_jobs, cls_name)
        return cls(urls, timeout_s=max(300.0, self.settings.network_timeout_s * 30),
                   **self.runtime.agent_access(name))

    @cached_property
    def _remote_strategies(self) -> RemoteStrategies | None:
        return self._agent("strategy", "RemoteStrategies")

    @cached_property
    def _remote_backtests(self) -> RemoteBacktests | None:
        return self._agent("backtest", "RemoteBacktests")

    @cached_property
    def _remote_optimizer(self) -> RemoteOptimizer | None:
        return self._agent("optimize", "RemoteOptimizer")

    def strategies(self, *, file: str | Path | None = None) -> list[dict[str, Any]]:
        if self._remote_strategies is None:
            return super().strategies(file=file)
        _wire("strategy", {"file": file}, ())
        return self._remote_strategies.catalogue()

    def strategy(self, name: str, *, file: str | Path | None = None) -> dict[str, Any]:
        if self._remote_strategies is None:
            return super().strategy(name, file=file)
        return self._remote_details(name, file)

    def validate_strategy(self, name: str, params: dict[str, Any] | None = None, *,
                          file: str | Path | None = None) -> dict[str, Any]:
        """Checked here, against the best parameters saved where the lifecycle is kept."""
        if self._remote_strategies is None:
            return super().validate_strategy(name, params, file=file)
        from volex.strategies.registry import get_strategy

        details = self._remote_details(name, file)
        strategy = get_strategy(name)
        return {"strategy": strategy.name,
                "params": strategy.resolve(params or {}, base=details["saved_params"]),
                "constraints": [c.text for c in strategy.constraints]}

    def _remote_details(self, name: str, file: str | Path | None) -> dict[str, Any]:
        from volex.strategies.registry import get_strategy

        _wire("strategy", {"file": file}, ())
        found = get_strategy(name)  # an unknown name fails as it does here
        catalogue = self._remote_strategies.catalogue() if self._remote_strategies else []
        return next(info for info in catalogue if info["name"] == found.name)

    def set_strategy_state(self, name: str, state: str, *,
                           file: str | Path | None = None) -> dict[str, Any]:
        """Audited where the strategy's state is stored (on the server, with its token)."""
        if self._remote_strategies is None:
            return super().set_strategy_state(name, state, file=file)
        _wire("strategy", {"file": file}, ())
        return self._remote_strategies.set_state(name, state)

    def backtest(self, strategy: str, symbols: list[str], *, cluster: str | None = None,
                 **options: Any) -> list[BacktestRun]:
        if self._remote_backtests is None:
            return super().backtest(strategy, symbols, cluster=cluster, **options)
        on_step = options.pop("on_step", None)
        runs = self._remote_backtests.run(
            strategy, [self.symbol(s) for s in symbols],
            **_wire("backtest", {**options, "cluster": cluster}, _BACKTEST_WIRE))
        for done, run in enumerate(runs, 1):
            if on_step:
                on_step(done, len(runs), run.result.symbol)
        return runs

    def optimize(self, strategy: str, symbol: str, *, cluster: str | None = None,
                 **options: Any) -> OptimizeRun:
        if self._remote_optimizer is None:
            return super().optimize(strategy, symbol, cluster=cluster, **options)
        on_progress = options.pop("on_progress", None)
        if not isinstance(symbol, str):
            raise ConfigError("the optimize agent is remote: a --portfolio search runs on one "
                              "machine; run it there or remove agents.optimize.url")
        run = self._remote_optimizer.run(
            strategy, self.symbol(symbol),
            **_wire("optimize", {**options, "cluster": cluster}, _OPTIMIZE_WIRE))
        if on_progress:
            on_progress(len(run.result.trials), len(run.result.trials), run.result.best)
        return run

    def close(self) -> None:
        for name in ("_remote_strategies", "_remote_backtests", "_remote_optimizer"):
            if self.__dict__.get(name) is not None:
                self.__dict__[name].close()
        super().close()
