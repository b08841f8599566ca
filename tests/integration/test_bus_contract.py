"""The event bus contract, held by the in-process bus and the Redis bus alike; then what only
Redis can do (durable consumers, outages), and the outbox that keeps events through an outage."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.openbao import free_port
from volex.adapters.bus.memory import MemoryBus
from volex.adapters.bus.outbox import Events
from volex.adapters.bus.redis_bus import RedisBus
from volex.adapters.storage.store import Store
from volex.errors import BusError


def wait_until(condition: Callable[[], bool], timeout_s: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture(params=["memory", "redis"])
def bus(request: pytest.FixtureRequest, unique_prefix: str) -> Iterator[object]:
    if request.param == "memory":
        instance = MemoryBus()
        yield instance
        instance.close()
        return
    instance = RedisBus(request.getfixturevalue("redis_url"), namespace=unique_prefix)
    yield instance
    instance.close()
    _drop_keys(instance.url, unique_prefix)


def _drop_keys(url: str, namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


# -- the contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("topic", ["signals", "orders"])  # pub/sub and a durable stream
def test_subscribers_get_every_event_in_order(bus, topic: str) -> None:
    got: list[dict] = []
    bus.subscribe(topic, got.append)
    events = [{"n": i, "symbol": "BTC/USDT", "price": 97_000.5 + i, "tags": ["a", i]} for i in range(25)]
    for event in events:
        bus.publish(topic, event)
    assert wait_until(lambda: len(got) == 25), got
    assert got == events


def test_topics_are_separate_and_unsubscribe_stops_delivery(bus) -> None:
    signals: list[dict] = []
    fills: list[dict] = []
    stop_signals = bus.subscribe("signals", signals.append)
    bus.subscribe("fills", fills.append)
    bus.publish("signals", {"n": 1})
    bus.publish("fills", {"n": 2})
    assert wait_until(lambda: signals == [{"n": 1}] and fills == [{"n": 2}])
    stop_signals()
    bus.publish("signals", {"n": 3})
    bus.publish("fills", {"n": 4})
    assert wait_until(lambda: len(fills) == 2)
    time.sleep(0.1)
    assert signals == [{"n": 1}]


def test_a_failing_handler_does_not_stop_the_others(bus, caplog: pytest.LogCaptureFixture) -> None:
    got: list[dict] = []

    def broken(_event: dict) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe("alerts", broken)
    bus.subscribe("alerts", got.append)
    with caplog.at_level(logging.ERROR):
        bus.publish("alerts", {"text": "one"})
        bus.publish("alerts", {"text": "two"})
        assert wait_until(lambda: len(got) == 2)
    assert "event handler failed on" in caplog.text


def test_a_wildcard_subscriber_sees_every_topic(bus) -> None:
    got: list[dict] = []
    bus.subscribe("*", got.append)
    bus.publish("signals", {"n": 1})
    bus.publish("orders", {"n": 2})
    bus.publish("alerts", {"n": 3})
    assert wait_until(lambda: len(got) == 3)
    assert sorted(e["n"] for e in got) == [1, 2, 3]


def test_a_named_consumer_gets_new_events_on_any_bus(bus) -> None:
    got: list[dict] = []
    bus.subscribe("halt", got.append, group="shell")
    bus.publish("halt", {"state": {"active": True}})
    assert wait_until(lambda: got == [{"state": {"active": True}}])


# -- Redis only -----------------------------------------------------------------------------


def test_a_durable_consumer_gets_what_was_published_while_it_was_down(
        redis_url: str, unique_prefix: str) -> None:
    publisher = RedisBus(redis_url, namespace=unique_prefix)
    first: list[dict] = []
    consumer = RedisBus(redis_url, namespace=unique_prefix)
    consumer.subscribe("orders", first.append, group="execution")
    publisher.publish("orders", {"id": 1})
    assert wait_until(lambda: first == [{"id": 1}])
    consumer.close()  # the consumer goes away...
    publisher.publish("orders", {"id": 2})
    publisher.publish("orders", {"id": 3})
    publisher.publish("signals", {"lost": True})  # pub/sub: nobody listening, gone
    again: list[dict] = []
    back = RedisBus(redis_url, namespace=unique_prefix)  # ...and comes back
    back.subscribe("orders", again.append, group="execution")
    assert wait_until(lambda: again == [{"id": 2}, {"id": 3}])
    # A subscriber without a group only sees what is published after it subscribed.
    fresh: list[dict] = []
    back.subscribe("orders", fresh.append)
    publisher.publish("orders", {"id": 4})
    assert wait_until(lambda: fresh == [{"id": 4}] and again[-1] == {"id": 4})
    for instance in (publisher, back):
        instance.close()
    _drop_keys(redis_url, unique_prefix)


def test_publishing_without_redis_is_a_clear_error_without_the_password() -> None:
    bus = RedisBus(f"redis://:hunter2-redis-password@127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    with pytest.raises(BusError, match=r"Redis at redis://:\*\*\*@127.0.0.1:\d+/0\) unreachable") as err:
        bus.publish("halt", {"state": {"active": True}})
    assert "hunter2" not in str(err.value)
    assert time.monotonic() - started < 5
    bus.close()


# -- a Redis of our own, to stop and start ---------------------------------------------------


class PrivateRedis:
    """redis-server on a free port with an append-only file, so a restart keeps the streams."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        assert wait_until(lambda: _pings(client), 5), "redis-server did not start"
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=5)
            self.process = None


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        from tests.conftest import in_ci

        if in_ci():
            pytest.fail("redis-server is not installed (CI must install it)")
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_an_order_placed_while_the_bus_is_down_is_stored_and_delivered_when_it_returns(
        private_redis: PrivateRedis, volex_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = Store(f"sqlite:///{volex_home / 'volex.db'}")
    execution: list[dict] = []
    watcher = RedisBus(private_redis.url, namespace="t")
    watcher.subscribe("orders", execution.append, group="dashboard")
    events = Events(store.db, RedisBus(private_redis.url, namespace="t"))

    private_redis.stop()
    with caplog.at_level(logging.WARNING), store.transaction() as tx:
        tx.state.set("order.42", {"side": "buy", "amount": "0.01"})
        events.emit("orders", {"action": "order.new", "order_id": 42}, conn=tx.connection)
    assert events.flush(force=True) == 0
    assert store.state.get("order.42") == {"side": "buy", "amount": "0.01"}  # stored
    assert events.pending() == 1
    assert "kept in the outbox" in caplog.text

    private_redis.start()
    assert events.flush(force=True) == 1
    assert wait_until(lambda: execution == [{"action": "order.new", "order_id": 42}], 5)
    assert events.pending() == 0
    watcher.close()
    events.bus.close()
    store.close()


def test_a_rolled_back_transaction_emits_nothing(redis_url: str, unique_prefix: str,
                                                 volex_home: Path) -> None:
    store = Store(f"sqlite:///{volex_home / 'volex.db'}")
    bus = RedisBus(redis_url, namespace=unique_prefix)
    got: list[dict] = []
    bus.subscribe("orders", got.append)
    events = Events(store.db, bus)
    with pytest.raises(RuntimeError), store.db.begin() as conn:
        events.emit("orders", {"order_id": 1}, conn=conn)
        raise RuntimeError("the order was refused after all")
    with store.db.begin() as conn:
        events.emit("orders", {"order_id": 2}, conn=conn)
    assert events.flush() == 1
    assert wait_until(lambda: got == [{"order_id": 2}])
    bus.close()
    store.close()
    _drop_keys(redis_url, unique_prefix)


def test_concurrent_flushes_never_publish_an_event_twice(volex_home: Path) -> None:
    url = f"sqlite:///{volex_home / 'volex.db'}"
    bus = MemoryBus()
    writers = [Events(Store(url).db, bus) for _ in range(3)]
    for i in range(60):
        with writers[0].db.begin() as conn:
            writers[0].emit("orders", {"n": i}, conn=conn)
    threads = [threading.Thread(target=w.flush, kwargs={"force": True}) for w in writers for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e["n"] for _, e in bus.published] == list(range(60))
