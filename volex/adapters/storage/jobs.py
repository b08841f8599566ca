"""Leases of background jobs (`volex improve`): one runner at a time, across processes.

One row of ``job_lease`` per job name: who holds it (host, pid), since when and until when.
Taking it is one conditional statement (free, expired, or already ours), so two processes can
never both run the job; a runner that dies frees it when the lease expires, and the next
scheduled run picks the job up. Tables are created by the Alembic revision ``improve_0001``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from volex.adapters.storage.db import Database
from volex.adapters.storage.inflight import owner_alive
from volex.adapters.storage.tables import metadata
from volex.errors import StorageError

__all__ = ["JobLeaseRepo", "job_lease"]

job_lease = Table(
    "job_lease", metadata,
    Column("job", String(64), primary_key=True),
    Column("holder", String(160), nullable=False),
    Column("host", String(128), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_ts", BigInteger, nullable=False),
    Column("expires_ts", BigInteger, nullable=False),
)


class JobLeaseRepo:
    """Take, extend and give back a job's lease."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def acquire(self, job: str, holder: str, host: str, pid: int, now_ms: int,
                ttl_ms: int) -> dict[str, Any] | None:
        """Take (or extend, for the same holder) the lease; None when ours, else the holder's
        row."""
        lease = job_lease.c
        with self.db.begin() as conn:
            taken = conn.execute(update(job_lease).where(
                lease.job == job, or_(lease.expires_ts < now_ms, lease.holder == holder)).values(
                holder=holder, host=host, pid=pid, expires_ts=now_ms + ttl_ms)).rowcount
        if taken:
            return None
        try:
            with self.db.begin() as conn:
                conn.execute(insert(job_lease).values(job=job, holder=holder, host=host, pid=pid,
                                                      started_ts=now_ms,
                                                      expires_ts=now_ms + ttl_ms))
            return None
        except StorageError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        held = self.holder(job)
        if held is not None and not owner_alive(held["host"], held["pid"], now_ms, now_ms):
            # a runner of this machine that died mid-job (a stopped `volex run`): its lease
            # goes to the next runner now, not when it would have expired
            with self.db.begin() as conn:
                taken = conn.execute(update(job_lease).where(
                    lease.job == job, lease.holder == held["holder"]).values(
                    holder=holder, host=host, pid=pid, started_ts=now_ms,
                    expires_ts=now_ms + ttl_ms)).rowcount
            if taken:
                return None
        return held

    def holder(self, job: str) -> dict[str, Any] | None:
        with self.db.begin() as conn:
            row = conn.execute(select(job_lease).where(job_lease.c.job == job)).mappings().first()
        return dict(row) if row else None

    def release(self, job: str, holder: str) -> None:
        with self.db.begin() as conn:
            conn.execute(delete(job_lease).where(job_lease.c.job == job,
                                                 job_lease.c.holder == holder))
