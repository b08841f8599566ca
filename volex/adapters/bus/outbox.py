"""The outbox: durable events are written to the store first, then published to the bus.

An order placed while Redis is down is still stored, and its event waits in ``outbox`` until
some process sharing the store flushes it (the next emit, ``Events.flush()``, Runtime.close(),
or the relay thread of a long-running process). Publishing is at-least-once, in id order.

    events.emit("orders", {...}, conn=conn)   # inside the caller's transaction
    ...                                       # after the transaction has committed:
    events.flush()
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)

from volex.adapters.bus.outbox_sql import deliver
from volex.adapters.storage.ledger import EngineLedger
from volex.adapters.storage.tables import metadata
from volex.errors import BusError, VolexError

if TYPE_CHECKING:
    from volex.adapters.storage.db import Database
    from volex.ports import EventBus

__all__ = ["DURABLE_TOPICS", "Events", "outbox"]

log = logging.getLogger(__name__)

DURABLE_TOPICS = frozenset({"halt", "orders"})
_RETRY_AFTER_S = 2.0  # after a failure, emits skip publishing for this long (no blocking)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("topic", String(64), nullable=False),
    Column("event", Text, nullable=False),
    Column("published_ts", BigInteger),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Index("ix_outbox_pending", "published_ts", "id"),
)


def _now_ms() -> int:
    return int(time.time() * 1000)


class Events:
    """Emit events: durable topics (and anything inside a transaction) go through the outbox."""

    def __init__(self, db: Database, bus: EventBus, durable: frozenset[str] = DURABLE_TOPICS) -> None:
        self.db, self.bus, self.durable = db, bus, durable
        self._ledger = EngineLedger(lambda: db.engine)
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._relay: threading.Thread | None = None
        self._relay_stop = threading.Event()
        self.last_error: str | None = None

    def emit(self, topic: str, event: dict, conn: Connection | None = None) -> None:
        """Publish ``event`` on ``topic``.

        With ``conn`` the event is stored in the caller's transaction (stored if and only if
        the transaction commits) and published by the next ``flush()``. Without it, a durable
        topic is stored and published now, or later if the bus is down; other topics are
        published now, and a bus failure is logged (they are fire-and-forget).
        """
        if conn is None and topic not in self.durable:
            try:
                self.bus.publish(topic, event)
            except BusError as exc:
                log.warning("event on %s not delivered: %s", topic, exc)
            return
        row = {"ts": _now_ms(), "topic": topic, "event": json.dumps(event, default=str),
               "attempts": 0}
        if conn is not None:
            conn.execute(insert(outbox), row)
            return
        with self.db.begin() as own:
            own.execute(insert(outbox), row)
        self.flush()

    def pending(self) -> int:
        """How many events wait for the bus."""
        from sqlalchemy import func

        with self.db.begin() as conn:
            return conn.execute(select(func.count()).select_from(outbox)
                                .where(outbox.c.published_ts.is_(None))).scalar() or 0

    def flush(self, *, force: bool = False, limit: int = 500) -> int:
        """Publish waiting events in order; returns how many went out. Never raises BusError.

        Soon after a failure it does nothing (unless ``force``), so that emits in a burst
        do not each wait for a dead server.
        """
        if not force and time.monotonic() < self._retry_at:
            return 0
        with self._lock, self._ledger.transaction() as run:
            sent, waiting, error = deliver(run, self.bus.publish, BusError, limit)
        if error:
            if self.last_error is None:
                log.warning("%s; %d event(s) kept in the outbox", error, waiting - sent)
            self.last_error = error
            self._retry_at = time.monotonic() + _RETRY_AFTER_S
        elif waiting:
            if self.last_error is not None:
                log.warning("event bus back: delivered %d queued event(s)", sent)
            self.last_error, self._retry_at = None, 0.0
        return sent

    def start_relay(self, interval_s: float = 0.5) -> None:
        """Flush in a daemon thread every ``interval_s`` (for long-running processes)."""
        if self._relay is not None:
            return
        self._relay_stop.clear()

        def loop() -> None:
            while not self._relay_stop.wait(interval_s):
                try:
                    self.flush()
                except VolexError as exc:  # the store may be down too; say so, keep going
                    log.warning("outbox relay could not flush: %s", exc)

        self._relay = threading.Thread(target=loop, name="volex-outbox-relay", daemon=True)
        self._relay.start()

    def close(self) -> None:
        """Stop the relay and make a last attempt to deliver what waits."""
        if self._relay is not None:
            self._relay_stop.set()
            self._relay.join(timeout=2.0)
            self._relay = None
        try:
            self.flush(force=True)
        except VolexError as exc:  # closing must not fail; what waits stays in the outbox
            log.warning("outbox not flushed at close: %s", exc)
