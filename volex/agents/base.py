"""Agent interfaces. An agent is a local object or a remote HTTP client with the same methods.

Callers (the facade) cannot tell the two apart except by latency; the wire format is the
same pydantic models (see ``volex.agents.server`` and ``volex.agents.remote``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from decimal import Decimal

    from volex.domain.analysis import Analysis
    from volex.domain.candles import CandleSet
    from volex.domain.orders import (
        Balance,
        HaltReport,
        HaltState,
        Order,
        OrderRequest,
        Position,
        Side,
        TradePlan,
        TradeResult,
    )
    from volex.domain.risk import RiskLimits
    from volex.domain.signals import Decision, SignalOutcomes

__all__ = ["Execution", "Research", "Risk", "Signals"]


@runtime_checkable
class Research(Protocol):
    """Market data and technical analysis."""

    def candles(self, symbol: str, timeframe: str, exchange: str, *, offline: bool = False,
                bars: int = 1000) -> CandleSet:
        """The newest ``bars`` closed candles from the best source available."""
        ...

    def analyze(self, symbol: str, timeframe: str, exchange: str, *,
                offline: bool = False) -> Analysis:
        """Indicators, readings and a technical verdict at the last closed bar."""
        ...

    def fetch(self, symbol: str, timeframe: str, exchange: str, since_ms: int | None = None,
              bars: int = 1000, progress: Callable[[int, int], None] | None = None
              ) -> tuple[str, int]:
        """Download into the candle cache what it lacks; (market, rows written)."""
        ...


@runtime_checkable
class Signals(Protocol):
    """Decisions: technical verdict, calibrated model and LLM check, stored and published."""

    def has_model(self, symbol: str, timeframe: str) -> bool: ...

    def decide(self, candles: CandleSet, *, train: bool = False, review: bool = True) -> Decision:
        """The decision at the last closed bar of ``candles``."""
        ...

    def decide_batch(self, batch: Sequence[CandleSet], *, train: bool = False,
                     review: bool = True) -> list[Decision]: ...

    def pending_markets(self) -> list[tuple[str, str]]:
        """Markets with stored decisions whose outcome is not scored yet."""
        ...

    def score_outcomes(self, candles: CandleSet) -> int: ...

    def outcomes(self, timeframe: str | None = None) -> list[SignalOutcomes]: ...


@runtime_checkable
class Risk(Protocol):
    """Risk limits (shared through the store, every change audited)."""

    def limits(self) -> RiskLimits: ...

    def set_limit(self, name: str, raw: str, actor: str, reason: str | None = None) -> RiskLimits:
        """Change one limit; a bad name or value raises UserInputError and changes nothing."""
        ...


@runtime_checkable
class Execution(Protocol):
    """Plans, sends and cancels orders on one venue through one guarded path."""

    def plan(self, symbol: str, side: Side, *, amount: Decimal | None = None,
             quote: Decimal | None = None, percent: Decimal | None = None,
             limit: Decimal | None = None, stop_loss_pct: Decimal | None = None,
             take_profit_pct: Decimal | None = None, confidence: float | None = None,
             min_confidence: Decimal | None = None,
             client_order_id: str | None = None) -> TradePlan:
        """The order that would be sent and every risk check; changes nothing."""
        ...

    def execute(self, plan: TradePlan, *, actor: str, reason: str | None = None) -> TradeResult:
        """Re-check ``plan`` now and send it, then its stop-loss and take-profit."""
        ...

    def submit(self, request: OrderRequest, *, actor: str, reason: str | None = None,
               flatten: bool = False) -> Order:
        """The one way an order leaves Volex: the halt state is read from the store first."""
        ...

    def cancel(self, *, actor: str, order_id: str | None = None, symbol: str | None = None,
               reason: str | None = None) -> list[Order]: ...

    def after_halt(self, state: HaltState, *, actor: str, flatten: bool) -> HaltReport: ...

    def open_orders(self, symbol: str | None = None) -> list[Order]: ...

    def positions(self) -> list[Position]: ...

    def balances(self) -> list[Balance]: ...

    def reconcile(self, actor: str = "agent") -> list[str]: ...
