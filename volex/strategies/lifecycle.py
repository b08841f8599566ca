"""A strategy's lifecycle (draft -> backtested -> paper -> live) and where it is kept.

The state and the saved best parameters live behind ``StrategyStateStore``; the SQL
implementation is ``volex.adapters.storage.strategies.StrategyRepo``, and tests or a
throwaway session use ``InMemoryStrategyStore``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from volex.errors import UserInputError

__all__ = [
    "InMemoryStrategyStore",
    "LifecycleState",
    "StrategyRecord",
    "StrategyStateStore",
    "check_transition",
    "mark_backtested",
    "parse_state",
    "record_of",
    "require_runnable",
    "save_best_params",
    "set_state",
]


class LifecycleState(StrEnum):
    DRAFT = "draft"
    BACKTESTED = "backtested"
    PAPER = "paper"
    LIVE = "live"


_ORDER = list(LifecycleState)


@dataclass(frozen=True)
class StrategyRecord:
    """What is stored about one strategy: its state and its saved best parameters."""

    name: str
    state: LifecycleState = LifecycleState.DRAFT
    best_params: dict[str, Any] | None = None
    objective: str | None = None
    score: float | None = None
    updated_ts: int = field(default_factory=lambda: int(time.time() * 1000))


def parse_state(raw: str) -> LifecycleState:
    try:
        return LifecycleState(raw.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in LifecycleState)
        raise UserInputError(f"unknown lifecycle state {raw!r} (choose from {choices})") from None


def check_transition(current: LifecycleState, target: LifecycleState) -> None:
    """Promote one step at a time (a strategy earns paper, then live); demote freely."""
    if _ORDER.index(target) > _ORDER.index(current) + 1:
        needed = _ORDER[_ORDER.index(current) + 1]
        hint = " (run `volex backtest` first)" if needed is LifecycleState.BACKTESTED else ""
        raise UserInputError(f"cannot move from {current} to {target}: the next step is "
                             f"{needed}{hint}")


class StrategyStateStore(Protocol):
    """Where lifecycle states and saved parameters are kept."""

    def get(self, name: str) -> StrategyRecord | None: ...

    def put(self, record: StrategyRecord) -> None: ...

    def all(self) -> list[StrategyRecord]: ...


class InMemoryStrategyStore:
    """A StrategyStateStore in a dict, for tests and sessions without a database."""

    def __init__(self) -> None:
        self._records: dict[str, StrategyRecord] = {}

    def get(self, name: str) -> StrategyRecord | None:
        return self._records.get(name)

    def put(self, record: StrategyRecord) -> None:
        self._records[record.name] = record

    def all(self) -> list[StrategyRecord]:
        return sorted(self._records.values(), key=lambda r: r.name)


def record_of(store: StrategyStateStore, name: str) -> StrategyRecord:
    """The stored record of ``name``, or a fresh draft."""
    return store.get(name) or StrategyRecord(name=name)


def set_state(store: StrategyStateStore, name: str, target: LifecycleState) -> StrategyRecord:
    """Move ``name`` to ``target`` if the lifecycle allows it."""
    record = record_of(store, name)
    check_transition(record.state, target)
    updated = replace(record, state=target, updated_ts=int(time.time() * 1000))
    store.put(updated)
    return updated


def require_runnable(record: StrategyRecord, *, live: bool) -> None:
    """Refuse to run ``record`` on the market unless its state allows it.

    Paper trading needs ``paper`` (or ``live``); live trading needs ``live``.
    """
    needed = LifecycleState.LIVE if live else LifecycleState.PAPER
    if _ORDER.index(record.state) >= _ORDER.index(needed):
        return
    where = "live" if live else "on paper"
    raise UserInputError(f"strategy {record.name} is {record.state}: it runs {where} only in "
                         f"state {needed}{' or live' if not live else ''} (promote it: "
                         f"volex strategy promote {record.name} {needed})")


def mark_backtested(store: StrategyStateStore, name: str) -> StrategyRecord:
    """After a backtest: a draft becomes backtested; later states are kept."""
    record = record_of(store, name)
    if record.state is LifecycleState.DRAFT:
        return set_state(store, name, LifecycleState.BACKTESTED)
    return record


def save_best_params(store: StrategyStateStore, name: str, params: dict[str, Any],
                     objective: str, score: float) -> StrategyRecord:
    record = record_of(store, name)
    updated = replace(record, best_params=dict(params), objective=objective, score=score,
                      updated_ts=int(time.time() * 1000))
    store.put(updated)
    return updated
