"""What a served agent refuses at the edge: implausible candles, odd symbols, huge bodies.

Each refusal is a 4xx with a one-line reason, never a 500, and nothing is decided on,
trained on or stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from volex import Volex

DAY = 86_400_000
START = 1_700_000_000_000


def _rows(n: int = 60) -> list[list[float]]:
    return [[START + i * DAY, 100.0 + i, 102.0 + i, 99.0 + i, 101.0 + i, 10.0] for i in range(n)]


def _candles(rows: object, **overrides: object) -> dict[str, object]:
    return {"symbol": "BTC/USDT", "timeframe": "1d", "source": {"kind": "file", "name": "probe"},
            "rows": rows, **overrides}


def _with(index: int, column: int, value: object) -> list[list[object]]:
    rows: list[list[object]] = [list(r) for r in _rows()]
    rows[index][column] = value
    return rows


BAD_CANDLES = {
    "NaN close": (_with(5, 4, "NaN"), "finite number"),
    "Inf high": (_with(5, 2, "Infinity"), "finite number"),
    "negative price": (_with(5, 1, -1.0), "greater than 0"),
    "low above high": (_with(5, 3, 500.0), "low 500.0 is above high"),
    "reversed time": (_rows()[::-1], "timestamps must increase"),
    "repeated bar": (_rows()[:3] + _rows()[2:], "timestamps must increase"),
    "1970": ([[i * DAY, 1.0, 2.0, 0.5, 1.5, 1.0] for i in range(60)], "greater than or equal"),
    "seconds not ms": ([[START // 1000 + i * 86400, 1.0, 2.0, 0.5, 1.5, 1.0] for i in range(60)],
                       "greater than or equal"),
    "future": ([[START + 10**13 + i * DAY, 1.0, 2.0, 0.5, 1.5, 1.0] for i in range(60)],
               "in the future"),
    "short row": ([[START, 1.0, 2.0, 0.5, 1.5]], "rows.0"),
    "long row": ([[START, 1.0, 2.0, 0.5, 1.5, 1.0, 9.0]], "rows.0"),
    "text row": (["not a row"], "rows.0"),
    "empty rows": ([], "at least 1"),
    "fractional stamp": (_with(0, 0, START + 0.5), "rows.0.0"),
}


class Edge:
    def __init__(self, volex: Volex) -> None:
        from volex.agents.server import create_app

        self.volex = volex
        self.client = TestClient(create_app(volex))
        self.headers = {"Authorization": f"Bearer {volex.create_token('probe', 'admin')[0]}",
                        "Content-Type": "application/json"}

    def post(self, path: str, body: object) -> object:
        raw = json.dumps(body) if not isinstance(body, bytes) else body
        return self.client.post(path, content=raw, headers=self.headers)

    def nothing_stored(self) -> None:
        assert self.volex.runtime.signal.repo.history() == [], "a refused request was stored"
        models = self.volex.settings.home / "models"
        assert not models.exists() or not any(models.rglob("*")), "a refused request trained"


@pytest.fixture
def edge() -> Iterator[Edge]:
    with Volex(offline=True) as volex:
        yield Edge(volex)


def _refused(answer, expected: str, status: int = 422) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] in {"UserInputError", "UnknownSymbol", "UnknownTimeframe"}
    assert "\n" not in body["message"] and expected in body["message"], body["message"]


@pytest.mark.parametrize("case", sorted(BAD_CANDLES))
def test_implausible_candles_are_refused_and_nothing_is_stored(edge: Edge, case: str) -> None:
    rows, expected = BAD_CANDLES[case]
    for path, body in [("/v1/signal/decide", {"candles": _candles(rows), "train": True}),
                       ("/v1/signal/decide_batch", {"batch": [_candles(_rows()), _candles(rows)]}),
                       ("/v1/signal/score", {"candles": _candles(rows)})]:
        _refused(edge.post(path, body), expected)
    edge.nothing_stored()


@pytest.mark.parametrize("body,expected", [
    ({"train": True}, "candles: Field required"),
    ({"candles": {"symbol": "BTC/USDT", "timeframe": "1d", "rows": _rows()}}, "source"),
    ({"candles": _candles(_rows(), timeframe="7x")}, "unknown timeframe"),
    ({"candles": _candles(_rows(), extra="field")}, "extra"),
    ([1, 2, 3], "valid dictionary"),
    (b"{not json", "JSON decode error"),
    (b"", "body: Field required"),
])
def test_malformed_requests_get_a_4xx_never_a_500(edge: Edge, body: object, expected: str) -> None:
    answer = edge.post("/v1/signal/decide", body)
    assert 400 <= answer.status_code < 500, answer.text
    assert expected in answer.json()["message"] and "\n" not in answer.json()["message"]
    edge.nothing_stored()


@pytest.mark.parametrize("symbol", ["..", "../../etc/passwd", "BTC/../..", "", "A" * 200, "BTC\x00"])
def test_symbols_that_are_not_symbols_are_refused(edge: Edge, symbol: str) -> None:
    _refused(edge.post("/v1/signal/decide", {"candles": _candles(_rows(), symbol=symbol)}), "symbol")
    _refused(edge.post("/v1/research/analyze", {"symbol": symbol, "timeframe": "1d",
                                                "exchange": "binance"}), "symbol")
    answer = edge.client.get("/v1/signal/has_model", params={"symbol": symbol, "timeframe": "1d"},
                             headers=edge.headers)
    assert answer.status_code in (400, 422), answer.text
    edge.nothing_stored()
    assert not any(p.name.startswith(".") for p in edge.volex.settings.home.rglob("*"))


def test_a_ten_megabyte_body_is_refused_before_it_is_parsed(edge: Edge) -> None:
    rows = [[START + i * 60_000, 1.0, 2.0, 0.5, 1.5, 1.0] for i in range(300_000)]
    body = json.dumps({"candles": _candles(rows, timeframe="1m")}).encode()
    assert len(body) > 10_000_000
    answer = edge.post("/v1/signal/decide", body)
    _refused(answer, "over 8 MB", status=413)
    edge.nothing_stored()


def test_plausible_candles_still_get_a_decision(edge: Edge) -> None:
    answer = edge.post("/v1/signal/decide", {"candles": _candles(_rows(300)), "review": False})
    assert answer.status_code == 200, answer.text
    assert answer.json()["symbol"] == "BTC/USDT"
