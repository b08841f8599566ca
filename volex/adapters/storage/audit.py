"""The audit log: every state change that matters, with when, who, what and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from volex.adapters.storage.db import SqlRepository
from volex.adapters.storage.ledger import audit_row
from volex.adapters.storage.tables import audit_log
from volex.domain.audit import AuditRecord

__all__ = ["AuditRepo"]


class AuditRepo(SqlRepository):
    """Implements ``volex.ports.AuditLog``."""

    def record(self, actor: str, action: str, subject: str | None = None, reason: str | None = None,
               details: dict[str, Any] | None = None) -> None:
        row = audit_row(actor, action, subject, reason, details)
        with self.begin() as conn:
            conn.execute(insert(audit_log), row)

    def after(self, after_id: int, limit: int = 500, conn: Connection | None = None
              ) -> list[AuditRecord]:
        """Records with an id above ``after_id``, oldest first (how watchers follow the log)."""
        query = (select(audit_log).where(audit_log.c.id > after_id)
                 .order_by(audit_log.c.id).limit(limit))
        if conn is not None:
            return [AuditRecord.from_row(r) for r in conn.execute(query).mappings()]
        with self.db.begin() as own:
            return [AuditRecord.from_row(r) for r in own.execute(query).mappings()]

    def last_id(self, conn: Connection) -> int:
        from sqlalchemy import func

        return conn.execute(select(func.max(audit_log.c.id))).scalar() or 0

    def list(self, since_ms: int | None = None, limit: int = 200) -> list[AuditRecord]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if since_ms is not None:
            query = query.where(audit_log.c.ts >= since_ms)
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [AuditRecord.from_row(r) for r in reversed(rows)]
