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
            while time.monotonic() < deadline:
                said = " ".join(str(r.body) for r in hook.received)
                shown = len(set(re.findall(r"now (\d+)", said)))
                if shown + sum(int(n) for n in re.findall(r"and (\d+) more", said)) >= 40:
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # let any duplicate arrive
        finally:
            stop.set()
            for worker in workers:
                worker.join(10)
        said = " ".join(str(r.body) for r in hook.received)
        seen = re.findall(r"now (\d+)", said)
        # a storm is grouped: past 20 lines a message says "... and N more" instead
        folded = sum(int(n) for n in re.findall(r"and (\d+) more", said))
        assert len(seen) == len(set(seen)) and set(seen) <= {str(1000 + i) for i in range(40)}
        assert len(seen) + folded == 40  # every event once: shown, or counted in a group
        assert first.runtime.store.notify.pending() == 0
    finally:
        first.close()
        second.close()
        hook.close()


def test_when_the_store_is_down_people_are_told_directly_once_then_told_it_is_back(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import create_engine, text

    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    hook = HookServer()
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(pg_url.rsplit("/", 1)[0] + "/test", isolation_level="AUTOCOMMIT")
    app = Volex(actor="cli", database_url=pg_url,
                notify={"timeout_s": 2.0, "retry_base_s": 0.05, "group_window_s": 0.0})
    try:
        app.notify_add(f"json://127.0.0.1:{hook.port}/hook", name="webhook",
                       events="components,halts")
        watch = app.watch()
        watch.notify_once()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              f"WHERE datname = '{name}'"))
        report = watch.check()
        watch.check()
        assert report.components["store"] == "fail"
        assert hook.wait_for(1, timeout_s=5)
        time.sleep(0.3)
        assert [r.body["title"] for r in hook.received] == ["store down"]
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        watch.check()
        deadline = time.monotonic() + 5
        while len(hook.received) < 2 and time.monotonic() < deadline:
            watch.notify_once()
            time.sleep(0.05)
        assert [r.body["title"] for r in hook.received] == ["store down", "store back"]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        app.close()
        hook.close()
