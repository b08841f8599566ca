"""The halt state on its own: `volex halt` builds it before the order models are needed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, model_serializer, model_validator

__all__ = ["TRADING_STATES", "HaltState", "utcnow"]

TRADING_STATES = ("ACTIVE", "HALTED", "REDUCE-ONLY")


def utcnow() -> datetime:
    return datetime.now(UTC)


class HaltState(BaseModel):
    """Whether trading is halted, shared by every process using the store.

    ``active`` and not ``reduce_only``: no order leaves Volex. ``active`` and ``reduce_only``:
    only orders that shrink exposure (sells of holdings) leave.
    """

    active: bool = False
    reduce_only: bool = False
    reason: str | None = None
    since: datetime | None = None
    actor: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_public_shape(cls, data: Any) -> Any:
        """Accept the shape every --json prints (``state``) as well as the stored flags."""
        if isinstance(data, dict) and "state" in data and "active" not in data:
            label = str(data["state"]).upper()
            if label not in TRADING_STATES:
                raise ValueError(f"unknown trading state {data['state']!r}: "
                                 f"one of {', '.join(TRADING_STATES)}")
            data = {k: v for k, v in data.items() if k != "state"}
            data.update(active=label != "ACTIVE", reduce_only=label == "REDUCE-ONLY")
        return data

    @model_serializer(mode="plain")
    def _public_shape(self) -> dict[str, Any]:
        """One shape wherever the trading state is shown: state, then who, when and why.

        A flag named ``active`` read as "trading is active" inverted the meaning for scripts,
        so the flags never leave the process; ``state`` says it in words.
        """
        return {"state": self.label, "actor": self.actor,
                "since": self.since.isoformat() if self.since else None, "reason": self.reason}

    @property
    def label(self) -> str:
        if not self.active:
            return "ACTIVE"
        return "REDUCE-ONLY" if self.reduce_only else "HALTED"

    def allows(self, reduces_exposure: bool) -> bool:
        return not self.active or (self.reduce_only and reduces_exposure)

    def describe(self) -> str:
        if not self.active:
            return "trading is active"
        what = ("reduce-only: only orders that shrink exposure are sent" if self.reduce_only
                else "trading halted: no order is sent")
        when = f" since {self.since:%Y-%m-%d %H:%M:%S} UTC" if self.since else ""
        who = f" by {self.actor}" if self.actor else ""
        why = f" ({self.reason})" if self.reason else ""
        return f"{what}{when}{who}{why}"
