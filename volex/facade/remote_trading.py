"""Trading through a remote execution agent when `[agents.execution] url` is set.

Placed before TradingFacade in Volex's bases: with no URL every method is TradingFacade's;
with one, plans, trades, cancels, halts, positions and risk limits go to the serving
machine, where the store, the venue and the halt switch live.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from volex.facade.trading import TradingFacade

if TYPE_CHECKING:
    from decimal import Decimal

    from volex.agents.remote_trading import RemoteExecution
    from volex.domain.orders import (
        Balance,
        HaltReport,
        HaltState,
        Order,
        Position,
        TradePlan,
        TradeResult,
    )
    from volex.domain.risk import RiskLimits

__all__ = ["RemoteTradingFacade"]


class RemoteTradingFacade(TradingFacade):
    """TradingFacade, or the same calls on the machine `[agents.execution] url` names."""

    @cached_property
    def _remote(self) -> RemoteExecution | None:
        urls = self.runtime.agent_url("execution")
        if not urls:
            return None
        from volex.agents.remote_trading import RemoteExecution

        return RemoteExecution(urls[0], timeout_s=max(30.0, self.settings.network_timeout_s * 5),
                               **self.runtime.agent_access("execution"))

    def plan_trade(self, symbol: str, side: str | None = None, *, amount: Any = None,
                   quote: Any = None, percent: Any = None, limit: Any = None,
                   stop_loss: Any = None, take_profit: Any = None, if_confident: bool = False,
                   min_confidence: Any = None, timeframe: str | None = None) -> TradePlan:
        if self._remote is None:
            return super().plan_trade(symbol, side, amount=amount, quote=quote, percent=percent,
                                      limit=limit, stop_loss=stop_loss, take_profit=take_profit,
                                      if_confident=if_confident, min_confidence=min_confidence,
                                      timeframe=timeframe)
        return self._remote.plan(self.symbol(symbol), side, amount=amount, quote=quote,
                                 percent=percent, limit=limit, stop_loss=stop_loss,
                                 take_profit=take_profit, if_confident=if_confident,
                                 min_confidence=min_confidence, timeframe=timeframe)

    def trade(self, plan: TradePlan, *, reason: str | None = None) -> TradeResult:
        if self._remote is None:
            return super().trade(plan, reason=reason)
        return self._remote.execute(plan, reason)

    def orders(self, symbol: str | None = None) -> list[Order]:
        if self._remote is None:
            return super().orders(symbol)
        return self._remote.orders(self.symbol(symbol) if symbol else None)

    def cancel(self, order_id: str | None = None, *, symbol: str | None = None,
               all_orders: bool = False, reason: str | None = None) -> list[Order]:
        if self._remote is None:
            return super().cancel(order_id, symbol=symbol, all_orders=all_orders, reason=reason)
        return self._remote.cancel(order_id, self.symbol(symbol) if symbol else None,
                                   all_orders, reason)

    def positions(self) -> list[Position]:
        return super().positions() if self._remote is None else self._remote.positions()

    def balances(self) -> list[Balance]:
        return super().balances() if self._remote is None else self._remote.balances()

    def halt(self, *, reason: str | None = None, reduce_only: bool = False,
             flatten: bool = False) -> HaltReport:
        """Stop trading; with a remote execution agent, answered once it stored the halt."""
        if self._remote is None:
            return super().halt(reason=reason, reduce_only=reduce_only, flatten=flatten)
        return self._remote.halt(reason, reduce_only, flatten)

    def resume(self, *, reason: str | None = None) -> HaltState:
        return super().resume(reason=reason) if self._remote is None else self._remote.resume(reason)

    def halt_state(self) -> HaltState:
        return super().halt_state() if self._remote is None else self._remote.halt_state()

    def risk_limits(self) -> RiskLimits:
        return super().risk_limits() if self._remote is None else self._remote.limits()

    def set_risk_limit(self, name: str, value: str, *, reason: str | None = None) -> RiskLimits:
        if self._remote is None:
            return super().set_risk_limit(name, value, reason=reason)
        return self._remote.set_limit(name, str(value), reason)

    def paper_reset(self, balance: Any = None, *, reason: str | None = None) -> Decimal:
        if self._remote is not None:
            from volex.errors import ConfigError

            raise ConfigError("the execution agent is remote: reset the paper account there")
        return super().paper_reset(balance, reason=reason)

    def close(self) -> None:
        if self.__dict__.get("_remote") is not None:
            self._remote.close()
        super().close()
