"""The halt switch: trading state shared by every process through the store.

Kept tiny on purpose: `volex halt` imports this, the store and the domain models, nothing
heavy, and stores the state before it touches any venue. Reads always go to the store (never
a cached copy), so a halt written by another process is seen by the next order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from volex.domain.orders import HaltState, utcnow
from volex.errors import VolexError

if TYPE_CHECKING:
    from volex.ports import Storage

__all__ = ["HALT_KEY", "HaltSwitch"]

HALT_KEY = "trading.halt"
log = logging.getLogger(__name__)


class HaltSwitch:
    """Reads and flips the halt state; every flip is audited in the same transaction."""

    def __init__(self, store: Storage, *, emit: Callable[[str, dict], None] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self._emit = emit
        self._clock = clock

    def state(self) -> HaltState:
        """The current state, read from the store now."""
        raw = self.store.state.get(HALT_KEY)
        return HaltState.model_validate(raw) if raw else HaltState()

    def halt(self, actor: str, reason: str | None = None, *, reduce_only: bool = False,
             details: dict[str, Any] | None = None) -> HaltState:
        """Halt (or switch to reduce-only) from now on."""
        state = HaltState(active=True, reduce_only=reduce_only, reason=reason,
                          since=self._clock(), actor=actor)
        action = "halt.reduce_only" if reduce_only else "halt"
        self._write(state, actor, action, reason, details)
        return state

    def resume(self, actor: str, reason: str | None = None) -> tuple[HaltState, HaltState]:
        """Lift the halt; returns (state before, state now)."""
        before = self.state()
        now = HaltState()
        self._write(now, actor, "resume", reason, {"was": before.label})
        return before, now

    def _write(self, state: HaltState, actor: str, action: str, reason: str | None,
               details: dict[str, Any] | None) -> None:
        with self.store.transaction() as tx:
            tx.state.set(HALT_KEY, state.model_dump(mode="json"))
            tx.audit.record(actor, action, "trading", reason,
                            {**(details or {}), "state": state.label})
        if self._emit is not None:  # after the commit: the store is the record, the bus notifies
            try:
                self._emit("halt", {"state": state.model_dump(mode="json"), "actor": actor})
            except VolexError as exc:
                log.warning("halt stored but not announced on the bus: %s", exc)
