"""Price alerts: tell me when a market trades above or below a level."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, field_validator

__all__ = ["Alert", "Condition"]

Condition = Literal["above", "below"]


class Alert(BaseModel):
    """One alert; it fires once, the first time a check sees the price at or past its level."""

    id: int
    symbol: str
    condition: Condition
    price: Decimal
    note: str | None = None
    created_at: datetime
    triggered_at: datetime | None = None
    triggered_price: Decimal | None = None

    @field_validator("price")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("an alert price must be positive")
        return value

    @property
    def active(self) -> bool:
        return self.triggered_at is None

    def hit_by(self, price: Decimal) -> bool:
        """Whether ``price`` fires this alert."""
        return price >= self.price if self.condition == "above" else price <= self.price

    def describe(self) -> str:
        return f"{self.symbol} {self.condition} {self.price:,f}"
