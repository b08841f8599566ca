"""A damaged SQLite store is reported as one, with the way out.

Pages of volex.db are overwritten (as a disk or a careless copy would): `doctor` fails its
store check, `volex db check` lists what SQLite's integrity check found, and a command that
meets the damage says so in one line and names `volex db check` and `migrate-from`, instead
of "no price" or a half-read answer.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def _damage(db: Path) -> None:
    """Checkpoint the WAL, then overwrite the header of every page but the first."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = db.stat().st_size // page
    with open(db, "r+b") as raw:
        for number in range(1, pages):
            raw.seek(number * page)
            raw.write(b"\xa5" * 16 + os.urandom(48))


@pytest.fixture
def damaged(volex_home: Path) -> Path:
    assert run("buy", "BTC/USDT", "--quote", "100", "--yes").exit_code == 0
    assert run("db", "check").exit_code == 0
    _damage(volex_home / "volex.db")
    return volex_home


def test_doctor_and_db_check_report_the_damage(damaged: Path) -> None:
    doctor = run("doctor", "--json")
    assert doctor.exit_code != 0
    store = next(r for r in json.loads(doctor.stdout) if r["component"] == "store")
    assert store["status"] != "ok" and "volex db check" in json.dumps(store)
    check = run("db", "check")
    assert check.exit_code == 1
    assert check.output.strip().splitlines()[-1].startswith("Error: the store ")
    assert "migrate-from" in check.output


@pytest.mark.parametrize("args", [("balance", "--json"), ("positions",),
                                  ("buy", "BTC/USDT", "--quote", "10", "--yes")])
def test_a_command_meeting_the_damage_says_so_in_one_line(damaged: Path,
                                                          args: tuple[str, ...]) -> None:
    line = one_line_error(run(*args), code=1)
    assert "is damaged" in line and "volex db check" in line and "migrate-from" in line
