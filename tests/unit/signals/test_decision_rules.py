"""The decision rules: who may drive a trade, and who may only lower the confidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.signal_models import known_model
from volex.adapters.llm.local import LocalLLM
from volex.agents.decision import apply_review, model_facts, propose
from volex.agents.llm_review import ReviewAnswer, Reviewer
from volex.agents.signal import SignalAgent
from volex.config import load_settings
from volex.domain.signals import LLMReview, ModelFacts, TechnicalFacts
from volex.ml.predict import predict_latest
from volex.ml.registry import ModelRegistry


def _agent(model, llm=None) -> SignalAgent:
    """A signal agent whose registry holds ``model`` (in this test's VOLEX_HOME)."""
    registry = ModelRegistry()
    registry.save(model)
    return SignalAgent(registry, Reviewer(llm or LocalLLM()), None, None, load_settings())


def _facts(**overrides: object) -> ModelFacts:
    values = {"kind": "random_forest", "horizon": 12, "p_up": 0.8, "p_down": 0.1, "p_flat": 0.1,
                  "predicted": "up", "confidence": 0.8, "track_calls": 100, "track_hit_rate": 0.8,
                  "best_baseline_accuracy": 0.5, "beats_baselines": True, "trusted": True}
    values.update(overrides)
    return ModelFacts(**values)


def test_a_model_that_loses_to_its_baselines_cannot_drive_a_trade(base_model, btc_candles) -> None:
    # Very sure of itself and right 95% of the time at this confidence, but worse than
    # always guessing the commonest outcome on log loss: it must not trade.
    model = known_model(base_model, p_down=0.02, p_flat=0.03, p_up=0.95,
                        beats_baselines=False, hit_rate=0.95)
    decision = _agent(model).decide(btc_candles, save=False)
    assert decision.action == "hold"
    assert not decision.actionable(0.0)
    assert "does not beat its naive baselines" in decision.reasons[0]
    assert decision.components.model.view == "buy"  # the model's own view is still shown
    assert decision.inputs.model is not None and not decision.inputs.model.trusted


def test_a_trusted_model_buys_and_the_same_model_untrusted_holds(base_model, btc_candles) -> None:
    trusted = _agent(known_model(base_model)).decide(btc_candles, save=False)
    assert trusted.action == "buy" and trusted.actionable(0.5)
    assert 0 < trusted.confidence <= 0.8
    few_calls = _agent(known_model(base_model, calls=10)).decide(btc_candles, save=False)
    assert few_calls.action == "hold" and "only 10 past out-of-sample calls" in few_calls.reasons[0]


def test_the_track_record_caps_the_calibrated_confidence(base_model, btc_candles) -> None:
    model = known_model(base_model, hit_rate=0.65)
    outlook = predict_latest(model, btc_candles.frame)
    facts = model_facts(outlook, model.metadata)
    assert facts.confidence == pytest.approx(0.8)
    _, confidence, _ = propose(TechnicalFacts(action="buy", score=0.5), facts)
    assert confidence == pytest.approx(0.65)


@pytest.mark.parametrize(("technical", "factor"), [("buy", 1.0), ("hold", 0.9), ("sell", 0.75)])
def test_the_technical_verdict_can_only_lower_the_models_confidence(technical: str,
                                                                    factor: float) -> None:
    action, confidence, _reasons = propose(TechnicalFacts(action=technical, score=0.3), _facts())
    assert action == "buy"
    assert confidence == pytest.approx(0.8 * factor)


reviews = st.builds(
    LLMReview,
    verdict=st.sampled_from(["agree", "veto", "no_opinion"]),
    confidence=st.none() | st.floats(0, 1),
    provider=st.sampled_from(["local", "openai"]),
)


@given(action=st.sampled_from(["buy", "sell", "hold"]), confidence=st.floats(0, 1),
       review=st.none() | reviews)
def test_a_review_never_raises_confidence_and_a_veto_always_holds(action, confidence,
                                                                   review) -> None:
    final, final_confidence, vetoed, _ = apply_review(action, confidence, review)
    assert final_confidence <= confidence
    if review is not None and review.verdict == "veto" and action != "hold":
        assert final == "hold" and vetoed
    else:
        assert final == action and not vetoed


def test_an_llm_answering_a_higher_confidence_is_not_believed(base_model, btc_candles) -> None:
    eager = LocalLLM(lambda *_: ReviewAnswer(verdict="agree", confidence=0.99,
                                             reasons=["looks great"]))
    decision = _agent(known_model(base_model), eager).decide(btc_candles, save=False)
    assert decision.action == "buy"
    assert decision.confidence == decision.inputs.proposed_confidence < 0.99
    cautious = LocalLLM(lambda *_: ReviewAnswer(verdict="agree", confidence=0.3))
    lowered = _agent(known_model(base_model), cautious).decide(btc_candles, save=False)
    assert lowered.action == "buy" and lowered.confidence == pytest.approx(0.3)
    vetoing = LocalLLM(lambda *_: ReviewAnswer(verdict="veto", reasons=["news risk"]))
    vetoed = _agent(known_model(base_model), vetoing).decide(btc_candles, save=False)
    assert vetoed.action == "hold" and vetoed.vetoed and "news risk" in vetoed.reasons[0]
