"""One `volex improve` at a time (a lease in the store), and the cron loop."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest

from volex.adapters.storage.jobs import JobLeaseRepo
from volex.adapters.storage.store import Store
from volex.autopilot.clock import ReplayClock
from volex.errors import LeaseHeld, UserInputError
from volex.improve.jobs import JobLease, next_run, run_on_schedule

START = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def repo(request, tmp_path) -> JobLeaseRepo:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'volex.db'}").jobs
    return Store(request.getfixturevalue("pg_url")).jobs


def test_a_second_runner_is_refused_with_the_holder_named_until_the_lease_ends(repo) -> None:
    clock = ReplayClock(START)
    first, second = JobLease(repo, clock, 60), JobLease(repo, clock, 60)
    first.take()
    with pytest.raises(LeaseHeld) as refused:
        second.take()
    assert f"host {socket.gethostname()!r} (pid {os.getpid()})" in str(refused.value)
    assert "already running" in str(refused.value)
    clock.sleep_until(START + timedelta(seconds=50))
    first.take()  # the holder extends its lease while it works
    clock.sleep_until(START + timedelta(seconds=100))
    with pytest.raises(LeaseHeld):
        second.take()
    clock.sleep_until(START + timedelta(seconds=111))  # the holder died: its lease ran out
    second.take()
    second.release()
    first.take()


def test_a_finished_run_frees_the_job_at_once(repo) -> None:
    clock = ReplayClock(START)
    first = JobLease(repo, clock, 3600)
    first.take()
    first.release()
    JobLease(repo, clock, 3600).take()


def test_the_loop_runs_at_each_cron_moment_and_goes_on_after_a_refusal() -> None:
    clock = ReplayClock(START)
    seen: list[tuple[datetime, object]] = []
    calls = iter([1, LeaseHeld("`volex improve` is already running"), 3])

    def job() -> int:
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    made = run_on_schedule("0 3 * * *", clock, job, lambda m, r: seen.append((m, r)), runs=3)
    assert made == 3
    assert [m for m, _ in seen] == [datetime(2026, 12, d, 3, 0, tzinfo=UTC) for d in (7, 8, 9)]
    assert seen[0][1] == 1 and isinstance(seen[1][1], LeaseHeld) and seen[2][1] == 3


def test_a_bad_cron_expression_is_refused() -> None:
    with pytest.raises(UserInputError, match="not a cron expression"):
        next_run("every night", START)
    assert next_run("*/15 * * * *", START) == START + timedelta(minutes=15)
