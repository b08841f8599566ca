"""Risk that adapts, within the bounds a person set: after a drawdown of ``drawdown_pct`` %
from the equity peak the autopilot's entries shrink by ``factor`` until equity makes a new
peak. It only ever shrinks a stake the sizing already chose, so it never goes above the
configured limits; each switch (shrunk, restored) is audited with its reason.

The peak and the state live in the store's shared state (``improve.risk:<account>``), so a
restarted autopilot keeps them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from volex.ports import AuditLog, SharedState

__all__ = ["StakeGovernor"]


class StakeGovernor:
    """The stake factor for the next entry, from the account's equity now."""

    def __init__(self, state: SharedState, audit: AuditLog, account: str, *,
                 drawdown_pct: float, factor: float, actor: str = "autopilot") -> None:
        self.state, self.audit, self.account, self.actor = state, audit, account, actor
        self.drawdown = Decimal(str(drawdown_pct)) / 100
        self.shrink = Decimal(str(factor))
        self.key = f"improve.risk:{account}"

    def factor(self, equity: Decimal) -> Decimal:
        """1 normally; ``factor`` from a drawdown of ``drawdown_pct`` until a new peak."""
        saved: dict[str, Any] = self.state.get(self.key) or {}
        peak = Decimal(saved.get("peak", str(equity)))
        shrunk = bool(saved.get("shrunk", False))
        if equity >= peak:
            if shrunk:
                self._audit("risk.stakes.restored", f"equity {equity} made a new peak "
                            f"(above {peak}): stakes back to full size", equity, peak)
            peak, shrunk = equity, False
        elif not shrunk and equity <= peak * (1 - self.drawdown):
            shrunk = True
            fall = (1 - equity / peak) * 100
            self._audit("risk.stakes.shrunk", f"equity {equity} is {fall:.2f}% below its peak "
                        f"{peak} (limit {self.drawdown * 100}%): stakes x {self.shrink} until "
                        "a new peak", equity, peak)
        if saved != {"peak": str(peak), "shrunk": shrunk}:
            self.state.set(self.key, {"peak": str(peak), "shrunk": shrunk})
        return self.shrink if shrunk else Decimal(1)

    def _audit(self, action: str, reason: str, equity: Decimal, peak: Decimal) -> None:
        self.audit.record(self.actor, action, self.account, reason=reason,
                          details={"equity": str(equity), "peak": str(peak),
                                   "factor": str(self.shrink),
                                   "drawdown_pct": str(self.drawdown * 100)})
