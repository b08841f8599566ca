"""Moving to PostgreSQL exactly as the README says, against the real server.

`volex db upgrade` once left an audit row that made `migrate-from` refuse; `--merge` then
dropped the source's audit row whose id collided, and a target that `volex positions` had
touched mixed two ledgers (an equity of 12,383 from a 10,000 start).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run

pytestmark = pytest.mark.postgres


def _json(*args: str) -> object:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _sorted(rows: object) -> list:
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


@pytest.fixture
def sqlite_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A SQLite store with trades, a halt and a resume, as a user would have after a while."""
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_DATABASE_URL", f"sqlite:///{tmp_path / 'old.db'}")
    assert run("buy", "btc", "--quote", "500", "--stop-loss", "5", "--yes").exit_code == 0
    assert run("sell", "btc", "--percent", "50", "--yes").exit_code == 0
    assert run("halt", "--reason", "lunch").exit_code == 0
    assert run("resume", "--yes").exit_code == 0
    seen = {"audit": [(r["actor"], r["action"], r["reason"]) for r in _json("audit")],
            "balance": _json("balance"), "positions": _json("positions"),
            "orders": _json("orders")}
    monkeypatch.delenv("VOLEX_DATABASE_URL")
    return {"path": str(tmp_path / "old.db"), **seen}


def test_the_readme_sequence_moves_everything(sqlite_history: dict, pg_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_DATABASE_URL", pg_url)
    assert run("db", "upgrade").exit_code == 0
    assert run("positions").exit_code == 0           # a first look creates a fresh ledger
    moved = run("db", "migrate-from", sqlite_history["path"])
    assert moved.exit_code == 0, moved.output
    assert _sorted(_json("balance")) == _sorted(sqlite_history["balance"])
    assert _sorted(_json("positions")) == _sorted(sqlite_history["positions"])
    assert _sorted(_json("orders")) == _sorted(sqlite_history["orders"])
    audit = [(r["actor"], r["action"], r["reason"]) for r in _json("audit")]
    for row in sqlite_history["audit"]:
        assert audit.count(row) == sqlite_history["audit"].count(row), row
    assert [a for _, a, _ in audit].count("db.upgrade") == 1
    again = run("db", "migrate-from", sqlite_history["path"], "--merge")
    assert again.exit_code == 0, again.output
    audit_again = [(r["actor"], r["action"], r["reason"]) for r in _json("audit")]
    assert len(audit_again) == len(audit) + 1                # only the merge's own record
    assert _sorted(_json("balance")) == _sorted(sqlite_history["balance"])


def test_merge_never_mixes_two_ledgers_that_both_traded(sqlite_history: dict, pg_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_DATABASE_URL", pg_url)
    assert run("buy", "eth", "--quote", "200", "--yes").exit_code == 0
    before = _json("balance")
    refused = run("db", "migrate-from", sqlite_history["path"], "--merge")
    assert "merging two ledgers" in one_line_error(refused, 2)
    assert _json("balance") == before


def test_merge_keeps_every_audit_row_whose_id_collides(sqlite_history: dict, pg_url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_DATABASE_URL", pg_url)
    assert run("halt", "--reason", "their own halt").exit_code == 0
    assert run("resume", "--yes").exit_code == 0
    mine = len(_json("audit"))
    merged = run("db", "migrate-from", sqlite_history["path"], "--merge")
    assert merged.exit_code == 0, merged.output
    reasons = [r["reason"] for r in _json("audit")]
    assert "their own halt" in reasons and "lunch" in reasons
    assert len(reasons) == mine + len(sqlite_history["audit"]) + 1
