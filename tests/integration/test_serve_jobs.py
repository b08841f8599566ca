"""Strategies, backtests, searches and health over HTTP, each with its role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.test_serve_auth import App
from volex import Volex


@pytest.fixture
def app() -> Iterator[App]:
    with Volex(offline=True) as volex:
        yield App(volex)


def test_a_served_backtest_is_the_local_one_and_marks_the_strategy(app: App) -> None:
    body = {"strategy": "ema_cross", "symbols": ["BTC/USDT"], "timeframe": "1d"}
    answer = app.call("POST", "/v1/backtest/run", "trader", json=body)
    assert answer.status_code == 200, answer.text
    here = [r.to_dict() for r in app.volex.backtest("ema_cross", ["BTC/USDT"], timeframe="1d")]
    assert answer.json() == here
    listed = app.call("GET", "/v1/strategy/list", "viewer").json()
    assert {s["name"]: s["state"] for s in listed}["ema_cross"] == "backtested"


def test_saving_a_search_and_moving_a_strategy_need_an_admin(app: App) -> None:
    search = {"strategy": "sma_cross", "symbol": "BTC/USDT", "timeframe": "1d",
              "params": {"fast": 10}, "save": True}
    refused = app.call("POST", "/v1/optimize/run", "trader", json=search)
    assert refused.status_code == 403 and "admin" in refused.json()["message"]
    saved = app.call("POST", "/v1/optimize/run", "admin", json=search)
    assert saved.status_code == 200, saved.text
    assert saved.json()["saved_params"]["fast"] == 10
    assert any(r.actor == "admin-bob" and r.action == "strategy.params"
               for r in app.volex.audit())
    assert app.call("PUT", "/v1/strategy/sma_cross/state", "trader",
                    json={"state": "paper"}).status_code == 403
    early = app.call("PUT", "/v1/strategy/sma_cross/state", "admin", json={"state": "paper"})
    assert early.status_code == 400 and "run `volex backtest` first" in early.json()["message"]
    moved = app.call("PUT", "/v1/strategy/sma_cross/state", "admin",
                     json={"state": "backtested"})
    assert moved.status_code == 200, moved.text
    assert any(r.actor == "admin-bob" and r.action == "strategy.state"
               for r in app.volex.audit())


def test_the_doctor_answers_a_viewer(app: App) -> None:
    answer = app.call("GET", "/v1/monitor/doctor", "viewer")
    assert answer.status_code == 200
    assert {h["component"] for h in answer.json()} >= {"store", "event bus"}
