"""One shape for the trading state in every --json: state in words, then who, when and why.

`risk show --json` once printed the halt flag as ``"trading": {"active": false}`` while trading
was active, so a script read the state backwards.
"""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run

SHAPE = {"state", "actor", "since", "reason"}


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def _json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _shown_everywhere() -> list[dict]:
    return [_json("risk", "show")["trading"], _json("status")["trading"]]


def test_active_trading_reads_active_in_every_command() -> None:
    for shown in _shown_everywhere():
        assert set(shown) == SHAPE and shown["state"] == "ACTIVE" and shown["actor"] is None


def test_a_halt_reads_halted_with_who_when_and_why_everywhere() -> None:
    halted = _json("halt", "--reason", "news")["state"]
    assert set(halted) == SHAPE and halted["state"] == "HALTED" and halted["reason"] == "news"
    for shown in _shown_everywhere():
        assert shown == halted


def test_reduce_only_has_its_own_word_and_resume_goes_back_to_active() -> None:
    assert _json("halt", "--reduce-only")["state"]["state"] == "REDUCE-ONLY"
    assert {s["state"] for s in _shown_everywhere()} == {"REDUCE-ONLY"}
    resumed = _json("resume", "--yes")
    assert set(resumed) == SHAPE and resumed["state"] == "ACTIVE"
    assert {s["state"] for s in _shown_everywhere()} == {"ACTIVE"}


def test_a_trade_plan_carries_the_same_shape() -> None:
    plan = _json("buy", "btc", "--quote", "100", "--dry-run")["plan"]
    assert plan["halt"] == {"state": "ACTIVE", "actor": None, "since": None, "reason": None}
