"""The Redis event bus: Streams for durable topics (halt, orders), pub/sub for the rest.

A durable topic is a stream ``<namespace>:stream:<topic>``: a subscriber with a ``group`` name
is a consumer group, so what was published while it was down reaches it when it returns; one
without a group reads what arrives after it subscribed. Other topics are pub/sub channels
``<namespace>:topic:<topic>``: fire-and-forget, like the in-process bus. Handlers run on
background threads; a failing handler is logged and never stops the others. Losing Redis makes
``publish`` raise BusError (after redis-py's own retries) and subscribers reconnect by themselves.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from volex.errors import BusError

__all__ = ["DURABLE_TOPICS", "RedisBus", "connect_redis", "redact_redis_url"]

log = logging.getLogger(__name__)

DURABLE_TOPICS = frozenset({"halt", "orders"})
_BLOCK_MS = 250  # how long a stream read waits; bounds the time close() takes


def redact_redis_url(url: str) -> str:
    """The URL without its password, safe to print."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid redis url>"
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def connect_redis(url: str, *, socket_timeout_s: float = 5.0) -> Any:
    """A redis-py client with short connect timeouts and a couple of quick retries."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    from volex.adapters.secrets.redact import remember_url_password

    remember_url_password(url)
    try:
        return redis.Redis.from_url(
            url, protocol=2, socket_connect_timeout=1.0, socket_timeout=socket_timeout_s,
            health_check_interval=15, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError])
    except ValueError as exc:
        raise BusError(f"bad redis url {redact_redis_url(url)}: {exc}") from None


class RedisBus:
    """EventBus over Redis; ``namespace`` keeps several deployments (or tests) apart."""

    def __init__(self, url: str, *, namespace: str = "volex",
                 durable: frozenset[str] = DURABLE_TOPICS, maxlen: int = 10_000) -> None:
        self.url, self.namespace = url, namespace
        self.durable, self.maxlen = durable, maxlen
        self.redis = connect_redis(url)
        self._lock = threading.Lock()
        self._channels: dict[str, list[Callable[[dict], None]]] = {}
        self._pubsub_thread: _PubSubReader | None = None
        self._readers: list[_StreamReader] = []

    def __repr__(self) -> str:
        return f"RedisBus({redact_redis_url(self.url)!r}, namespace={self.namespace!r})"

    def stream_key(self, topic: str) -> str:
        return f"{self.namespace}:stream:{topic}"

    def channel(self, topic: str) -> str:
        return f"{self.namespace}:topic:{topic}"

    def _failure(self, what: str, exc: Exception) -> BusError:
        return BusError(f"event bus (Redis at {redact_redis_url(self.url)}) unreachable while "
                        f"{what}: {type(exc).__name__}; events stay queued and are retried")

    def publish(self, topic: str, event: dict) -> None:
        import redis

        data = json.dumps(event, default=str)
        try:
            if topic in self.durable:
                self.redis.xadd(self.stream_key(topic), {"event": data}, maxlen=self.maxlen,
                                approximate=True)
            else:
                self.redis.publish(self.channel(topic), data)
        except redis.RedisError as exc:
            raise self._failure(f"publishing {topic}", exc) from exc

    def subscribe(self, topic: str, handler: Callable[[dict], None], *,
                  group: str | None = None) -> Callable[[], None]:
        """Deliver ``topic`` to ``handler``; ``group`` names a durable consumer (streams only)."""
        if topic in self.durable:
            reader = _StreamReader(self, [topic], handler, group)
            self._readers.append(reader)
            reader.start()
            return reader.stop
        if topic == "*":  # everything: every channel, and the durable streams from now on
            stop_streams = self._subscribe_streams(sorted(self.durable), handler)
            stop_channels = self._subscribe_channel(f"{self.namespace}:topic:*", handler)
            return lambda: (stop_streams(), stop_channels())
        return self._subscribe_channel(self.channel(topic), handler)

    def _subscribe_streams(self, topics: list[str], handler: Callable[[dict], None]) -> Callable[[], None]:
        reader = _StreamReader(self, topics, handler, None)
        self._readers.append(reader)
        reader.start()
        return reader.stop

    def _subscribe_channel(self, channel: str, handler: Callable[[dict], None]) -> Callable[[], None]:
        with self._lock:
            self._channels.setdefault(channel, []).append(handler)
            if self._pubsub_thread is None:
                self._pubsub_thread = _PubSubReader(self)
                self._pubsub_thread.start()
            reader = self._pubsub_thread
        reader.request_sync(wait_s=1.0)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._channels.get(channel, []):
                    self._channels[channel].remove(handler)
                if not self._channels.get(channel):
                    self._channels.pop(channel, None)
            if self._pubsub_thread is not None:
                self._pubsub_thread.request_sync()

        return unsubscribe

    def handlers_for(self, channel: str, pattern: str | None) -> list[Callable[[dict], None]]:
        with self._lock:
            return list(self._channels.get(pattern or channel, []))

    def channels(self) -> list[str]:
        with self._lock:
            return list(self._channels)

    def ping(self) -> str:
        import redis

        try:
            info = self.redis.info("server")
        except redis.RedisError as exc:
            raise self._failure("checking health", exc) from exc
        return f"Redis {info.get('redis_version', '?')} at {redact_redis_url(self.url)}"

    def close(self) -> None:
        for reader in self._readers:
            reader.stop()
        if self._pubsub_thread is not None:
            self._pubsub_thread.stop()
        for reader in [*self._readers, self._pubsub_thread]:
            if reader is not None and reader is not threading.current_thread():
                reader.join(timeout=1.0)
        self._readers.clear()
        self._pubsub_thread = None
        self.redis.close()


def deliver(handler: Callable[[dict], None], raw: bytes | str, where: str) -> bool:
    """Decode one event and call ``handler``; False when it failed (it is logged)."""
    try:
        handler(json.loads(raw))
    except Exception:  # one bad subscriber must not break the others
        log.exception("event handler failed on %s", where)
        return False
    return True


class _Reader(threading.Thread):
    """A daemon thread that survives Redis outages: it logs once, backs off and reconnects."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._stopping = threading.Event()
        self._down_since: float | None = None

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        import redis

        delay = 0.1
        while not self._stopping.is_set():
            try:
                self.step()
                if self._down_since is not None:
                    log.warning("event bus reconnected after %.1f s", time.monotonic() - self._down_since)
                    self._down_since = None
                delay = 0.1
            except redis.RedisError as exc:
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    log.warning("event bus unreachable or failing (%s); retrying", type(exc).__name__)
                self.on_disconnect()
                self._stopping.wait(delay)
                delay = min(delay * 2, 2.0)

    def step(self) -> None:
        raise NotImplementedError

    def on_disconnect(self) -> None:
        """Drop connection state after an outage."""


