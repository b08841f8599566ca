"""The halt switch: trading state shared by every process through the store.

Kept tiny on purpose: a flip is three plain SQL statements (the state, its audit record and
its bus event, in one transaction; see ``ledger``), so `volex halt` stores the halt through
sqlite3 before SQLAlchemy, pandas or any venue is loaded. Reads always go to the store (never
a cached copy), so a halt written by another process is seen by the next order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from volex.adapters.storage.ledger import (
    audit_row,
    ledger_for_url,
    record_statements,
)
from volex.domain.halt import HaltState, utcnow
from volex.errors import VolexError

if TYPE_CHECKING:
    from volex.adapters.storage.ledger import Ledger
    from volex.ports import Storage

__all__ = ["HALT_KEY", "HaltSwitch"]

HALT_KEY = "trading.halt"
log = logging.getLogger(__name__)


class HaltSwitch:
    """Reads and flips the halt state; every flip is audited in the same transaction.

    A switch over a ``ledger`` (``for_url``: sqlite3 for a SQLite file, else the store's engine)
    writes the state, its audit row and its bus event with three plain SQL statements in one
    transaction, and ``flush`` publishes the event once it has committed: `volex halt` needs
    neither SQLAlchemy nor the rest of Volex to stop trading. A switch over a ``store`` (any
    ``Storage``: SQL, or in memory for tests) writes them through a unit of work and ``emit``.
    """

    def __init__(self, store: Storage | None = None, *, ledger: Ledger | None = None,
                 emit: Callable[[str, dict], None] | None = None,
                 flush: Callable[[], object] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        if store is None and ledger is None:
            raise ValueError("a HaltSwitch needs a store or a ledger")
        self.store = store
        self.ledger = ledger
        self._emit = emit
        self._flush = flush
        self._clock = clock

    @classmethod
    def for_url(cls, url: str, **kwargs: Any) -> HaltSwitch:
        """The switch of the store at ``url``, through sqlite3 when it is a SQLite file."""
        engine = kwargs.pop("engine", None)
        return cls(ledger=ledger_for_url(url, engine), **kwargs)

    def state(self) -> HaltState:
        """The current state, read from the store now."""
        raw = (self.ledger.read(HALT_KEY) if self.ledger is not None
               else self.store.state.get(HALT_KEY))
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
        if self.ledger is None:
            with self.store.transaction() as tx:
                tx.state.set(HALT_KEY, state.model_dump(mode="json"))
                tx.audit.record(actor, action, "trading", reason,
                                {**(details or {}), "state": state.label})
            if self._emit is not None:  # after the commit: the store is the record
                try:
                    self._emit("halt", {"state": state.model_dump(mode="json"), "actor": actor})
                except VolexError as exc:
                    log.warning("halt stored but not announced on the bus: %s", exc)
            return
        value = state.model_dump(mode="json")
        audit = audit_row(actor, action, "trading", reason,
                          {**(details or {}), "state": state.label})
        self.ledger.execute(record_statements(HALT_KEY, value, audit, "halt",
                                              {"state": value, "actor": actor}))
        self.announce()

    def announce(self) -> None:
        """Publish the waiting event (after the commit: the store is the record, the bus notifies)."""
        if self._flush is None:
            return
        try:
            self._flush()
        except VolexError as exc:
            log.warning("halt stored but not announced on the bus: %s", exc)
