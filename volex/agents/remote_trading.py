"""Execution, risk and halt of a Volex on another machine (`[agents.execution] url`).

They stay next to the store they guard; this machine trades, cancels, halts and reads
positions through the serving machine's `/v1/execution` and `/v1/risk` routes, and gets
the same typed objects and errors back. A halt is answered once the serving side stored it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from volex.agents.remote import RemoteClient

if TYPE_CHECKING:
    import httpx

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

__all__ = ["RemoteExecution"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class RemoteExecution:
    """The one place a remote CLI, shell or dashboard trades through."""

    def __init__(self, base_url: str, timeout_s: float = 30.0,
                 transport: httpx.BaseTransport | None = None, token: str | None = None,
                 ca_file: str | None = None) -> None:
        self._client = RemoteClient(base_url, timeout_s, transport, token, ca_file)

    def plan(self, symbol: str, side: str | None, **sizes: Any) -> TradePlan:
        from volex.domain.orders import TradePlan

        body = {"symbol": symbol, "side": side, "if_confident": bool(sizes.pop("if_confident"))}
        body |= {name: _text(value) for name, value in sizes.items()}
        return TradePlan.model_validate(self._client.call("POST", "/v1/execution/plan", body))

    def execute(self, plan: TradePlan, reason: str | None) -> TradeResult:
        from volex.domain.orders import TradeResult

        body = {"plan": plan.model_dump(mode="json"), "confirm": True, "reason": reason}
        return TradeResult.model_validate(self._client.call("POST", "/v1/execution/trade", body))

    def orders(self, symbol: str | None) -> list[Order]:
        from volex.domain.orders import Order

        params = {"symbol": symbol} if symbol else None
        return [Order.model_validate(o)
                for o in self._client.call("GET", "/v1/execution/orders", params=params)]

    def cancel(self, order_id: str | None, symbol: str | None, all_orders: bool,
               reason: str | None) -> list[Order]:
        from volex.domain.orders import Order

        body = {"order_id": order_id, "symbol": symbol, "all_orders": all_orders, "reason": reason}
        return [Order.model_validate(o)
                for o in self._client.call("POST", "/v1/execution/cancel", body)]

    def positions(self) -> list[Position]:
        from volex.domain.orders import Position

        return [Position.model_validate(p) for p in self._client.call("GET", "/v1/execution/positions")]

    def balances(self) -> list[Balance]:
        from volex.domain.orders import Balance

        return [Balance.model_validate(b) for b in self._client.call("GET", "/v1/execution/balances")]

    def halt(self, reason: str | None, reduce_only: bool, flatten: bool) -> HaltReport:
        from volex.domain.orders import HaltReport

        body = {"reason": reason, "reduce_only": reduce_only, "flatten": flatten}
        return HaltReport.model_validate(self._client.call("POST", "/v1/execution/halt", body))

    def resume(self, reason: str | None) -> HaltState:
        from volex.domain.orders import HaltState

        return HaltState.model_validate(self._client.call("POST", "/v1/execution/resume",
                                                          {"reason": reason}))

    def halt_state(self) -> HaltState:
        from volex.domain.orders import HaltState

        return HaltState.model_validate(self._client.call("GET", "/v1/execution/halt"))

    def limits(self) -> RiskLimits:
        from volex.domain.risk import RiskLimits

        return RiskLimits.model_validate(self._client.call("GET", "/v1/risk/limits"))

    def set_limit(self, name: str, value: str, reason: str | None) -> RiskLimits:
        from volex.domain.risk import RiskLimits

        return RiskLimits.model_validate(self._client.call(
            "PUT", f"/v1/risk/limits/{name}", {"value": value, "reason": reason}))

    def close(self) -> None:
        self._client.close()
