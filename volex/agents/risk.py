"""The risk agent: limits from the store, order sizing, and every check with its result.

Each check says in plain words whether it passed and by how much (the room left, or how far
over the limit the order goes). Values are computed at the worst price the order can fill at
(the limit price, or the current price moved by the slippage) and include the buy orders
already resting, so an accepted order never takes a limit past its value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from volex.domain.ledger import ZERO, exact
from volex.domain.orders import HaltState, Market, OrderRequest, RiskCheck, Side, utcnow
from volex.domain.risk import RiskLimits

if TYPE_CHECKING:
    from volex.adapters.storage.store import Store
    from volex.portfolio.allocator import Allocation

__all__ = ["DAY_KEY", "LIMITS_KEY", "AccountView", "RiskAgent"]

LIMITS_KEY = "risk.limits"
DAY_KEY = "risk.day"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class AccountView:
    """What risk decisions need to know about the account, valued at current prices."""

    quote: str
    equity: Decimal
    free_quote: Decimal
    values: dict[str, Decimal] = field(default_factory=dict)        # symbol -> holding value
    held: dict[str, Decimal] = field(default_factory=dict)          # symbol -> free base
    pending_buys: dict[str, Decimal] = field(default_factory=dict)  # symbol -> quote on order
    open_orders: int = 0

    @property
    def exposure(self) -> Decimal:
        return sum(self.values.values(), ZERO) + sum(self.pending_buys.values(), ZERO)

    def positions_besides(self, symbol: str) -> int:
        """Symbols held or being bought, other than ``symbol`` (each takes a slot)."""
        held = {s for s, v in self.values.items() if v > 0}
        held |= {s for s, v in self.pending_buys.items() if v > 0}
        return len(held - {symbol})


def money(value: Decimal, unit: str = "") -> str:
    text = f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.6g}"
    return f"{text} {unit}".rstrip()


def pct(value: Decimal) -> str:
    return f"{value:.2f}%"


def of_equity(value: Decimal) -> str:
    return f"{value:.2f}% of equity"


def _bounded(name: str, value: Decimal, limit: Decimal, show: Callable[[Decimal], str],
             what: str) -> RiskCheck:
    """A check that ``value`` stays within ``limit``, saying by how much either way."""
    if value <= limit:
        message = f"{what} {show(value)} within {show(limit)} ({show(limit - value)} to spare)"
        return RiskCheck(name=name, passed=True, limit=limit, value=value, message=message)
    message = f"{what} {show(value)} is {show(value - limit)} over the {show(limit)} limit"
    return RiskCheck(name=name, passed=False, limit=limit, value=value, message=message)


class RiskAgent:
    """Limits (shared through the store, every change audited), sizing and checks."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self._clock = clock

    # -- limits -------------------------------------------------------------------------------

    def limits(self) -> RiskLimits:
        raw = self.store.state.get(LIMITS_KEY)
        return RiskLimits.model_validate(raw) if raw else RiskLimits()

    def set_limit(self, name: str, raw: str, actor: str, reason: str | None = None) -> RiskLimits:
        """Change one limit; bad names or values raise UserInputError and change nothing."""
        with self.store.db.begin() as conn:
            stored = self.store.state.get_in(conn, LIMITS_KEY)
            before = RiskLimits.model_validate(stored) if stored else RiskLimits()
            after = before.with_value(name, raw)
            self.store.state.set(LIMITS_KEY, after.model_dump(mode="json"), conn=conn)
            self.store.audit.record(actor, "risk.set", name, reason,
                                    {"from": str(getattr(before, name)),
                                     "to": str(getattr(after, name))}, conn=conn)
        return after

    # -- daily loss ---------------------------------------------------------------------------

    def daily_loss_pct(self, account: AccountView) -> Decimal:
        """Loss since 00:00 UTC as % of the day's first seen equity (0 when up)."""
        today = self._clock().date().isoformat()
        day = self.store.state.get(DAY_KEY) or {}
        if day.get("day") != today:
            self.start_day(account.equity)
            return ZERO
        start = Decimal(day["equity"])
        if start <= 0:
            return ZERO
        with exact():
            return max(ZERO, (start - account.equity) / start * HUNDRED)

    def start_day(self, equity: Decimal, conn: object | None = None) -> None:
        """Take ``equity`` as today's starting point (the first look of a day, or a reset)."""
        value = {"day": self._clock().date().isoformat(), "equity": str(equity)}
        self.store.state.set(DAY_KEY, value, conn=conn)

    # -- sizing -------------------------------------------------------------------------------

    def size(self, side: Side, symbol: str, price: Decimal, fee_rate: Decimal,
             account: AccountView, limits: RiskLimits, market: Market, *,
             amount: Decimal | None = None, quote: Decimal | None = None,
             percent: Decimal | None = None,
             stop_loss_pct: Decimal | None = None) -> tuple[Decimal, str]:
        """The base amount of an order and how it was chosen, in words."""
        base = market.base
        if amount is not None:
            return market.round_amount(amount), f"{amount} {base} as given"
        if quote is not None:
            with exact():
                sized = market.round_amount(quote / price)
            return sized, f"{money(quote, account.quote)} as given"
        if side == "sell":
            held = account.held.get(symbol, ZERO)
            if percent is not None:
                with exact():
                    return market.round_amount(held * percent / HUNDRED), f"{percent}% of {held} {base} held"
            return market.round_amount(held), f"the whole holding ({held} {base})"
        if percent is not None:
            with exact():
                spend = account.free_quote * percent / HUNDRED / (1 + fee_rate)
            return market.round_amount(spend / price), f"{percent}% of the free {account.quote}"
        return self._risk_size(symbol, price, fee_rate, account, limits, market, stop_loss_pct)

    def _risk_size(self, symbol: str, price: Decimal, fee_rate: Decimal, account: AccountView,
                   limits: RiskLimits, market: Market,
                   stop_loss_pct: Decimal | None) -> tuple[Decimal, str]:
        with exact():
            position = account.values.get(symbol, ZERO) + account.pending_buys.get(symbol, ZERO)
            if stop_loss_pct:
                wanted = account.equity * limits.risk_per_trade_pct / stop_loss_pct
                why = (f"risk agent: {limits.risk_per_trade_pct}% of equity at risk with a "
                       f"{stop_loss_pct}% stop")
            else:
                got = self._allocation(symbol, fee_rate, account, limits, price, position)
                # A refused buy is still sized at one slot, so the checks say which limit
                # stops it and by how much.
                wanted = account.equity / limits.max_open_positions if got.refused else got.stake
                why = f"portfolio {got.reason} (no stop given)"
            caps = {
                "max_order_quote": limits.max_order_quote,
                "max_position_quote": limits.max_position_quote - position,
                "max_position_pct": account.equity * limits.max_position_pct / HUNDRED - position,
                "max_exposure_pct": account.equity * limits.max_exposure_pct / HUNDRED
                - account.exposure,
                "free cash": account.free_quote / (1 + fee_rate),
            }
            name, cap = min(caps.items(), key=lambda item: item[1])
            if cap < wanted and cap > 0:
                wanted, why = cap, f"{why}, capped by {name}"
            sized = market.round_amount((wanted / price).quantize(Decimal("1e-12"), ROUND_DOWN))
        return sized, f"{why} -> {money(sized * price, account.quote)}"

    @staticmethod
    def _allocation(symbol: str, fee_rate: Decimal, account: AccountView, limits: RiskLimits,
                    price: Decimal, position: Decimal) -> Allocation:
        """What the portfolio allocator grants a new buy: the sizing a backtest uses."""
        from volex.portfolio.allocator import AllocationRules, Book, allocate

        book = Book(equity=account.equity, cash=account.free_quote / (1 + fee_rate),
                    open_positions=account.positions_besides(symbol), exposure=account.exposure)
        return allocate(AllocationRules.from_limits(limits), book, price=price, held=position)

    # -- checks -------------------------------------------------------------------------------

    def check(self, request: OrderRequest, price: Decimal, fee: Decimal, account: AccountView,
              limits: RiskLimits, halt: HaltState, *, daily_loss_pct: Decimal = ZERO,
              confidence: float | None = None, resting: int = 0) -> list[RiskCheck]:
        """Every rule applied to ``request`` filled at ``price`` with ``fee``."""
        reduces = request.side == "sell"
        checks = [RiskCheck(name="halt", passed=halt.allows(reduces),
                            message=halt.describe() if halt.active else "trading is active")]
        with exact():
            notional = request.amount * price
            if reduces:
                held = account.held.get(request.symbol, ZERO)
                checks.append(_bounded("holding", request.amount, held,
                                       lambda v: f"{v.normalize():f}", "selling"))
            else:
                checks.extend(self._exposure_checks(request.symbol, notional, account, limits))
                checks.append(_bounded("max_daily_loss_pct", daily_loss_pct,
                                       limits.max_daily_loss_pct, pct, "loss today"))
                checks.append(_bounded("funds", notional + fee, account.free_quote,
                                       lambda v: money(v, account.quote), "cost with fees"))
        checks.append(_bounded("max_open_orders", Decimal(account.open_orders + resting),
                               Decimal(limits.max_open_orders), lambda v: f"{int(v)}",
                               "open orders after this trade"))
        if confidence is not None:
            conf = Decimal(str(confidence))
            passed = conf >= limits.min_confidence
            gap = "" if passed else f", {limits.min_confidence - conf:.2f} short"
            checks.append(RiskCheck(name="min_confidence", passed=passed,
                                    limit=limits.min_confidence, value=conf,
                                    message=f"signal confidence {conf:.2f} vs minimum "
                                            f"{limits.min_confidence}{gap}"))
        return checks

    @staticmethod
    def _exposure_checks(symbol: str, notional: Decimal, account: AccountView,
                         limits: RiskLimits) -> list[RiskCheck]:
        position = account.values.get(symbol, ZERO) + account.pending_buys.get(symbol, ZERO)
        after = position + notional
        exposure = account.exposure + notional
        equity = account.equity if account.equity > 0 else Decimal(1)
        unit = account.quote
        positions = Decimal(account.positions_besides(symbol) + 1)
        return [
            _bounded("max_order_quote", notional, limits.max_order_quote,
                     lambda v: money(v, unit), "order"),
            _bounded("max_position_quote", after, limits.max_position_quote,
                     lambda v: money(v, unit), "position after"),
            _bounded("max_position_pct", after / equity * HUNDRED, limits.max_position_pct,
                     of_equity, "position after"),
            _bounded("max_exposure_pct", exposure / equity * HUNDRED, limits.max_exposure_pct,
                     of_equity, "exposure after"),
            _bounded("max_asset_pct", after / equity * HUNDRED, limits.max_asset_pct, of_equity,
                     "asset after"),
            _bounded("max_open_positions", positions, Decimal(limits.max_open_positions),
                     lambda v: f"{int(v)}", "positions after this trade"),
        ]
