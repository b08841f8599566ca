"""Audit records: when, who, what and why of every state change that matters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

__all__ = ["ACTORS", "AuditRecord"]

ACTORS = ("cli", "shell", "dashboard", "agent", "remote", "api", "system")


class AuditRecord(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None
    pid: int | None = None

    @classmethod
    def from_row(cls, row: Any) -> AuditRecord:
        return cls(id=row["id"], at=datetime.fromtimestamp(row["ts"] / 1000, UTC), actor=row["actor"],
                   action=row["action"], subject=row["subject"], reason=row["reason"],
                   details=json.loads(row["details"]) if row["details"] else None, pid=row["pid"])
