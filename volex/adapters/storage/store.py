"""The Store: one database and the repositories over it (implements ``volex.ports.Storage``).

Each repository is built on first use from one list, :class:`SqlRepositories`, shared by the
store (every call commits on its own) and by each unit of work (every call joins the
transaction of ``store.transaction()``). Adding a repository is one ``cached_property`` there;
see the storage section of ``volex/ports.py`` for the whole recipe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from volex.adapters.storage.db import Database, redact_url

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from volex.adapters.storage.alerts import AlertRepo
    from volex.adapters.storage.audit import AuditRepo
    from volex.adapters.storage.autopilot import AutopilotRepo
    from volex.adapters.storage.candles import CandleRepo
    from volex.adapters.storage.inflight import InFlight, Intents
    from volex.adapters.storage.jobs import JobLeaseRepo
    from volex.adapters.storage.news import NewsRepo
    from volex.adapters.storage.notify import NotifyRepo
    from volex.adapters.storage.state import StateRepo
    from volex.adapters.storage.strategies import StrategyRepo
    from volex.adapters.storage.trading import OrderJournal

__all__ = ["SqlRepositories", "SqlUnitOfWork", "Store"]


class SqlRepositories:
    """The repositories over ``db``, each in its own transaction or all in ``conn``'s.

    Modules are imported when a repository is first used: `volex halt` needs the state and
    the audit log, not numpy.
    """

    def __init__(self, db: Database, conn: Connection | None = None) -> None:
        self.db = db
        self._conn = conn

    @cached_property
    def audit(self) -> AuditRepo:
        from volex.adapters.storage.audit import AuditRepo

        return AuditRepo(self.db, self._conn)

    @cached_property
    def state(self) -> StateRepo:
        from volex.adapters.storage.state import StateRepo

        return StateRepo(self.db, self._conn)

    @cached_property
    def candles(self) -> CandleRepo:
        from volex.adapters.storage.candles import CandleRepo

        return CandleRepo(self.db, self._conn)

    @cached_property
    def strategies(self) -> StrategyRepo:
        """Strategy lifecycle states and saved parameters (it pulls numpy)."""
        from volex.adapters.storage.strategies import StrategyRepo

        return StrategyRepo(self.db, self._conn)

    @cached_property
    def journal(self) -> OrderJournal:
        """Every order Volex decided to send, with its client order id (the execution journal)."""
        from volex.adapters.storage.trading import OrderJournal

        return OrderJournal(self.db, self._conn)

    @cached_property
    def alerts(self) -> AlertRepo:
        from volex.adapters.storage.alerts import AlertRepo

        return AlertRepo(self.db, self._conn)

    @cached_property
    def inflight(self) -> InFlight:
        """Orders between acceptance and the venue's answer: reservations and owner leases."""
        from volex.adapters.storage.inflight import InFlight

        return InFlight(self.db, self._conn)

    @cached_property
    def intents(self) -> Intents:
        """Stop-losses and take-profits asked for with an entry, until they are placed."""
        from volex.adapters.storage.inflight import Intents

        return Intents(self.db, self._conn)


class SqlUnitOfWork(SqlRepositories):
    """The repositories inside one open transaction (``connection``, for adapters of the same
    database that must join it, such as the paper venue's reset)."""

    def __init__(self, db: Database, conn: Connection) -> None:
        super().__init__(db, conn)
        self.connection = conn


class Store(SqlRepositories):
    """Everything Volex keeps, behind repositories; built once by bootstrap."""

    def __init__(self, url: str) -> None:
        super().__init__(Database(url))

    @contextmanager
    def transaction(self) -> Iterator[SqlUnitOfWork]:
        """Repositories whose writes commit together when the block ends, or not at all."""
        with self.db.begin() as conn:
            yield SqlUnitOfWork(self.db, conn)

    @contextmanager
    def locked(self, key: str) -> Iterator[SqlUnitOfWork]:
        """A unit of work holding the lock named ``key`` across processes until it ends
        (SQLite's write lock, a PostgreSQL advisory lock): for milliseconds, never across a
        call to a venue."""
        with self.db.locked(key) as conn:
            yield SqlUnitOfWork(self.db, conn)

    @cached_property
    def autopilot(self) -> AutopilotRepo:
        """The autopilot's lease, heartbeat, stop flag and bar journal (`autopilot state`)."""
        from volex.adapters.storage.autopilot import AutopilotRepo

        return AutopilotRepo(self.db)

    @cached_property
    def jobs(self) -> JobLeaseRepo:
        """Leases of background jobs (`volex improve`), so two never run at once."""
        from volex.adapters.storage.jobs import JobLeaseRepo

        return JobLeaseRepo(self.db)

    @cached_property
    def notify(self) -> NotifyRepo:
        """Notification channels (not their URLs) and the notification outbox."""
        from volex.adapters.storage.notify import NotifyRepo

        return NotifyRepo(self.db)

    @cached_property
    def news(self) -> NewsRepo:
        """News items with their published and first-seen times, Fear & Greed by day."""
        from volex.adapters.storage.news import NewsRepo

        return NewsRepo(self.db)

    def __repr__(self) -> str:
        return f"Store({redact_url(self.db.url)!r})"

    def close(self) -> None:
        self.db.dispose()
