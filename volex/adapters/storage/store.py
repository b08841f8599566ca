"""The Store: one database and the repositories over it."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from volex.adapters.storage.audit import AuditRepo
from volex.adapters.storage.candles import CandleRepo
from volex.adapters.storage.db import Database, redact_url
from volex.adapters.storage.state import StateRepo

if TYPE_CHECKING:
    from volex.adapters.storage.autopilot import AutopilotRepo
    from volex.adapters.storage.inflight import InFlight, Intents
    from volex.adapters.storage.news import NewsRepo
    from volex.adapters.storage.notify import NotifyRepo
    from volex.adapters.storage.strategies import StrategyRepo
    from volex.adapters.storage.trading import OrderJournal

__all__ = ["Store"]


class Store:
    """Everything Volex keeps, behind repositories; built once by bootstrap."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.candles = CandleRepo(self.db)
        self.audit = AuditRepo(self.db)
        self.state = StateRepo(self.db)

    @cached_property
    def strategies(self) -> StrategyRepo:
        """Strategy lifecycle states and saved parameters (loaded on first use: it pulls numpy)."""
        from volex.adapters.storage.strategies import StrategyRepo

        return StrategyRepo(self.db)

    @cached_property
    def journal(self) -> OrderJournal:
        """Every order Volex decided to send, with its client order id (the execution journal)."""
        from volex.adapters.storage.trading import OrderJournal

        return OrderJournal(self.db)

    @cached_property
    def inflight(self) -> InFlight:
        """Orders between acceptance and the venue's answer: reservations and owner leases."""
        from volex.adapters.storage.inflight import InFlight

        return InFlight(self.db)

    @cached_property
    def intents(self) -> Intents:
        """Stop-losses and take-profits asked for with an entry, until they are placed."""
        from volex.adapters.storage.inflight import Intents

        return Intents(self.db)

    @cached_property
    def autopilot(self) -> AutopilotRepo:
        """The autopilot's lease, heartbeat, stop flag and bar journal (`autopilot state`)."""
        from volex.adapters.storage.autopilot import AutopilotRepo

        return AutopilotRepo(self.db)

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
