"""Strategy catalogue, backtests and searches of a Volex on another machine.

`[agents.strategy] url`, `[agents.backtest] url` and `[agents.optimize] url` send these
calls to the serving machine's `/v1/strategy`, `/v1/backtest` and `/v1/optimize` routes,
through the same RemoteClient (token, replicas in turn, failover) as the other agents.
Backtests and searches come back whole (every bar, trade and trial), as the same
BacktestRun / OptimizeRun a local run returns. Repeating one is safe: a backtest only moves
a draft strategy to backtested, a search with ``save`` stores the same best parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from volex.agents.remote import RemoteClient

if TYPE_CHECKING:
    import httpx

    from volex.backtest.service import BacktestRun, OptimizeRun

__all__ = ["RemoteBacktests", "RemoteOptimizer", "RemoteStrategies"]


class _Remote:
    def __init__(self, base_url: str | Sequence[str], timeout_s: float = 300.0,
                 transport: httpx.BaseTransport | None = None, token: str | None = None,
                 ca_file: str | None = None) -> None:
        self._client = RemoteClient(base_url, timeout_s, transport, token, ca_file)

    def close(self) -> None:
        self._client.close()


class RemoteStrategies(_Remote):
    """The strategy catalogue and lifecycle kept on the serving machine."""

    def catalogue(self) -> list[dict[str, Any]]:
        return list(self._client.call("GET", "/v1/strategy/list"))

    def set_state(self, name: str, state: str) -> dict[str, Any]:
        return dict(self._client.call("PUT", f"/v1/strategy/{name}/state", {"state": state}))


class RemoteBacktests(_Remote):
    """Backtests run on the serving machine's data and strategy store."""

    def run(self, strategy: str, symbols: list[str], **options: Any) -> list[BacktestRun]:
        from volex.backtest.wire import backtest_from_wire

        body = {"strategy": strategy, "symbols": symbols, "whole": True, **options}
        return [backtest_from_wire(run) for run in self._client.call("POST", "/v1/backtest/run",
                                                                     body)]


class RemoteOptimizer(_Remote):
    """Parameter searches run on the serving machine (``save`` stores the best there)."""

    def run(self, strategy: str, symbol: str, **options: Any) -> OptimizeRun:
        from volex.backtest.wire import optimize_from_wire

        body = {"strategy": strategy, "symbol": symbol, "whole": True, **options}
        return optimize_from_wire(self._client.call("POST", "/v1/optimize/run", body))
