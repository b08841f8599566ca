"""The Redis cache: market data and tickers shared by every process, expired by Redis itself.

A cache is an optimisation, so losing Redis degrades to misses (logged once per outage)
rather than failing the command that asked; ``ping`` reports the outage to `volex doctor`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from volex.adapters.bus.redis_bus import connect_redis, redact_redis_url
from volex.errors import BusError

__all__ = ["RedisCache"]

log = logging.getLogger(__name__)


class RedisCache:
    """Cache over Redis keys ``<namespace>:cache:<key>`` with millisecond TTLs."""

    backend = "redis"

    def __init__(self, url: str, *, namespace: str = "volex") -> None:
        self.url, self.namespace = url, namespace
        self.redis: Any = connect_redis(url, socket_timeout_s=2.0)
        self._down_since: float | None = None

    def __repr__(self) -> str:
        return f"RedisCache({redact_redis_url(self.url)!r}, namespace={self.namespace!r})"

    def key(self, key: str) -> str:
        return f"{self.namespace}:cache:{key}"

    def _failed(self, exc: Exception) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning("cache (Redis at %s) unreachable (%s): serving misses until it returns",
                        redact_redis_url(self.url), type(exc).__name__)

    def _recovered(self) -> None:
        if self._down_since is not None:
            log.warning("cache (Redis) back after %.1f s", time.monotonic() - self._down_since)
            self._down_since = None

    def get(self, key: str) -> bytes | None:
        import redis

        try:
            value = self.redis.get(self.key(key))
        except redis.RedisError as exc:
            self._failed(exc)
            return None
        self._recovered()
        return value

    def set(self, key: str, value: bytes, ttl_s: float) -> None:
        import redis

        if ttl_s <= 0:
            return
        try:
            self.redis.set(self.key(key), value, px=max(1, int(ttl_s * 1000)))
        except redis.RedisError as exc:
            self._failed(exc)
            return
        self._recovered()

    def ping(self) -> str:
        import redis

        try:
            info = self.redis.info("server")
        except redis.RedisError as exc:
            raise BusError(f"cache (Redis at {redact_redis_url(self.url)}) unreachable: "
                           f"{type(exc).__name__}") from exc
        return f"Redis {info.get('redis_version', '?')} at {redact_redis_url(self.url)}"

    def close(self) -> None:
        self.redis.close()
