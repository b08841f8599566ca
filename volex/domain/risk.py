"""Risk limits: the rules every order must pass, with defaults and validation."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from volex.errors import UserInputError

__all__ = ["LIMIT_HELP", "RiskLimits", "parse_limit_value"]

LIMIT_HELP: dict[str, str] = {
    "max_order_quote": "largest single order, in quote currency",
    "max_position_quote": "largest position in one symbol, in quote currency",
    "max_position_pct": "largest position in one symbol, % of equity",
    "max_exposure_pct": "all positions together, % of equity",
    "max_open_positions": "symbols held at once (the portfolio allocator's slots)",
    "max_asset_pct": "largest share of equity one asset may reach by a buy (portfolio cap), %",
    "max_daily_loss_pct": "loss since 00:00 UTC, % of the day's starting equity, that halts "
                          "trading (reduce-only)",
    "risk_per_trade_pct": "equity risked per trade when sizing from the stop distance, %",
    "max_open_orders": "open orders at any time",
    "min_confidence": "lowest signal confidence for --if-confident trades (0-1)",
}


class RiskLimits(BaseModel):
    """Risk limits, shared by every process through the store; every change is audited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_order_quote: Decimal = Field(Decimal(2500), gt=0)
    max_position_quote: Decimal = Field(Decimal(5000), gt=0)
    max_position_pct: Decimal = Field(Decimal(25), gt=0, le=100)
    max_exposure_pct: Decimal = Field(Decimal(80), gt=0, le=100)
    # 20 slots: a buy with no size takes equity / 20 = the 5% of equity it always took.
    max_open_positions: int = Field(20, ge=1, le=1000)
    max_asset_pct: Decimal = Field(Decimal(100), gt=0, le=100)
    max_daily_loss_pct: Decimal = Field(Decimal(5), gt=0, le=100)
    risk_per_trade_pct: Decimal = Field(Decimal(1), gt=0, le=10)
    max_open_orders: int = Field(10, ge=1, le=1000)
    min_confidence: Decimal = Field(Decimal("0.6"), ge=0, le=1)

    def with_value(self, name: str, raw: str) -> RiskLimits:
        """A copy with ``name`` set to ``raw``; a bad name or value raises UserInputError."""
        if name not in LIMIT_HELP:
            raise UserInputError(f"unknown risk setting {name!r}; one of: {', '.join(LIMIT_HELP)}")
        value = parse_limit_value(name, raw)
        try:
            return RiskLimits.model_validate({**self.model_dump(), name: value})
        except ValidationError as exc:
            raise UserInputError(f"bad value for {name}: {exc.errors()[0]['msg']}") from None


def parse_limit_value(name: str, raw: str) -> Decimal | int:
    from volex.domain.numbers import parse_decimal

    value = parse_decimal(f"bad value for {name}", raw.strip().rstrip("%"))
    if name in ("max_open_orders", "max_open_positions"):
        if value != value.to_integral_value():
            raise UserInputError(f"bad value for {name}: {raw!r} is not a whole number")
        return int(value)
    return value
