"""Helpers for driving `volex run` as real OS processes over a candle file."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from volex.adapters.storage.autopilot import AutopilotRepo, BarRecord
from volex.adapters.storage.db import Database

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "volex" / "data" / "BTC_USDT_2h.csv.gz"
STRATEGY = ["--mode", "strategy:sma_cross", "-p", "fast=3", "-p", "slow=8"]

__all__ = ["STRATEGY", "AutopilotProcess", "bars", "btc_file", "orders", "wait_for"]


def btc_file(path: Path, rows: int) -> Path:
    """The first ``rows`` 2h bars of the bundled BTC/USDT sample as a CSV file."""
    with gzip.open(SAMPLE, "rt") as handle:
        lines = [next(handle) for _ in range(rows + 1)]
    path.write_text("".join(lines))
    return path


class AutopilotProcess:
    """One `volex run` process with its own environment (home, clock, crash point)."""

    def __init__(self, home: Path, args: list[str], env: dict[str, str] | None = None) -> None:
        full = {**os.environ, "VOLEX_HOME": str(home), "PYTHONPATH": str(REPO),
                **(env or {})}
        self.log = home / f"run-{time.monotonic_ns()}.out"
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "volex", "run", *args, "--yes", "--json"],
                stdout=out, stderr=subprocess.STDOUT, env=full, cwd=str(home))

    def output(self) -> str:
        return self.log.read_text()

    def wait(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _repo(home: Path) -> tuple[Database, AutopilotRepo]:
    db = Database(f"sqlite:///{home / 'volex.db'}")
    return db, AutopilotRepo(db)


def bars(home: Path, account: str = "paper:paper") -> list[BarRecord]:
    """Every bar the autopilot journaled, oldest first."""
    db, repo = _repo(home)
    try:
        return repo.bars(account)
    finally:
        db.dispose()


def orders(home: Path) -> list[dict]:
    """Every order of the paper venue, oldest first."""
    from sqlalchemy import select

    from volex.adapters.storage.trading import paper_orders

    db, _ = _repo(home)
    try:
        with db.begin() as conn:
            return [dict(r) for r in conn.execute(
                select(paper_orders).order_by(paper_orders.c.seq)).mappings()]
    finally:
        db.dispose()


def wait_for(check: Callable[[], object], timeout: float, what: str) -> object:
    """Poll ``check`` until it returns something truthy, or fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
