"""The in-process event bus: the embedded default (no delivery across processes)."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable

__all__ = ["MemoryBus"]

log = logging.getLogger(__name__)


class MemoryBus:
    """Synchronous publish/subscribe inside one process; a failing handler never stops others."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[[dict], None]]] = defaultdict(list)
        self._lock = threading.Lock()
        self.published: list[tuple[str, dict]] = []

    def publish(self, topic: str, event: dict) -> None:
        with self._lock:
            self.published.append((topic, event))
            handlers = list(self._handlers[topic]) + list(self._handlers["*"])
        for handler in handlers:
            try:
                handler(event)
            except Exception:  # one bad subscriber must not break publishing
                log.exception("event handler failed on %s", topic)

    def subscribe(self, topic: str, handler: Callable[[dict], None], *,
                  group: str | None = None) -> Callable[[], None]:
        """``group`` changes nothing here: no consumer of this bus outlives the process."""
        with self._lock:
            self._handlers[topic].append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers[topic]:
                    self._handlers[topic].remove(handler)

        return unsubscribe

    def close(self) -> None:
        with self._lock:
            self._handlers.clear()
