"""The monitor agent: health of every configured component, and halts as they happen.

``MonitorAgent.check`` runs probes side by side (each with a deadline) and returns one
``Health`` row per component: status, latency, what it saw, and a hint for fixing a failure.
Probes receive the ports themselves (lazily, so building a port is part of what is timed);
they use only port methods and duck-typed ``ping``/``health`` methods, never an adapter module.

``HaltWatcher`` is how a long-running process (shell, dashboard, signal watcher) learns of a
halt issued anywhere: it subscribes to the ``halt`` topic of the bus (Redis across processes).
The store stays the authority; the watcher only makes the news arrive within a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from typing import Any, Literal

from volex.errors import VolexError

__all__ = ["Check", "Degraded", "HaltWatcher", "Health", "MonitorAgent", "Off", "bus_probe",
           "cache_probe", "exchange_probe", "key_probe", "outbox_probe", "secrets_probe",
           "store_probe"]

Status = Literal["ok", "warn", "fail", "off"]


class Degraded(Exception):
    """Raised by a probe: the component works, but not fully (status ``warn``)."""


class Off(Exception):
    """Raised by a probe: the component is switched off by configuration (status ``off``)."""


@dataclass(frozen=True)
class Health:
    component: str
    status: Status
    latency_ms: float | None
    detail: str
    hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    """One component: a probe returning what it saw (or raising), and a hint for failures."""

    component: str
    probe: Callable[[], str]
    hint: str


class MonitorAgent:
    """Runs health checks concurrently; a probe that hangs fails at ``timeout_s``."""

    def __init__(self, timeout_s: float = 6.0, redact: Callable[[str], str] = str) -> None:
        self.timeout_s = timeout_s
        self._redact = redact

    def check(self, checks: list[Check]) -> list[Health]:
        pool = ThreadPoolExecutor(max_workers=max(1, len(checks)), thread_name_prefix="volex-doctor")
        try:
            futures = [(c, time.perf_counter(), pool.submit(self._run, c)) for c in checks]
            out = []
            for check, started, future in futures:
                remaining = max(0.0, self.timeout_s - (time.perf_counter() - started))
                try:
                    out.append(future.result(timeout=remaining))
                except FutureTimeout:
                    out.append(Health(check.component, "fail", self.timeout_s * 1000,
                                      f"no answer within {self.timeout_s:g} s", check.hint))
            return out
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, check: Check) -> Health:
        started = time.perf_counter()
        status: Status = "ok"
        hint = ""
        try:
            detail = check.probe()
        except Off as exc:
            status, detail = "off", str(exc)
        except Degraded as exc:
            status, detail, hint = "warn", str(exc), check.hint
        except VolexError as exc:
            status, detail, hint = "fail", str(exc), check.hint
        except Exception as exc:  # noqa: BLE001 - a probe must report, not crash the doctor
            status, detail, hint = "fail", f"{type(exc).__name__}: {exc}", check.hint
        latency = (time.perf_counter() - started) * 1000
        detail = self._redact(detail.splitlines()[0] if detail else "")
        return Health(check.component, status, round(latency, 1), detail, hint)


def store_probe(store: Callable[[], Any]) -> Callable[[], str]:
    def probe() -> str:
        instance = store()
        revisions = instance.db.current_revisions()
        return f"{instance!r}: schema at {len(revisions)} head(s) {', '.join(sorted(revisions))}"

    return probe


def _ping(port: Any, local: str) -> str:
    ping = getattr(port, "ping", None)
    if ping is None:
        return local
    return ping()


def bus_probe(bus: Callable[[], Any]) -> Callable[[], str]:
    def probe() -> str:
        instance = bus()
        if getattr(instance, "ping", None) is None:
            return ("in-process: events reach this process only (set bus.url to share them; "
                    "halts from other processes still arrive through the store)")
        return instance.ping()

    return probe


def cache_probe(cache: Callable[[], Any]) -> Callable[[], str]:
    return lambda: _ping(cache(), "in-process cache")


def outbox_probe(events: Callable[[], Any]) -> Callable[[], str]:
    def probe() -> str:
        waiting = events().pending()
        if waiting:
            raise Degraded(f"{waiting} event(s) waiting for the bus")
        return "no events waiting"

    return probe


def secrets_probe(secrets: Callable[[], Any]) -> Callable[[], str]:
    """Every backend of the chain must answer; names are counted, values never shown."""

    def probe() -> str:
        chain = secrets()
        parts = []
        for store in chain.stores:
            health = getattr(store, "health", None)
            parts.append(f"{store.backend}: {health() if health else 'ok'}")
        for backend, why in chain.skipped.items():
            parts.append(f"{backend}: skipped ({why.split(';')[0]})")
        return "; ".join(parts)

    return probe


class HaltWatcher:
    """Knows whether trading is halted, as announced on the bus's ``halt`` topic.

    ``initial`` gives the state at start (read it from the store); ``on_change`` is called
    with the new state (HaltState's JSON: ``state``, ``actor``, ``since``, ``reason``).
    """

    def __init__(self, bus: Any, *, initial: Callable[[], dict | None] | None = None,
                 on_change: Callable[[dict], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.state: dict = dict((initial() if initial else None) or {"state": "ACTIVE"})
        self.received_at: float | None = None
        self._on_change = on_change
        self._unsubscribe = bus.subscribe("halt", self._on_event)

    @property
    def halted(self) -> bool:
        from volex.domain.orders import HaltState

        return HaltState.model_validate(self.state).active

    def _on_event(self, event: dict) -> None:
        from pydantic import ValidationError

        from volex.domain.orders import HaltState

        state = event.get("state", event)
        try:
            HaltState.model_validate(state)
        except ValidationError:
            return
        if not isinstance(state, dict) or not {"active", "state"} & set(state):
            return
        with self._changed:
            self.state, self.received_at = dict(state), time.time()
            self._changed.notify_all()
        if self._on_change is not None:
            self._on_change(dict(state))

    def wait_for(self, active: bool, timeout_s: float) -> bool:
        """Block until the announced state is ``active`` (or the timeout); returns whether it is."""
        with self._changed:
            return self._changed.wait_for(lambda: self.halted == active, timeout=timeout_s)

    def close(self) -> None:
        self._unsubscribe()


def exchange_probe(markets: Callable[[], Any], keys_where: Callable[[], str | None],
                   offline: bool) -> Callable[[], str]:
    """Public market data reachable; says where the keys are (or that there are none)."""

    def probe() -> str:
        where = keys_where()
        keys = f"keys in {where.split(' ')[0]}" if where else "no keys (public data only)"
        if offline:
            raise Off(f"offline mode; {keys}")
        return f"{len(markets())} markets; {keys}"

    return probe


def key_probe(client: Callable[[], Any]) -> Callable[[], str]:
    """The keys work (a balance read) and, where the venue tells, cannot withdraw."""

    def probe() -> str:
        venue = client()
        venue.fetch_balance()
        restrictions = getattr(venue, "sapi_get_account_apirestrictions", None)
        if restrictions is None:
            raise Degraded(f"keys work; {venue.id} does not say whether they can withdraw: "
                           "check the key's permissions on the venue")
        try:
            answer = restrictions()
        except Exception as exc:  # noqa: BLE001 - e.g. testnets have no such endpoint
            raise Degraded(f"keys work; could not read their withdrawal permission "
                           f"({type(exc).__name__}): check it on {venue.id}") from None
        if answer.get("enableWithdrawals"):
            raise VolexError("keys work but CAN WITHDRAW: create a trading-only key "
                             "(withdrawals disabled) and store it instead")
        return "keys work; withdrawals disabled"

    return probe
