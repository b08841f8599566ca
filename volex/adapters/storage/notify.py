"""Notification channels and the notification outbox, in the Volex database.

Tables come from the Alembic revision ``notify_0001`` (``migrations/versions/
notify_0001_outbox.py``). A row of ``notify_outbox`` is one event for one channel, unique on
(channel, event_key) so an event reaches a channel once however many processes queue it.
Senders claim rows for a while (``claimed_until``) so two processes never send the same row.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    or_,
    select,
    update,
)

from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import metadata, state
from volex.domain.notify import Channel, Delivery

__all__ = ["NotifyRepo", "notify_channels", "notify_outbox"]

_CURSOR_KEY = "notify.cursor"
_KEEP_SENT_MS = 7 * 86_400_000

notify_channels = Table(
    "notify_channels",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("service", String(64), nullable=False),
    Column("modes", Text, nullable=False),
    Column("level", String(8), nullable=False),
    Column("created_ts", BigInteger, nullable=False),
    Column("last_sent_ts", BigInteger),
)

notify_outbox = Table(
    "notify_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("event_key", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("level", String(8), nullable=False),
    Column("silent", Boolean, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_ts", BigInteger, nullable=False),
    Column("claimed_until", BigInteger),
    Column("claim", String(32)),
    Column("sent_ts", BigInteger),
    Column("last_error", Text),
    UniqueConstraint("channel", "event_key", name="uq_notify_outbox_event"),
    Index("ix_notify_outbox_due", "sent_ts", "channel", "next_ts"),
)


def _insert_ignore(conn: Connection, table: Table, row: dict) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when the row is new."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return conn.execute(insert(table).values(**row).on_conflict_do_nothing()).rowcount == 1


def _channel(row: object) -> Channel:
    values = dict(row)  # type: ignore[call-overload]
    return Channel(name=values["name"], service=values["service"],
                   modes=json.loads(values["modes"]), level=values["level"],
                   last_sent_ms=values["last_sent_ts"])


class NotifyRepo:
    """Channels (without their URLs), the outbox of notifications, and the audit cursor."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- channels --------------------------------------------------------------------------

    def save_channel(self, channel: Channel, conn: Connection) -> None:
        from volex.adapters.storage.candles import upsert

        row = {"name": channel.name, "service": channel.service,
               "modes": json.dumps(channel.modes, sort_keys=True), "level": channel.level,
               "created_ts": int(time.time() * 1000)}
        upsert(conn, [row], ["name"], ["service", "modes", "level"], notify_channels)

    def remove_channel(self, name: str, conn: Connection) -> bool:
        conn.execute(delete(notify_outbox).where(notify_outbox.c.channel == name,
                                                 notify_outbox.c.sent_ts.is_(None)))
        return conn.execute(delete(notify_channels)
                            .where(notify_channels.c.name == name)).rowcount > 0

    def channels(self) -> list[Channel]:
        with self.db.begin() as conn:
            rows = conn.execute(select(notify_channels).order_by(notify_channels.c.name)
                                ).mappings().all()
        return [_channel(r) for r in rows]

    def channel(self, name: str) -> Channel | None:
        with self.db.begin() as conn:
            row = conn.execute(select(notify_channels).where(notify_channels.c.name == name)
                               ).mappings().first()
        return _channel(row) if row else None

    # -- the outbox ------------------------------------------------------------------------

    def enqueue(self, conn: Connection, channel: str, key: str, *, kind: str, level: str,
                silent: bool, title: str, body: str, now_ms: int) -> bool:
        """Queue one event for one channel; False when it was queued before."""
        return _insert_ignore(conn, notify_outbox, {
            "ts": now_ms, "channel": channel, "event_key": key[:64], "kind": kind,
            "level": level, "silent": silent, "title": title, "body": body, "attempts": 0,
            "next_ts": now_ms})

    def due_channels(self, now_ms: int) -> list[str]:
        """Channels with a notification ready to go that nobody is sending."""
        with self.db.begin() as conn:
            return list(conn.execute(
                select(notify_outbox.c.channel).distinct().where(*self._due(now_ms))).scalars())

    def claim(self, channel: str, claimer: str, now_ms: int, hold_ms: int,
              limit: int = 50) -> list[Delivery]:
        """Take the due notifications of ``channel`` for ``hold_ms`` (oldest first)."""
        with self.db.begin() as conn:
            ids = list(conn.execute(select(notify_outbox.c.id)
                                    .where(notify_outbox.c.channel == channel, *self._due(now_ms))
                                    .order_by(notify_outbox.c.id).limit(limit)).scalars())
            if not ids:
                return []
            # The WHERE repeats the due test: of two processes racing, one gets each row.
            conn.execute(update(notify_outbox).where(notify_outbox.c.id.in_(ids), *self._due(now_ms))
                         .values(claimed_until=now_ms + hold_ms, claim=claimer,
                                 attempts=notify_outbox.c.attempts + 1))
            rows = conn.execute(select(notify_outbox).where(notify_outbox.c.id.in_(ids),
                                                            notify_outbox.c.claim == claimer,
                                                            notify_outbox.c.claimed_until
                                                            == now_ms + hold_ms)
                                .order_by(notify_outbox.c.id)).mappings().all()
        return [Delivery(id=r["id"], channel=r["channel"], kind=r["kind"], level=r["level"],
                         silent=bool(r["silent"]), title=r["title"], body=r["body"],
                         attempts=r["attempts"]) for r in rows]

    @staticmethod
    def _due(now_ms: int) -> tuple:
        return (notify_outbox.c.sent_ts.is_(None), notify_outbox.c.next_ts <= now_ms,
                or_(notify_outbox.c.claimed_until.is_(None),
                    notify_outbox.c.claimed_until < now_ms))

    def delivered(self, ids: list[int], channel: str, now_ms: int) -> None:
        with self.db.begin() as conn:
            conn.execute(update(notify_outbox).where(notify_outbox.c.id.in_(ids))
                         .values(sent_ts=now_ms, claimed_until=None, last_error=None))
            conn.execute(update(notify_channels).where(notify_channels.c.name == channel)
                         .values(last_sent_ts=now_ms))
            conn.execute(delete(notify_outbox).where(notify_outbox.c.sent_ts < now_ms - _KEEP_SENT_MS))

    def failed(self, ids: list[int], next_ms: int, error: str) -> None:
        with self.db.begin() as conn:
            conn.execute(update(notify_outbox).where(notify_outbox.c.id.in_(ids))
                         .values(next_ts=next_ms, claimed_until=None, last_error=error[:500]))

    def postpone(self, ids: list[int], next_ms: int) -> None:
        """Hand claimed rows back untried, due again at ``next_ms`` (the grouping window)."""
        with self.db.begin() as conn:
            conn.execute(update(notify_outbox).where(notify_outbox.c.id.in_(ids))
                         .values(next_ts=next_ms, claimed_until=None,
                                 attempts=notify_outbox.c.attempts - 1))

    def pending(self, channel: str | None = None) -> int:
        query = select(func.count()).select_from(notify_outbox).where(
            notify_outbox.c.sent_ts.is_(None))
        if channel is not None:
            query = query.where(notify_outbox.c.channel == channel)
        with self.db.begin() as conn:
            return conn.execute(query).scalar() or 0

    def last_error(self, channel: str) -> str | None:
        with self.db.begin() as conn:
            return conn.execute(select(notify_outbox.c.last_error)
                                .where(notify_outbox.c.channel == channel,
                                       notify_outbox.c.sent_ts.is_(None),
                                       notify_outbox.c.last_error.is_not(None))
                                .order_by(notify_outbox.c.id.desc()).limit(1)).scalar()

    # -- where the mapper got to in the audit log ---------------------------------------------

    def cursor(self, conn: Connection) -> int | None:
        raw = conn.execute(select(state.c.value).where(state.c.key == _CURSOR_KEY)).scalar()
        return None if raw is None else int(json.loads(raw))

    def set_cursor(self, conn: Connection, audit_id: int) -> None:
        from volex.adapters.storage.candles import upsert

        upsert(conn, [{"key": _CURSOR_KEY, "value": json.dumps(audit_id),
                       "updated_ts": int(time.time() * 1000)}], ["key"], ["value", "updated_ts"],
               state)
