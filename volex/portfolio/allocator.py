"""The portfolio allocator: how much quote one new position may take from a shared account.

One rule for every caller, so a backtest's sizing is the sizing a trade gets:

- the portfolio backtest (``volex.backtest.portfolio``) compiles :func:`stake_size` with
  numba and calls it in its bar loop (floats);
- live and paper sizing (the risk agent, hence ``volex trade`` with no size and
  ``volex strategy run``) call :func:`allocate` with ``Decimal`` values;
- the autopilot calls :func:`allocate` once per entry signal of a closed bar, in
  :func:`entry_order` order, updating the :class:`Book` after each accepted entry::

      rules = AllocationRules.from_limits(risk.limits(), stake="slots")
      book = Book(equity=..., cash=..., open_positions=..., exposure=...)
      for symbol in entry_order(signals):            # {symbol: strength}
          got = allocate(rules, book, price=prices[symbol], atr=atrs.get(symbol),
                         held=values.get(symbol, 0))
          if got.refused:                            # "max_open", "max_exposure", ...
              continue                               # log got.reason; the signal is gone
          ...place a buy for got.stake quote...
          book = book.after_entry(got.stake)

Stake rules (``AllocationRules.stake``):

- ``slots`` (default): ``equity / max_open`` per position (freqtrade's "unlimited" stake);
- ``equal``: a fixed quote amount per position (``stake_amount``);
- ``volatility``: the size at which a move of ``atr_multiple`` ATR costs
  ``risk_per_trade_pct`` of equity, capped by the slot.

Then, in this order, the stake is capped by ``max_asset_pct`` of equity (less what the
symbol already holds), by the room left under ``max_exposure_pct`` of equity, and by the
free cash. A signal is refused, with the first reason that applies, when every slot is
taken (``max_open``), when the volatility is unknown (``no_volatility``, ATR still warming
up), or when the capped stake is below ``min_stake`` (``max_exposure``, ``max_asset`` or
``no_cash``: the cap that left nothing).

The arithmetic uses only ``+ - * /``, ``min`` and comparisons on its arguments, so the same
function runs on floats (compiled by numba) and on ``Decimal`` (exact, for live orders).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.domain.risk import RiskLimits

__all__ = [
    "REFUSALS",
    "STAKE_RULES",
    "Allocation",
    "AllocationRules",
    "Book",
    "allocate",
    "entry_order",
    "stake_size",
]

STAKE_RULES = ("slots", "equal", "volatility")
# Index = the code :func:`stake_size` returns; 0 means accepted.
REFUSALS = ("", "max_open", "max_exposure", "max_asset", "no_cash", "no_volatility")
_WHY = {
    "max_open": "every slot is taken",
    "max_exposure": "no room left under the exposure cap",
    "max_asset": "the asset is already at its cap",
    "no_cash": "no free cash",
    "no_volatility": "volatility (ATR) not known yet",
}


def stake_size(rule: int, max_open: int, stake_amount: Any, max_asset_frac: Any,
               max_exposure_frac: Any, risk_frac: Any, atr_multiple: Any, min_stake: Any,
               equity: Any, cash: Any, open_positions: int, exposure: Any, held: Any,
               price: Any, atr: Any) -> tuple[Any, int]:
    """The quote one new position may take and a refusal code (index of ``REFUSALS``).

    ``rule`` indexes ``STAKE_RULES``; fractions are 0.4 for 40%. ``exposure`` is the marked
    value of every open position, ``held`` the part of it in this symbol. Returns
    ``(stake, 0)`` when accepted, ``(0, code)`` when refused. Written for numba and Decimal
    alike: no literals but 0, no imports, no attribute access.
    """
    zero = equity - equity
    if open_positions >= max_open:
        return zero, 1
    slot = equity / max_open
    if rule == 0:
        stake = slot
    elif rule == 1:
        stake = stake_amount
    else:
        if not atr > 0:  # also catches NaN during the ATR's warm-up
            return zero, 5
        stake = min(equity * risk_frac * price / (atr_multiple * atr), slot)
    code = 0
    asset_room = equity * max_asset_frac - held
    if asset_room < stake:
        stake, code = asset_room, 3
    exposure_room = equity * max_exposure_frac - exposure
    if exposure_room < stake:
        stake, code = exposure_room, 2
    if cash < stake:
        stake, code = cash, 4
    if stake < min_stake or not stake > 0:
        return zero, code if code else 4
    return stake, 0


@dataclass(frozen=True)
class AllocationRules:
    """How stakes are chosen and capped; percentages as the user types them (40 = 40%)."""

    max_open: int = 3
    stake: str = "slots"
    stake_amount: float | None = None
    max_asset_pct: float = 100.0
    max_exposure_pct: float = 100.0
    risk_per_trade_pct: float = 1.0
    atr_multiple: float = 2.0
    atr_period: int = 14

    def __post_init__(self) -> None:
        if self.stake not in STAKE_RULES:
            raise UserInputError(f"unknown --stake {self.stake!r} (choose slots, equal or "
                                 "volatility)")
        if not 1 <= self.max_open <= 1000:
            raise UserInputError(f"--max-open must be between 1 and 1000, got {self.max_open}")
        if self.stake == "equal" and not (self.stake_amount or 0) > 0:
            raise UserInputError("--stake equal needs a positive --stake-amount")
        if self.stake != "equal" and self.stake_amount is not None:
            raise UserInputError("--stake-amount only applies to --stake equal")
        for name in ("max_asset_pct", "max_exposure_pct"):
            value = getattr(self, name)
            if not 0 < value <= 100:
                raise UserInputError(f"--{name.replace('_', '-')} must be in (0, 100], "
                                     f"got {value:g}")
        if not 0 < self.risk_per_trade_pct <= 100:
            raise UserInputError(f"risk per trade must be in (0, 100] %, got "
                                 f"{self.risk_per_trade_pct:g}")
        if not self.atr_multiple > 0 or self.atr_period < 1:
            raise UserInputError("the ATR multiple and period must be positive")

    @classmethod
    def from_limits(cls, limits: RiskLimits, stake: str = "slots",
                    stake_amount: float | None = None) -> AllocationRules:
        """The rules live trading uses: the risk agent's limits, one stake rule."""
        return cls(max_open=limits.max_open_positions, stake=stake, stake_amount=stake_amount,
                   max_asset_pct=float(limits.max_asset_pct),
                   max_exposure_pct=float(limits.max_exposure_pct),
                   risk_per_trade_pct=float(limits.risk_per_trade_pct))

    @property
    def rule_code(self) -> int:
        return STAKE_RULES.index(self.stake)

    def as_dict(self) -> dict[str, Any]:
        return {"max_open": self.max_open, "stake": self.stake,
                "stake_amount": self.stake_amount, "max_asset_pct": self.max_asset_pct,
                "max_exposure_pct": self.max_exposure_pct,
                "risk_per_trade_pct": self.risk_per_trade_pct,
                "atr_multiple": self.atr_multiple, "atr_period": self.atr_period}


