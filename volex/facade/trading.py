"""Trading: plans, orders, positions, balances, halt and risk limits."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from decimal import Decimal

    from volex.agents.execution import ExecutionAgent
    from volex.domain.audit import AuditRecord
    from volex.domain.orders import (
        Balance,
        Fill,
        HaltReport,
        HaltState,
        Order,
        Position,
        TradePlan,
        TradeResult,
    )
    from volex.domain.risk import RiskLimits

__all__ = ["TradingFacade"]


class TradingFacade(FacadeBase):
    """Trading: plans, orders, positions, balances, halt and risk limits."""

    # -- trading -------------------------------------------------------------------------

    def _execution(self) -> ExecutionAgent:
        """The execution agent, reconciled with the venue (at most every few seconds)."""
        agent = self.runtime.execution
        agent.reconcile_if_due(self.actor)
        return agent

    @property
    def trading_mode(self) -> str:
        """"live" when this Volex trades on the live venue (--live and trading.mode = live)."""
        return "live" if self.runtime.live and self.settings.trading.mode == "live" else "paper"

    def trade_symbol(self, text: str) -> str:
        """The market to trade for ``text`` (BTC/USD becomes BTC/USDT where USD is not quoted)."""
        from volex.domain.symbols import split_symbol, usd_fallback

        symbol = self.symbol(text)
        if split_symbol(symbol)[1] != self.settings.quote and usd_fallback(symbol):
            return usd_fallback(symbol) or symbol
        return symbol

    def plan_trade(self, symbol: str, side: str | None = None, *, amount: Any = None,
                   quote: Any = None, percent: Any = None, limit: Any = None,
                   stop_loss: Any = None, take_profit: Any = None, if_confident: bool = False,
                   min_confidence: Any = None, timeframe: str | None = None) -> TradePlan:
        """The trade plan: size, expected fill and fees, stop and target, every risk check.

        Sends nothing. With no size the risk agent sizes the order. ``if_confident`` takes
        the side and confidence from the signal agent's model for ``timeframe`` (default: the
        configured one, else the one timeframe a model is saved for); a hold raises SignalHeld.
        """
        from volex.domain.orders import decimal_arg
        from volex.errors import UserInputError

        if sum(x is not None for x in (amount, quote, percent)) > 1:
            raise UserInputError("give one size: --amount, --quote or --percent")
        pct = decimal_arg("--percent", percent)
        if pct is not None and pct > 100:
            raise UserInputError(f"--percent must be at most 100, not {percent}")
        floor = decimal_arg("--min-confidence", min_confidence, positive=False)
        if floor is not None and not 0 <= floor <= 1:  # before a decision is paid for and stored
            raise UserInputError(f"--min-confidence must be between 0 and 1, not {min_confidence}")
        confidence = None
        if if_confident:
            side, confidence = self._confident_side(symbol, side, timeframe)
        if side not in ("buy", "sell"):
            raise UserInputError("say --side buy or --side sell (or use `volex buy` / `volex sell`)")
        return self._execution().plan(
            self.trade_symbol(symbol), side, amount=decimal_arg("--amount", amount),
            quote=decimal_arg("--quote", quote), percent=pct, limit=decimal_arg("--limit", limit),
            stop_loss_pct=decimal_arg("--stop-loss", stop_loss),
            take_profit_pct=decimal_arg("--take-profit", take_profit), confidence=confidence,
            min_confidence=floor)

    def _confident_side(self, symbol: str, side: str | None,
                        timeframe: str | None) -> tuple[str | None, float | None]:
        from volex.errors import SignalHeld

        decision = self.decide(symbol, timeframe or self._model_timeframe(symbol))
        action, confidence = decision.action, decision.confidence
        if action not in ("buy", "sell") or (side is not None and side != action):
            why = decision.why_hold(0.0) if action == "hold" else f"not {side}"
            raise SignalHeld(f"held: the signal says {action} for {decision.symbol} "
                             f"{decision.timeframe} ({confidence:.2f}): {why}")
        return action, confidence

    def _model_timeframe(self, symbol: str) -> str | None:
        """The configured timeframe, unless the only model saved for ``symbol`` is another's."""
        if self.has_model(symbol):
            return None
        name = self.symbol(symbol)
        saved = {m.timeframe for m in self.models() if m.symbol == name}
        return saved.pop() if len(saved) == 1 else None

    def trade(self, plan: TradePlan, *, reason: str | None = None) -> TradeResult:
        """Send a planned trade (re-checked against the state now), then its stop and target."""
        return self._execution().execute(plan, actor=self.actor, reason=reason)

    def orders(self, symbol: str | None = None) -> list[Order]:
        """Open orders, oldest first."""
        return self._execution().open_orders(self.trade_symbol(symbol) if symbol else None)

    def cancel(self, order_id: str | None = None, *, symbol: str | None = None,
               all_orders: bool = False, reason: str | None = None) -> list[Order]:
        """Cancel one order (venue or client id), every order of ``symbol``, or all."""
        from volex.errors import UserInputError

        if sum(bool(x) for x in (order_id, symbol, all_orders)) != 1:
            raise UserInputError("say what to cancel: an ORDER_ID, a SYMBOL or --all")
        return self._execution().cancel(actor=self.actor, order_id=order_id, reason=reason,
                                        symbol=self.trade_symbol(symbol) if symbol else None)

    def positions(self) -> list[Position]:
        """Holdings with size, entry, mark, unrealised and realised PnL, stop and target."""
        agent = self._execution()
        agent.daily_loss_guard(agent.risk.daily_loss_pct(agent.account()), agent.risk.limits(), [])
        return agent.positions()

    def balances(self) -> list[Balance]:
        return self._execution().balances()

    def paper_reset(self, balance: Any = None, *, reason: str | None = None) -> Decimal:
        """Start the paper account again with ``balance`` (default: trading.starting_balance)."""
        from volex.domain.orders import decimal_arg

        return self.runtime.execution.reset_paper(decimal_arg("--balance", balance),
                                                  actor=self.actor, reason=reason)

    def halt(self, *, reason: str | None = None, reduce_only: bool = False,
             flatten: bool = False) -> HaltReport:
        """Stop trading now: the state is stored first, then open orders are cancelled."""
        state = self.runtime.halts.halt(self.actor, reason, reduce_only=reduce_only,
                                        details={"flatten": flatten})
        return self.after_halt(state, flatten=flatten)

    def after_halt(self, state: HaltState, *, flatten: bool = False) -> HaltReport:
        """What follows a stored halt: announce it on the bus, cancel open orders, flatten.

        `volex halt` stores the halt itself (the same switch, through sqlite3, before this
        facade is loaded) and then calls this.
        """
        from volex.domain.orders import HaltReport
        from volex.errors import VolexError

        self.runtime.halts.announce()
        try:
            return self.runtime.execution.after_halt(state, actor=self.actor, flatten=flatten)
        except VolexError as exc:  # the halt holds even when the venue cannot be reached
            return HaltReport(state=state, problems=[f"open orders not cancelled: {exc}"])

    def resume(self, *, reason: str | None = None) -> HaltState:
        """Lift the halt."""
        return self.runtime.halts.resume(self.actor, reason)[1]

    def halt_state(self) -> HaltState:
        """Whether trading is halted, read from the store now."""
        return self.runtime.halts.state()

    def risk_limits(self) -> RiskLimits:
        return self.runtime.risk.limits()

    def set_risk_limit(self, name: str, value: str, *, reason: str | None = None) -> RiskLimits:
        """Change one risk limit (audited)."""
        return self.runtime.risk.set_limit(name, str(value), self.actor, reason)

    def audit(self, since: datetime | None = None, limit: int = 200) -> list[AuditRecord]:
        """Audit records from ``since`` on (the newest ``limit``), oldest first."""
        since_ms = int(since.timestamp() * 1000) if since else None
        return self.runtime.store.audit.list(since_ms=since_ms, limit=limit)

    # -- dashboard -----------------------------------------------------------------------

    def fills(self, symbol: str | None = None, *, limit: int = 50) -> list[Fill]:
        """The newest ``limit`` fills (of ``symbol``, or all), oldest first."""
        venue = self._execution().exchange
        return venue.my_trades(self.trade_symbol(symbol) if symbol else None)[-limit:]