class _StreamReader(_Reader):
    def __init__(self, bus: RedisBus, topics: list[str], handler: Callable[[dict], None],
                 group: str | None) -> None:
        super().__init__(f"volex-bus-stream-{'+'.join(topics)}")
        self.bus, self.handler, self.group = bus, handler, group
        self.keys = [bus.stream_key(t) for t in topics]
        self._groups_ready = False
        self._backlog_done = False
        self.last: dict[str, str] = {}
        if group is None:
            self.last = {key: self._tail(key) for key in self.keys}
        else:
            self._ensure_groups(quiet=True)

    def _tail(self, key: str) -> str:
        """The id after which new entries count (the stream's last id, or now when unreachable)."""
        import redis

        try:
            newest = self.bus.redis.xrevrange(key, count=1)
        except redis.RedisError:
            return f"{int(time.time() * 1000)}-0"
        return newest[0][0].decode() if newest else "0-0"

    def _ensure_groups(self, quiet: bool = False) -> None:
        import redis

        try:
            for key in self.keys:
                try:
                    self.bus.redis.xgroup_create(key, self.group, id="$", mkstream=True)
                except redis.ResponseError as exc:
                    if "BUSYGROUP" not in str(exc):
                        raise
        except redis.ConnectionError:
            if not quiet:
                raise
            return
        self._groups_ready = True

    def on_disconnect(self) -> None:
        self._backlog_done = False  # re-read what was delivered but never acknowledged

    def step(self) -> None:
        import redis

        if self.group is None:
            answer = self.bus.redis.xread(self.last, count=100, block=_BLOCK_MS)
            for key, entries in answer or []:
                for entry_id, fields in entries:
                    self.last[key.decode()] = entry_id.decode()
                    deliver(self.handler, fields[b"event"], key.decode())
            return
        if not self._groups_ready:
            self._ensure_groups()
        # First what this consumer was given but never acknowledged, then new entries.
        start = ">" if self._backlog_done else "0"
        try:
            answer = self.bus.redis.xreadgroup(
                self.group, self.group, dict.fromkeys(self.keys, start),
                count=1000 if start == "0" else 100, block=None if start == "0" else _BLOCK_MS)
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._groups_ready = False  # the stream was deleted: create the group again
            return
        for key, entries in answer or []:
            for entry_id, fields in entries:
                # An entry trimmed away while pending has no fields: nothing left to deliver.
                if not fields or deliver(self.handler, fields[b"event"], key.decode()):
                    self.bus.redis.xack(key, self.group, entry_id)
        self._backlog_done = True  # entries whose handler failed wait for the next start


