"""`volex run --mode signals`: the signal agent's calls at or above min_confidence trade."""

from __future__ import annotations

from pathlib import Path

from tests.support.signal_models import known_model, small_model
from volex import Volex
from volex.ml.registry import ModelRegistry


def test_confident_buy_calls_are_traded_and_holds_are_explained(volex_home: Path) -> None:
    model = known_model(small_model("BTC/USDT", "2h", bars=3000))
    ModelRegistry(volex_home / "models").save(model)
    records = []
    with Volex(offline=True) as app:
        report = app.replay_autopilot(watchlist=["BTC/USDT"], timeframe="2h", mode="signals",
                                      since="2025-06-25", until="2025-07-22",
                                      on_bar=records.append)
    assert report.problems == {}
    actions = [r.action for r in records]
    assert "buy" in actions, [(r.action, r.detail) for r in records]
    first = actions.index("buy")
    buy = records[first]
    assert buy.detail.startswith("closed buy") and buy.order_id
    assert buy.decision["why"].startswith("signal buy at 80%: model up 80%")
    # the journal names the model version that decided (its training time, as history shows)
    assert buy.decision["model"] == model.metadata.created_at.isoformat()
    # the first bars lack the model's warm-up: held, saying why
    assert "too few candles for the model's features" in records[0].detail
    # one position per market: later buy calls are "no change" while it is held
    assert all(a in ("no change", "hold", "sell") for a in actions[first + 1:])
    assert any(r.action == "no change" and r.decision["target"] == "long"
               for r in records[first + 1:])
    assert len(report.results[0].trades) >= 1
