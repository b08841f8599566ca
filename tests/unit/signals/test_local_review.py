"""The local stand-in: commentary from the facts, and the conflict rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from volex.agents.decision import apply_review
from volex.agents.llm_review import local_review
from volex.domain.signals import DecisionInputs, MarketFacts, ModelFacts, TechnicalFacts


def _inputs(action: str = "buy", confidence: float = 0.7, **market: float) -> DecisionInputs:
    facts = {"last_close": 100.0, "rsi_14": 55.0, "bb_upper": 110.0, "bb_lower": 90.0,
             "ema_200": 80.0, "atr_pct": 0.02}
    facts.update(market)
    model = ModelFacts(kind="random_forest", horizon=12, p_up=0.7, p_down=0.2, p_flat=0.1,
                       predicted="up" if action == "buy" else "down", confidence=0.7,
                       track_record="when the model said 70%-80%, it was right 72% of the time "
                                    "over 90 calls", track_calls=90, track_hit_rate=0.72,
                       beats_baselines=True, trusted=True)
    return DecisionInputs(symbol="BTC/USDT", timeframe="1d", as_of=datetime(2025, 8, 25, tzinfo=UTC),
                          market=MarketFacts(**facts),
                          technical=TechnicalFacts(action="hold", score=0.1, reasons=["mixed"]),
                          model=model, proposed_action=action, proposed_confidence=confidence)


def test_buying_into_rsi_above_80_with_price_above_the_upper_band_is_vetoed() -> None:
    review = local_review(_inputs("buy", rsi_14=84.0, last_close=115.0))
    assert review.verdict == "veto"
    assert "RSI 84" in review.reasons[0] and "upper Bollinger band" in review.reasons[0]
    action, confidence, vetoed, reasons = apply_review("buy", 0.7, review)
    assert (action, confidence, vetoed) == ("hold", 0.0, True)
    assert "vetoed the buy" in reasons[0]


def test_selling_into_rsi_below_20_under_the_lower_band_is_vetoed() -> None:
    review = local_review(_inputs("sell", rsi_14=15.0, last_close=85.0, ema_200=120.0))
    assert review.verdict == "veto" and "RSI 15" in review.reasons[0]


@pytest.mark.parametrize("market", [{"rsi_14": 84.0}, {"last_close": 112.0}])
def test_one_stretch_alone_lowers_confidence_without_a_veto(market: dict) -> None:
    review = local_review(_inputs("buy", 0.7, **market))
    assert review.verdict == "agree"
    assert review.confidence == pytest.approx(0.7 * 0.8)


def test_trading_against_the_long_term_trend_lowers_confidence() -> None:
    review = local_review(_inputs("buy", 0.7, ema_200=105.0))
    assert review.verdict == "agree" and review.confidence == pytest.approx(0.63)
    assert "against the 200-bar average" in review.reasons[0]


def test_a_clean_buy_is_agreed_and_the_commentary_states_the_facts() -> None:
    review = local_review(_inputs("buy", 0.7, atr_pct=0.12))
    assert review.verdict == "agree" and review.confidence is None
    assert review.provider == "local" and review.usage.total_tokens == 0
    assert "volatile" in review.risk_notes[0]
    for fact in ("BTC/USDT 1d closed at 100", "up 70%", "right 72% of the time",
                 "buy at 70% confidence", "no conflict found"):
        assert fact in review.commentary
