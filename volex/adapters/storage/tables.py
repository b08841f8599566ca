"""The foundation's tables (SQLAlchemy Core). Other areas define theirs on the same ``metadata``.

Timestamps are UTC epoch milliseconds in BigInteger columns: exact, portable between SQLite
and PostgreSQL, and cheap to compare. Every schema change goes through an Alembic revision in
``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, MetaData, String, Table, Text

__all__ = ["audit_log", "candles", "metadata", "state"]

metadata = MetaData()

candles = Table(
    "candles",
    metadata,
    Column("exchange", String(32), primary_key=True),
    Column("symbol", String(32), primary_key=True),
    Column("timeframe", String(8), primary_key=True),
    Column("ts", BigInteger, primary_key=True),
    Column("open", Float, nullable=False),
    Column("high", Float, nullable=False),
    Column("low", Float, nullable=False),
    Column("close", Float, nullable=False),
    Column("volume", Float, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("actor", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(128)),
    Column("reason", Text),
    Column("details", Text),
    Column("pid", Integer),
    Index("ix_audit_ts", "ts"),
)

state = Table(
    "state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
)
