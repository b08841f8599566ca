"""The audit log: every state change that matters, with when, who, what and why."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from sqlalchemy import Connection, insert, select

from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import audit_log
from volex.domain.audit import AuditRecord

__all__ = ["AuditRepo"]


class AuditRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: str, action: str, subject: str | None = None, reason: str | None = None,
               details: dict[str, Any] | None = None, conn: Connection | None = None) -> None:
        """Write one record; pass ``conn`` to make it part of the caller's transaction."""
        row = {"ts": int(time.time() * 1000), "actor": actor, "action": action, "subject": subject,
               "reason": reason, "pid": os.getpid(),
               "details": json.dumps(details, default=str, sort_keys=True) if details else None}
        if conn is not None:
            conn.execute(insert(audit_log), row)
            return
        with self.db.begin() as own:
            own.execute(insert(audit_log), row)

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
        with self.db.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [AuditRecord.from_row(r) for r in reversed(rows)]