@dataclass(frozen=True)
class Book:
    """The account as the allocator sees it: marked at current prices, in quote."""

    equity: Any
    cash: Any
    open_positions: int = 0
    exposure: Any = 0

    def after_entry(self, stake: Any) -> Book:
        """The book once a position of ``stake`` quote is open (for the next signal)."""
        return replace(self, cash=self.cash - stake, open_positions=self.open_positions + 1,
                       exposure=self.exposure + stake)


@dataclass(frozen=True)
class Allocation:
    """The stake granted (quote, 0 when refused), the refusal code name, and why in words."""

    stake: Any
    refused: str | None
    reason: str


def allocate(rules: AllocationRules, book: Book, *, price: Any, atr: Any = None,
             held: Any = 0, min_stake: Any = 0) -> Allocation:
    """Size one new position under ``rules`` for ``book``; floats or Decimals throughout."""
    exact = isinstance(book.equity, Decimal)

    def num(value: Any) -> Any:
        return Decimal(str(value)) if exact else float(value)

    hundred = num(100)
    stake, code = stake_size(
        rules.rule_code, rules.max_open, num(rules.stake_amount or 0),
        num(rules.max_asset_pct) / hundred, num(rules.max_exposure_pct) / hundred,
        num(rules.risk_per_trade_pct) / hundred, num(rules.atr_multiple), num(min_stake),
        book.equity, book.cash, book.open_positions, num(book.exposure), num(held),
        num(price), num(atr) if atr is not None else num(0))
    if code:
        name = REFUSALS[code]
        return Allocation(stake, name, f"refused: {_WHY[name]}")
    if rules.stake == "slots":
        how = f"equity / {rules.max_open} slots"
    elif rules.stake == "equal":
        how = f"a fixed {rules.stake_amount:g} per position"
    else:
        how = f"{rules.atr_multiple:g} ATR risking {rules.risk_per_trade_pct:g}% of equity"
    return Allocation(stake, None, f"allocator: {how}")


def entry_order(strengths: Mapping[str, float]) -> list[str]:
    """The order in which same-bar entry signals are served: strongest first, then by symbol.

    The backtest engine uses exactly this order (a ``(-strength, symbol)`` sort), so when
    not every signal fits, the same markets win live and in the backtest.
    """
    return sorted(strengths, key=lambda symbol: (-float(strengths[symbol]), symbol))
