"""The cache contract, for the in-process cache and the Redis cache alike."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.openbao import free_port
from volex.adapters.cache.memory import MemoryCache
from volex.adapters.cache.redis_cache import RedisCache
from volex.errors import BusError


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest, unique_prefix: str) -> Iterator[object]:
    if request.param == "memory":
        yield MemoryCache()
        return
    instance = RedisCache(request.getfixturevalue("redis_url"), namespace=unique_prefix)
    yield instance
    keys = list(instance.redis.scan_iter(f"{unique_prefix}:*"))
    if keys:
        instance.redis.delete(*keys)
    instance.close()


def test_values_come_back_until_they_expire(cache) -> None:
    assert cache.get("ticker:binance:BTC/USDT") is None
    cache.set("ticker:binance:BTC/USDT", b'{"last": 97000.5}', ttl_s=0.3)
    cache.set("markets:binance", b"\x00\x01binary\xff", ttl_s=30)
    assert cache.get("ticker:binance:BTC/USDT") == b'{"last": 97000.5}'
    assert cache.get("markets:binance") == b"\x00\x01binary\xff"
    time.sleep(0.4)
    assert cache.get("ticker:binance:BTC/USDT") is None
    assert cache.get("markets:binance") == b"\x00\x01binary\xff"


def test_a_new_value_replaces_the_old_and_its_ttl(cache) -> None:
    cache.set("k", b"one", ttl_s=0.2)
    cache.set("k", b"two", ttl_s=30)
    time.sleep(0.3)
    assert cache.get("k") == b"two"
    cache.set("gone", b"x", ttl_s=0)  # nothing to keep
    assert cache.get("gone") is None


def test_memory_cache_stays_bounded() -> None:
    cache = MemoryCache(max_entries=3)
    for key in "abcd":
        cache.set(key, key.encode(), ttl_s=60)
    assert cache.get("a") is None and cache.get("d") == b"d"


def test_redis_cache_shares_between_clients_and_degrades_to_misses(redis_url: str,
                                                                    unique_prefix: str) -> None:
    first, second = (RedisCache(redis_url, namespace=unique_prefix) for _ in range(2))
    first.set("ticker", b"seen by both", ttl_s=5)
    assert second.get("ticker") == b"seen by both"
    first.redis.delete(first.key("ticker"))
    down = RedisCache(f"redis://127.0.0.1:{free_port()}/0")
    down.set("ticker", b"x", ttl_s=5)  # no exception: a cache outage is a miss, logged
    assert down.get("ticker") is None
    with pytest.raises(BusError, match="unreachable"):
        down.ping()
