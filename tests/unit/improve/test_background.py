"""`[improve] schedule` inside `volex run`: the jobs start in a thread when due, the loop's
pass never waits for them, they share the job lease with `volex improve`, and a failure is
audited while the loop goes on."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from volex.adapters.storage.store import Store
from volex.autopilot.clock import ReplayClock
from volex.errors import UserInputError
from volex.improve.background import BackgroundImprove
from volex.improve.jobs import JobLease

START = datetime(2026, 12, 6, 2, 59, tzinfo=UTC)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'volex.db'}")


def _actions(store: Store) -> list[tuple[str, str | None]]:
    return [(r.action, r.reason) for r in store.audit.list()]


def test_a_due_job_runs_in_a_thread_and_the_pass_never_waits_for_it(store) -> None:
    clock, release, ran = ReplayClock(START), threading.Event(), []

    def job() -> None:
        lease = JobLease(store.jobs, clock, 3600)
        lease.take()
        try:
            release.wait(10)
            ran.append(clock.wall())
        finally:
            lease.release()

    runner = BackgroundImprove("0 3 * * *", clock, job, store.audit)
    assert runner.tick() is False  # 02:59: not due
    clock.sleep_until(START + timedelta(minutes=1))
    began = time.perf_counter()
    assert runner.tick() is True
    assert time.perf_counter() - began < 0.5  # the pass goes on while the job runs
    clock.sleep_until(START + timedelta(days=1, minutes=1))  # next moment due, job still busy
    assert runner.tick() is False  # never two at once
    release.set()
    runner.join(5)
    assert len(ran) == 1 and runner.runs == 1
    assert runner.tick() is True  # the moment missed while busy runs once it is free
    runner.join(5)
    assert len(ran) == 2


def test_a_job_refused_by_the_lease_or_failing_is_audited_and_the_next_moment_runs(
        store) -> None:
    clock = ReplayClock(START)
    other = JobLease(store.jobs, clock, 6 * 3600)  # a separate `volex improve --schedule`
    other.take()
    outcomes = iter(["lease", "boom", "ok"])
    done = []

    def job() -> None:
        what = next(outcomes)
        if what == "lease":
            JobLease(store.jobs, clock, 3600).take()
        if what == "boom":
            raise ZeroDivisionError("no bars")
        done.append(what)

    runner = BackgroundImprove("0 * * * *", clock, job, store.audit)
    for hour in range(1, 4):
        clock.sleep_until(START + timedelta(hours=hour))
        assert runner.tick() is True
        runner.join(5)
        if hour == 1:
            other.release()
    actions = _actions(store)
    assert actions[0][0] == "improve.skipped" and "already running" in actions[0][1]
    assert actions[1] == ("improve.failed", "ZeroDivisionError: no bars")
    assert done == ["ok"]


def test_a_bad_schedule_is_one_line_at_start(store) -> None:
    with pytest.raises(UserInputError, match="not a cron expression"):
        BackgroundImprove("every night", ReplayClock(START), lambda: None, store.audit)


def test_volex_run_wiring_runs_the_real_improve_under_the_shared_lease(volex_home) -> None:
    """`[improve] schedule` gives the autopilot a hook that runs `Volex.improve` when due; a
    separate `volex improve` holding the lease makes that run a skipped, audited one."""
    from volex import Volex

    (volex_home / "config.toml").write_text('[improve]\nschedule = "*/5 * * * *"\n')
    clock = ReplayClock(START)
    with Volex(offline=True, actor="cli") as app:
        tick = app._improve_in_background(clock)
        assert tick is not None and tick() is False
        other = JobLease(app.runtime.store.jobs, clock, 3600)
        other.take()
        clock.sleep_until(START + timedelta(minutes=1))
        assert tick() is True
        tick.__self__.join(60)
        other.release()
        actions = [(r.actor, r.action, r.reason) for r in app.runtime.store.audit.list()]
    ran = [a for a in actions if a[1].startswith("improve.")]
    assert [a[:2] for a in ran] == [("autopilot", "improve.skipped")]
    assert "already running" in ran[0][2]


def test_no_schedule_no_hook(volex_home) -> None:
    from volex import Volex

    with Volex(offline=True) as app:
        assert app._improve_in_background(ReplayClock(START)) is None
