"""schemathesis against the served OpenAPI document, with no token and with each role's.

Bounded examples per route. Every answer: no 5xx (503 only for a venue this machine
cannot reach, which is what it means), no route answering without its role, and no
secret (tokens, API keys) in any answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.integration.test_live_cli import loopback_only  # noqa: F401  (fixture)
from tests.integration.test_serve_auth import ROLES
from volex import Volex

RANK = {None: 0, "viewer": 1, "trader": 2, "admin": 3}
API_KEY = "fuzz-key-5f1c9a7e2d"
TOKENS: dict[str, str] = {}


@pytest.fixture
def served_api(monkeypatch: pytest.MonkeyPatch, loopback_only: None) -> Iterator[object]:  # noqa: F811
    from volex.agents.server import create_app

    monkeypatch.setenv("VOLEX_BINANCE_API_KEY", API_KEY)
    monkeypatch.setenv("VOLEX_BINANCE_SECRET", API_KEY + "-secret")
    with Volex(offline=True, network_timeout_s=0.5) as volex:
        volex.runtime.secrets.get("binance")  # the server has read (and could leak) the keys
        TOKENS.update({role: volex.create_token(f"fuzz-{role}", role)[0]
                       for role in ("viewer", "trader", "admin")})
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(volex))


schema = schemathesis.pytest.from_fixture("served_api")


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_5xx_no_answer_without_the_role_no_secret(case: schemathesis.Case) -> None:
    required = ROLES[(case.operation.method.upper(), case.operation.path)]
    for role in (None, "viewer", "trader", "admin"):
        headers = {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}
        response = case.call(headers=headers)
        where = f"{case.method} {case.path} as {role}: {response.status_code} {response.text[:200]}"
        if response.status_code >= 500:
            assert response.status_code == 503 and response.json()["error"] == "NetworkError", where
        if case.method.upper() != case.operation.method.upper():
            assert response.status_code == 405, where  # a method the route does not take
        elif RANK[role] < RANK[required]:
            assert response.status_code in (401, 403), where
        for secret in (API_KEY, *TOKENS.values()):
            assert secret not in response.text, f"a secret in the answer of {where}"
