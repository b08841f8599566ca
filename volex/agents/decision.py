"""The decision rules: technical verdict + calibrated model + LLM check -> one Decision.

Pure functions over typed facts, so every rule is testable without a model or a database.

The rules, in order:

1. Only a *trusted* model can propose a trade. A model is trusted when it beats every naive
   baseline out of sample (log loss), has at least ``MIN_TRACK_CALLS`` past out-of-sample
   calls at the current confidence, and those calls were right at least as often as the
   best baseline. Anything else holds, saying why (the technical leaning is reported).
2. A trusted model's confidence is the lower of its calibrated probability and its hit
   rate at that confidence. The technical verdict can only lower it: agreement keeps it,
   a neutral verdict takes 10% off, an opposing one 25%.
3. The LLM (or the local stand-in) can lower the confidence or veto; never raise it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from volex.domain.signals import (
    Action,
    Components,
    ComponentView,
    LLMReview,
    MarketFacts,
    ModelFacts,
    TechnicalFacts,
)

if TYPE_CHECKING:
    from volex.domain.analysis import Indicators, Verdict
    from volex.ml.reports import ModelMetadata, ModelOutlook

__all__ = ["MIN_TRACK_CALLS", "TECHNICAL_FACTOR", "apply_review", "components", "market_facts",
           "model_facts", "propose", "technical_facts"]

MIN_TRACK_CALLS = 30
# How much of the model's confidence survives the technical verdict's opinion of its call.
TECHNICAL_FACTOR = {"agree": 1.0, "neutral": 0.9, "oppose": 0.75}
_SIDE = {"up": "buy", "down": "sell", "flat": "hold"}


def market_facts(indicators: Indicators, close: float,
                 change_pct_24h: float | None = None) -> MarketFacts:
    """Price and the indicator values the conflict rules and the LLM look at."""
    ind = indicators
    return MarketFacts(
        last_close=close, change_pct_24h=change_pct_24h, rsi_14=ind.rsi_14,
        macd_hist=ind.macd.hist, bb_upper=ind.bbands.upper, bb_lower=ind.bbands.lower,
        stoch_k=ind.stoch.k, ema_50=ind.ema_50, ema_200=ind.ema_200, adx_14=ind.adx_14,
        atr_pct=ind.atr_14 / close if ind.atr_14 is not None and close else None)


def technical_facts(verdict: Verdict) -> TechnicalFacts:
    return TechnicalFacts(action=verdict.action, score=verdict.score, reasons=verdict.reasons)


def model_facts(outlook: ModelOutlook, metadata: ModelMetadata) -> ModelFacts:
    """The model's outlook with its honest track record and whether it may drive a trade."""
    report = metadata.evaluation
    beats = report.beats_baselines()
    best_baseline = max((b.accuracy for b in report.baselines.values()), default=None)
    band = outlook.track_record
    calls = band.calls if band else 0
    hit_rate = band.hit_rate if band and band.calls else None
    notes: list[str] = []
    if not beats:
        notes.append("the model does not beat its naive baselines out of sample")
    if calls < MIN_TRACK_CALLS:
        notes.append(f"only {calls} past out-of-sample calls at {outlook.confidence:.0%} "
                     f"confidence (need {MIN_TRACK_CALLS})")
    elif hit_rate is not None and best_baseline is not None and hit_rate < best_baseline:
        notes.append(f"calls at this confidence were right {hit_rate:.0%} of the time, "
                     f"below the best baseline's {best_baseline:.0%}")
    return ModelFacts(
        kind=metadata.kind, horizon=outlook.horizon, p_up=round(outlook.p_up, 4),
        p_down=round(outlook.p_down, 4), p_flat=round(outlook.p_flat, 4),
        predicted=outlook.predicted, confidence=round(outlook.confidence, 4),
        track_record=band.describe() if band and band.calls else None, track_calls=calls,
        track_hit_rate=round(hit_rate, 4) if hit_rate is not None else None,
        best_baseline_accuracy=round(best_baseline, 4) if best_baseline is not None else None,
        beats_baselines=beats, trusted=not notes, trained_at=metadata.created_at,
        last_trained_bar=metadata.last_bar,
        bars_since_training=outlook.bars_since_training,
        notes=notes)


