"""Handing the outbox to the bus, in plain SQL that sqlite3 and SQLAlchemy both run.

``Events.flush`` runs it through the store's engine; `volex halt` runs it through sqlite3
right after storing a halt, so other processes hear of the halt before the rest of Volex
(SQLAlchemy included) has loaded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

__all__ = ["KEEP_PUBLISHED_MS", "deliver"]

KEEP_PUBLISHED_MS = 7 * 86_400_000

# The UPDATE comes first: it takes the write lock (SQLite) or the rows' locks (PostgreSQL),
# so two processes flushing at once never publish an event twice.
_CLAIM = "UPDATE outbox SET attempts = attempts + 1 WHERE published_ts IS NULL"
_PENDING = ("SELECT id, topic, event FROM outbox WHERE published_ts IS NULL "
            "ORDER BY id LIMIT :limit")
# Events go out in id order and stop at the first failure: the sent ones are a prefix.
_SENT = ("UPDATE outbox SET published_ts = :now, last_error = NULL "
         "WHERE published_ts IS NULL AND id <= :last")
_FAILED = "UPDATE outbox SET last_error = :error WHERE published_ts IS NULL"
_PRUNE = "DELETE FROM outbox WHERE published_ts < :before"


def deliver(run: Callable[[str, dict[str, Any]], Any],
            publish: Callable[[str, dict], None], catch: type[Exception],
            limit: int = 500) -> tuple[int, int, str | None]:
    """Publish waiting events in order inside the caller's transaction ``run``.

    Returns (sent, waiting before, the error that stopped it); ``catch`` is the bus's error.
    """
    if not run(_CLAIM, {}).rowcount:
        return 0, 0, None
    rows = run(_PENDING, {"limit": limit}).fetchall()
    sent, error = 0, None
    for row_id, topic, raw in rows:
        try:
            publish(topic, json.loads(raw))
        except catch as exc:
            error = str(exc)
            break
        sent = sent + 1
        last = row_id
    now = int(time.time() * 1000)
    if sent:
        run(_SENT, {"now": now, "last": last})
    if error:
        run(_FAILED, {"error": error[:500]})
    else:
        run(_PRUNE, {"before": now - KEEP_PUBLISHED_MS})
    return sent, len(rows), error
