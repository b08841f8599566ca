"""`volex serve` behind tokens and roles: every route's role, tokens' life, limits, audit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.cli import one_line_error, run
from volex import Volex

# Every route of the served app and the least role that may call it (None: public).
ROLES: dict[tuple[str, str], str | None] = {
    ("GET", "/v1/health"): None,
    ("POST", "/v1/research/analyze"): "viewer",
    ("POST", "/v1/research/candles"): "viewer",
    ("POST", "/v1/research/fetch"): "trader",
    ("GET", "/v1/signal/has_model"): "viewer",
    ("POST", "/v1/signal/decide"): "viewer",
    ("POST", "/v1/signal/decide_batch"): "viewer",
    ("GET", "/v1/signal/pending"): "viewer",
    ("POST", "/v1/signal/score"): "viewer",
    ("GET", "/v1/signal/outcomes"): "viewer",
    ("GET", "/v1/risk/limits"): "viewer",
    ("PUT", "/v1/risk/limits/{name}"): "admin",
    ("GET", "/v1/execution/orders"): "viewer",
    ("GET", "/v1/execution/positions"): "viewer",
    ("GET", "/v1/execution/balances"): "viewer",
    ("POST", "/v1/execution/plan"): "viewer",
    ("POST", "/v1/execution/trade"): "trader",
    ("POST", "/v1/execution/cancel"): "trader",
    ("GET", "/v1/execution/halt"): "viewer",
    ("POST", "/v1/execution/halt"): "trader",
    ("POST", "/v1/execution/resume"): "trader",
    ("GET", "/v1/status"): "viewer",
    ("GET", "/v1/audit"): "viewer",
    ("POST", "/v1/ask"): "viewer",
}
BELOW = {"trader": "viewer", "admin": "trader"}


class App:
    def __init__(self, volex: Volex, **limits: float) -> None:
        from volex.agents.server import create_app

        self.volex = volex
        self.tokens = {role: volex.create_token(f"{role}-bob", role)[0]
                       for role in ("viewer", "trader", "admin")}
        self.client = TestClient(create_app(volex))

    def call(self, method: str, path: str, role: str | None = None, *,
             headers: dict[str, str] | None = None, **kwargs: object):
        auth = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return self.client.request(method, path, headers={**auth, **(headers or {})}, **kwargs)


@pytest.fixture
def app() -> Iterator[App]:
    with Volex(offline=True) as volex:
        yield App(volex)


def test_every_route_has_its_role_and_no_route_lacks_one(app: App) -> None:
    document = app.client.get("/openapi.json")
    assert document.status_code == 200, "the OpenAPI document needs no token"
    served = {(method.upper(), path) for path, item in document.json()["paths"].items()
              for method in item}
    assert served == set(ROLES), f"routes without a rule: {served - set(ROLES)}; " \
                                 f"rules without a route: {set(ROLES) - served}"
    for (method, path), role in ROLES.items():
        url = path.replace("{name}", "max_open_orders")
        if role is None:
            assert app.call(method, url).status_code == 200
            continue
        anonymous = app.call(method, url)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        assert anonymous.json()["error"] == "AccessDenied"
        if role in BELOW:
            weaker = app.call(method, url, BELOW[role])
            assert weaker.status_code == 403, (method, path, weaker.text)
            article = "an" if role == "admin" else "a"
            assert f"needs {article} {role} token" in weaker.json()["message"]
        allowed = app.call(method, url, role)
        assert allowed.status_code not in (401, 403), (method, path, allowed.text)


def test_a_wrong_revoked_or_expired_token_is_refused_at_once(app: App) -> None:
    from sqlalchemy import update

    from volex.adapters.storage.tokens import api_tokens

    assert app.call("GET", "/v1/status", "viewer").status_code == 200
    bad = app.client.get("/v1/status", headers={"Authorization": "Bearer vxt_not-a-token"})
    assert bad.status_code == 401 and "unknown, revoked or expired" in bad.json()["message"]
    assert app.volex.revoke_token("viewer-bob")
    assert app.call("GET", "/v1/status", "viewer").status_code == 401
    with app.volex.runtime.store.db.begin() as conn:
        conn.execute(update(api_tokens).where(api_tokens.c.name == "trader-bob")
                     .values(expires_ts=1))
    assert app.call("GET", "/v1/status", "trader").status_code == 401


def test_the_store_keeps_a_hash_never_the_token(volex_home) -> None:
    created = run("tokens", "create", "laptop", "--role", "trader", "--expires", "30d")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("vxt_") and len(token) > 40
    assert "shown once" in created.stderr
    database = (volex_home / "volex.db").read_bytes() + b"".join(
        p.read_bytes() for p in volex_home.glob("volex.db-*"))
    assert token.encode() not in database
    with sqlite3.connect(volex_home / "volex.db") as conn:
        (name, role, expires), = conn.execute("SELECT name, role, expires_ts FROM api_tokens")
    assert (name, role) == ("laptop", "trader") and expires is not None
    listed = run("tokens", "list", "--json")
    assert token not in listed.stdout
    assert json.loads(listed.stdout)[0]["role"] == "trader"
    assert "a token named 'laptop' exists" in one_line_error(
        run("tokens", "create", "laptop", "--role", "admin"))
    assert "unknown role" in one_line_error(run("tokens", "create", "x", "--role", "root"))
    assert "bad duration" in one_line_error(run("tokens", "create", "x", "--role", "viewer",
                                                "--expires", "soon"))
    assert run("tokens", "revoke", "laptop").exit_code == 0
    assert run("tokens", "revoke", "laptop").exit_code == 1
    audit = [(r.action, r.subject) for r in Volex().audit()]
    assert ("token.create", "laptop") in audit and ("token.revoke", "laptop") in audit


def test_remote_changes_are_audited_with_the_token_name(app: App) -> None:
    halted = app.call("POST", "/v1/execution/halt", "trader", json={"reason": "from phone"})
    assert halted.status_code == 200, halted.text
    state = app.volex.halt_state()
    assert state.active and state.actor == "trader-bob", "the halt was not stored when answered"
    assert app.call("POST", "/v1/execution/resume", "trader", json={}).status_code == 200
    changed = app.call("PUT", "/v1/risk/limits/max_open_orders", "admin",
                       json={"value": "3", "reason": "calmer"})
    assert changed.status_code == 200, changed.text
    actors = [(r.actor, r.action) for r in app.volex.audit()]
    assert ("trader-bob", "halt") in actors and ("trader-bob", "resume") in actors
    assert any(actor == "admin-bob" and action.startswith("risk") for actor, action in actors)


def test_a_trade_is_sent_only_when_confirmed(app: App) -> None:
    order = {"symbol": "BTC/USDT", "side": "buy", "quote": "100"}
    planned = app.call("POST", "/v1/execution/plan", "viewer", json=order)
    assert planned.status_code == 200, planned.text
    before = app.volex.balances()
    plan = {"plan": planned.json()}
    unconfirmed = app.call("POST", "/v1/execution/trade", "trader", json=plan)
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.json()["message"]
    assert app.volex.balances() == before and not app.volex.positions()
    sent = app.call("POST", "/v1/execution/trade", "trader", json={**plan, "confirm": True})
    assert sent.status_code == 200, sent.text
    assert [p.symbol for p in app.volex.positions()] == ["BTC/USDT"]
    assert any(r.actor == "trader-bob" for r in app.volex.audit() if "order" in r.action)


def test_over_the_rate_a_token_gets_429_and_others_carry_on(monkeypatch) -> None:
    monkeypatch.setenv("VOLEX_SERVE__RATE_PER_MINUTE", "3")
    with Volex(offline=True) as volex:
        app = App(volex)
        assert [app.call("GET", "/v1/status", "viewer").status_code for _ in range(3)] == [200] * 3
        over = app.call("GET", "/v1/status", "viewer")
        assert over.status_code == 429 and over.json()["error"] == "RateLimited"
        assert "more than 3 requests a minute" in over.json()["message"]
        assert int(over.headers["Retry-After"]) >= 1
        assert app.call("GET", "/v1/status", "trader").status_code == 200


def test_bodies_over_the_limit_are_refused_unread(app: App) -> None:
    ten_mb = b'{"candles": "' + b"x" * 10_000_000 + b'"}'
    declared = app.call("POST", "/v1/signal/decide", "viewer", content=ten_mb,
                        headers={"Content-Type": "application/json"})
    assert declared.status_code == 413 and "over 8 MB" in declared.json()["message"]
    chunked = app.call("POST", "/v1/signal/decide", "viewer",
                       content=(ten_mb[i:i + 65536] for i in range(0, len(ten_mb), 65536)))
    assert chunked.status_code == 413
    anonymous = app.call("POST", "/v1/signal/decide", content=ten_mb)
    assert anonymous.status_code == 401, "a body was read before the token was checked"
    weaker = app.call("POST", "/v1/execution/halt", "viewer", content=b"{not json",
                      headers={"Content-Type": "application/json"})
    assert weaker.status_code == 403, "a body was parsed before the role was checked"


def test_a_request_over_its_time_gets_408(monkeypatch) -> None:
    import time

    monkeypatch.setenv("VOLEX_SERVE__REQUEST_TIMEOUT_S", "0.3")

    class SlowResearch:
        def analyze(self, *args: object, **kwargs: object) -> None:
            time.sleep(1)

    with Volex(offline=True) as volex:
        app = App(volex)
        volex.runtime.__dict__["research"] = SlowResearch()
        slow = app.call("POST", "/v1/research/analyze", "viewer",
                        json={"symbol": "BTC/USDT", "timeframe": "1d", "exchange": "binance"})
    assert slow.status_code == 408 and "took over 0.3s" in slow.json()["message"]


def test_serve_refuses_other_interfaces_without_tokens() -> None:
    line = one_line_error(run("serve", "--host", "0.0.0.0", "--port", "8199"))
    assert "without tokens" in line and "volex tokens create" in line
    assert "both --tls-cert and --tls-key" in one_line_error(
        run("serve", "--tls-cert", "cert.pem"))
    assert "cannot serve backtest" in one_line_error(run("serve", "--agents", "backtest"))
