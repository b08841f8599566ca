"""The halt state on its own: `volex halt` builds it before the order models are needed."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

__all__ = ["HaltState", "utcnow"]


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
