"""`POST /v1/ask`: plain English over HTTP, with `volex ask`'s confirmation rule and roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.test_serve_auth import App
from volex import Volex


@pytest.fixture
def app() -> Iterator[App]:
    with Volex(offline=True) as volex:
        yield App(volex)


def _ask(app: App, role: str, text: str, confirm: bool = False):
    return app.call("POST", "/v1/ask", role, json={"text": text, "confirm": confirm})


def test_a_viewer_asks_for_analysis_and_gets_what_the_cli_computes(app: App) -> None:
    answer = _ask(app, "viewer", "analyze btc on the daily chart")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["steps"] == ["volex analyze BTC/USDT --timeframe 1d"]
    [step] = body["results"]
    assert step["result"][0] == app.volex.analyze("BTC/USDT", "1d").model_dump(mode="json")


def test_a_trade_needs_a_trader_and_an_explicit_confirm(app: App) -> None:
    refused = _ask(app, "viewer", "buy $100 of btc")
    assert refused.status_code == 403 and "trade needs a trader token" in refused.json()["message"]
    planned = _ask(app, "trader", "buy $100 of btc")
    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert body["confirmed"] is False and "confirm" in body["message"]
    assert body["results"][0]["plan"]["request"]["symbol"] == "BTC/USDT"
    assert not app.volex.positions(), "an unconfirmed trade was sent"
    done = _ask(app, "trader", "buy $100 of btc", confirm=True)
    assert done.status_code == 200 and done.json()["confirmed"] is True, done.text
    assert [p.symbol for p in app.volex.positions()] == ["BTC/USDT"]
    assert any(r.actor == "trader-bob" for r in app.volex.audit())


def test_halt_runs_at_once_and_a_risk_change_needs_an_admin(app: App) -> None:
    halted = _ask(app, "trader", "halt")
    assert halted.status_code == 200 and app.volex.halt_state().active
    assert app.volex.halt_state().actor == "trader-bob"
    limit = "set max daily loss to 3%"
    assert _ask(app, "trader", limit, confirm=True).status_code == 403
    assert _ask(app, "admin", limit).json()["confirmed"] is False
    assert app.volex.risk_limits().max_daily_loss_pct != 3
    assert _ask(app, "admin", limit, confirm=True).status_code == 200
    assert app.volex.risk_limits().max_daily_loss_pct == 3


def test_what_is_not_understood_is_a_one_line_400(app: App) -> None:
    answer = _ask(app, "viewer", "make me a sandwich")
    assert answer.status_code == 400
    assert "\n" not in answer.json()["message"]
    assert _ask(app, "viewer", "").status_code == 422
