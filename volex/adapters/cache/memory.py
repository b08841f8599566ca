"""The in-process cache: the embedded default (a bounded dict with expiry)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

__all__ = ["MemoryCache"]


class MemoryCache:
    """Key -> bytes with a time-to-live; the least recently used entries go first when full."""

    backend = "memory"

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires <= time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + ttl_s, bytes(value))
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def ping(self) -> str:
        return f"in-process, {len(self._data)} entries"
