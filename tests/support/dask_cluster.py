"""A real Dask cluster on loopback: `dask scheduler` and `dask worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.support.agent_server import free_port

__all__ = ["LoopbackCluster", "loopback_cluster"]


@dataclass
class LoopbackCluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def kill_worker(self, index: int = 0) -> None:
        """SIGKILL one worker process and its nanny's children: no goodbye to the scheduler."""
        worker = self.workers[index]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def _dask(*args: str) -> subprocess.Popen:
    """`dask scheduler ...` / `dask worker ...` (the dask CLI, run by this Python)."""
    return subprocess.Popen([sys.executable, "-m", "dask", *args, "--no-dashboard"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


@contextmanager
def loopback_cluster(workers: int = 2) -> Iterator[LoopbackCluster]:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port))
    cluster = LoopbackCluster(address, scheduler)
    try:
        cluster.workers = [_dask("worker", address, "--nworkers", "1", "--nthreads", "1",
                                 "--host", "127.0.0.1")
                           for _ in range(workers)]
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(workers, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*cluster.workers, scheduler]:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
