"""The audit log: every state change that matters, with when, who, what and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from volex.adapters.storage.db import Database
from volex.adapters.storage.ledger import audit_row
from volex.adapters.storage.tables import audit_log
from volex.domain.audit import AuditRecord

__all__ = ["AuditRepo"]


class AuditRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: str, action: str, subject: str | None = None, reason: str | None = None,
               details: dict[str, Any] | None = None, conn: Connection | None = None) -> None:
        """Write one record; pass ``conn`` to make it part of the caller's transaction."""
        row = audit_row(actor, action, subject, reason, details)
        if conn is not None:
            conn.execute(insert(audit_log), row)
            return
        with self.db.begin() as own:
            own.execute(insert(audit_log), row)

    def list(self, since_ms: int | None = None, limit: int = 200) -> list[AuditRecord]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if since_ms is not None:
            query = query.where(audit_log.c.ts >= since_ms)
        with self.db.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [AuditRecord.from_row(r) for r in reversed(rows)]
