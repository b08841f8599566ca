"""Two monitors on one PostgreSQL store (say `volex run` and `volex monitor`) queue and send
the same events at once: every event reaches the channel once, none is lost."""

from __future__ import annotations

import re
import threading
import time

import pytest

from tests.support.notify_servers import HookServer
from volex.facade import Volex


def test_two_workers_on_one_postgres_store_send_each_event_once(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    hook = HookServer()
    notify = {"timeout_s": 2.0, "retry_base_s": 0.05, "group_window_s": 0.0}
    first = Volex(actor="cli", database_url=pg_url, notify=notify)
    second = Volex(actor="agent", database_url=pg_url, notify=notify)
    try:
        first.notify_add(f"json://127.0.0.1:{hook.port}/hook", name="webhook", events="alerts")
        first.watch().notify_once()
        hook.fail_next = 2  # and the service stumbles on the way
        stop = threading.Event()

        def work(app: Volex) -> None:
            while not stop.is_set():
                app.watch().notify_once()
                time.sleep(0.01)

        workers = [threading.Thread(target=work, args=(app,)) for app in (first, second)]
        for worker in workers:
            worker.start()
        try:
            for i in range(40):
                first.runtime.store.audit.record("agent", "alert.fired", "BTC/USDT", None,
                                                 {"price": f"{1000 + i}"})
            deadline = time.monotonic() + 15
            seen: list[str] = []
            while time.monotonic() < deadline:
                seen = re.findall(r"now (\d+)", " ".join(str(r.body) for r in hook.received))
                if len(set(seen)) == 40:
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # let any duplicate arrive
        finally:
            stop.set()
            for worker in workers:
                worker.join(10)
        seen = re.findall(r"now (\d+)", " ".join(str(r.body) for r in hook.received))
        assert sorted(seen) == [str(1000 + i) for i in range(40)]
        assert first.runtime.store.notify.pending() == 0
    finally:
        first.close()
        second.close()
        hook.close()