class _PubSubReader(_Reader):
    def __init__(self, bus: RedisBus) -> None:
        super().__init__("volex-bus-pubsub")
        self.bus = bus
        self._sync_cond = threading.Condition()
        self._wanted_gen = self._synced_gen = 0
        self.pubsub: Any = None
        self.subscribed: set[str] = set()

    def request_sync(self, wait_s: float = 0.0) -> None:
        """Ask the thread to (un)subscribe to match the bus; wait until it has, up to wait_s."""
        with self._sync_cond:
            self._wanted_gen += 1
            target = self._wanted_gen
            self._sync_cond.wait_for(lambda: self._synced_gen >= target, timeout=wait_s)

    def on_disconnect(self) -> None:
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            except Exception:  # noqa: BLE001, S110 - already broken; we are replacing it
                pass
        self.pubsub, self.subscribed = None, set()

    def _sync(self) -> None:
        with self._sync_cond:
            target = self._wanted_gen
        wanted = set(self.bus.channels())
        if self.pubsub is None:
            self.pubsub = self.bus.redis.pubsub()
        added = wanted - self.subscribed
        for name in added:
            (self.pubsub.psubscribe if "*" in name else self.pubsub.subscribe)(name)
        for name in self.subscribed - wanted:
            (self.pubsub.punsubscribe if "*" in name else self.pubsub.unsubscribe)(name)
        self.subscribed = wanted
        # Wait for Redis to confirm, so that an event published right after subscribe()
        # returns is delivered; real messages arriving meanwhile are delivered, not dropped.
        confirmed, deadline = 0, time.monotonic() + 1.0
        while confirmed < len(added) and time.monotonic() < deadline:
            message = self.pubsub.get_message(timeout=0.1)
            if message and message["type"] in ("subscribe", "psubscribe"):
                confirmed += 1
            elif message:
                self._dispatch(message)
        with self._sync_cond:
            self._synced_gen = max(self._synced_gen, target)
            self._sync_cond.notify_all()

    def _dispatch(self, message: dict) -> None:
        if message["type"] not in ("message", "pmessage"):
            return
        channel = message["channel"].decode()
        pattern = message["pattern"].decode() if message.get("pattern") else None
        for handler in self.bus.handlers_for(channel, pattern):
            deliver(handler, message["data"], channel)

    def step(self) -> None:
        if self.pubsub is None or self._synced_gen < self._wanted_gen:
            self._sync()
        if not self.subscribed:
            self._stopping.wait(0.05)
            return
        message = self.pubsub.get_message(timeout=0.05)  # short: subscribe() waits on this loop
        if message:
            self._dispatch(message)

    def run(self) -> None:
        super().run()
        self.on_disconnect()