def _model_confidence(model: ModelFacts) -> float:
    if model.track_hit_rate is None or math.isnan(model.track_hit_rate):
        return model.confidence
    return min(model.confidence, model.track_hit_rate)


def _technical_stance(action: Action, technical: TechnicalFacts) -> str:
    if technical.action == "hold":
        return "neutral"
    return "agree" if technical.action == action else "oppose"


def propose(technical: TechnicalFacts, model: ModelFacts | None,
            model_missing: str | None = None) -> tuple[Action, float, list[str]]:
    """The action and confidence before the LLM check, with the reasons, strongest first."""
    leaning = f"technical verdict alone: {technical.action} (score {technical.score:+.2f})"
    if model is None:
        return "hold", 0.0, [f"no model outlook: {model_missing or 'no model'}", leaning]
    if not model.trusted:
        return "hold", 0.0, [f"the model cannot drive a trade: {model.notes[0]}", leaning]
    action: Action = _SIDE[model.predicted]  # type: ignore[assignment]
    confidence = _model_confidence(model)
    summary = (f"model: {model.predicted} over {model.horizon} bars at {model.confidence:.0%}"
               + (f"; right {model.track_hit_rate:.0%} of {model.track_calls} past calls at "
                  "this confidence" if model.track_hit_rate is not None else ""))
    if action == "hold":
        return "hold", round(confidence, 4), [summary]
    stance = _technical_stance(action, technical)
    confidence *= TECHNICAL_FACTOR[stance]
    reasons = [summary]
    if stance == "agree":
        reasons.append(f"technical verdict agrees ({technical.action}, {technical.score:+.2f})")
    elif stance == "oppose":
        reasons.append(f"technical verdict opposes ({technical.action}, "
                       f"{technical.score:+.2f}): confidence cut by 25%")
    else:
        reasons.append("technical verdict is neutral: confidence cut by 10%")
    return action, round(confidence, 4), reasons


def apply_review(action: Action, confidence: float,
                 review: LLMReview | None) -> tuple[Action, float, bool, list[str]]:
    """The LLM can veto a trade or lower its confidence; it never raises it."""
    if review is None or action == "hold":
        return action, confidence, False, []
    who = "LLM" if review.provider != "local" else "local check"
    if review.verdict == "veto":
        first = review.reasons[0] if review.reasons else "conflicting signals"
        return "hold", 0.0, True, [f"{who} vetoed the {action}: {first}"]
    if review.verdict == "no_opinion":
        return action, confidence, False, [f"{who}: no opinion ({review.error or 'no answer'})"]
    if review.confidence is not None and review.confidence < confidence:
        return action, round(review.confidence, 4), False, [
            f"{who} agrees but lowers confidence to {review.confidence:.0%}"]
    return action, confidence, False, [f"{who} agrees"]


def components(technical: TechnicalFacts, model: ModelFacts | None, model_missing: str | None,
               review: LLMReview | None) -> Components:
    """Each component's own view, for display and storage."""
    tech = ComponentView(view=technical.action, confidence=round(min(1.0, abs(technical.score)), 4),
                         reasons=technical.reasons)
    if model is None:
        model_view = ComponentView(view="unavailable", reasons=[model_missing or "no model"])
    else:
        model_view = ComponentView(view=_SIDE[model.predicted], confidence=model.confidence,
                                   reasons=([model.track_record] if model.track_record else [])
                                   + model.notes)
    if review is None:
        llm = ComponentView(view="unavailable", reasons=["not consulted"])
    else:
        llm = ComponentView(view=review.verdict, confidence=review.confidence,
                            reasons=review.reasons + review.risk_notes
                            + ([review.error] if review.error else []))
    return Components(technical=tech, model=model_view, llm=llm)
