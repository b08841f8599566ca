"""Signals and decisions: what the signal agent concludes, typed and JSON-ready.

A ``Decision`` combines three components (the technical verdict, the calibrated model and
the LLM check) into one action with a confidence. It carries the ``DecisionInputs`` it was
made from (the same structured summary the LLM reads), so that its outcome can be scored
once ``horizon`` bars have closed. A ``Signal`` is the one-line form shown in tables and
published on the bus.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from volex.domain.news import SentimentFacts

__all__ = [
    "Action",
    "ComponentView",
    "Components",
    "Decision",
    "DecisionInputs",
    "LLMReview",
    "MarketFacts",
    "ModelFacts",
    "Signal",
    "SignalBoard",
    "SignalOutcomes",
    "TechnicalFacts",
    "TokenUsage",
]

Action = Literal["buy", "sell", "hold"]


class TokenUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class MarketFacts(BaseModel):
    """Price and the indicator values the conflict rules and the LLM look at."""

    last_close: float
    change_pct_24h: float | None = None
    rsi_14: float | None = None
    macd_hist: float | None = None
    bb_upper: float | None = None
    bb_lower: float | None = None
    stoch_k: float | None = None
    ema_50: float | None = None
    ema_200: float | None = None
    adx_14: float | None = None
    atr_pct: float | None = None  # ATR 14 as a fraction of the price


class TechnicalFacts(BaseModel):
    action: Action
    score: float
    reasons: list[str] = []


class ModelFacts(BaseModel):
    """The calibrated model's outlook and how far its calls can be trusted."""

    kind: str
    horizon: int
    p_up: float
    p_down: float
    p_flat: float
    predicted: Literal["up", "down", "flat"]
    confidence: float  # calibrated probability of the predicted class
    track_record: str | None = None  # e.g. "when the model said 60%-70%, it was right 64% ..."
    track_calls: int = 0
    track_hit_rate: float | None = None  # out-of-sample hit rate at this confidence
    best_baseline_accuracy: float | None = None
    beats_baselines: bool = False
    trusted: bool = False  # may this model drive a trade?
    trained_at: datetime | None = None
    last_trained_bar: datetime | None = None
    bars_since_training: int = 0
    notes: list[str] = []


class DecisionInputs(BaseModel):
    """Everything a decision was made from: the structured summary the LLM reviews."""

    symbol: str
    timeframe: str
    as_of: datetime  # open time of the last closed bar
    market: MarketFacts
    technical: TechnicalFacts
    model: ModelFacts | None = None
    model_missing: str | None = None  # why there is no model outlook
    proposed_action: Action = "hold"  # before the LLM check
    proposed_confidence: float = 0.0
    sentiment: SentimentFacts | None = None  # stored news seen by the bar's close

    def digest(self) -> str:
        """A short, stable fingerprint of these inputs (same inputs, same digest)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


class LLMReview(BaseModel):
    """The LLM's check of a proposed decision, or the local stand-in's.

    ``verdict`` is agree or veto; ``no_opinion`` when the reviewer timed out, failed or
    answered badly (``error`` says which). ``confidence`` is the most the reviewer would
    grant: it can only lower the decision's confidence, never raise it.
    """

    verdict: Literal["agree", "veto", "no_opinion"]
    confidence: float | None = Field(None, ge=0, le=1)
    commentary: str = ""
    reasons: list[str] = []
    risk_notes: list[str] = []
    provider: str = "local"  # "local" or "openai"
    model: str | None = None
    usage: TokenUsage = TokenUsage()
    latency_ms: float = 0.0
    error: str | None = None


class ComponentView(BaseModel):
    """One component's own view: buy/sell/hold (technical, model), agree/veto/no_opinion (llm),
    or unavailable."""

    view: str
    confidence: float | None = None
    reasons: list[str] = []


class Components(BaseModel):
    technical: ComponentView
    model: ComponentView
    llm: ComponentView


class Decision(BaseModel):
    """The signal agent's call for one market at one bar."""

    id: str
    symbol: str
    timeframe: str
    as_of: datetime
    decided_at: datetime
    action: Action
    confidence: float = Field(ge=0, le=1)
    vetoed: bool = False
    reasons: list[str]
    components: Components
    review: LLMReview | None = None
    inputs: DecisionInputs
    inputs_digest: str

    def actionable(self, min_confidence: float) -> bool:
        """True when this decision may place a trade at ``min_confidence``."""
        return self.action != "hold" and not self.vetoed and self.confidence >= min_confidence

    def why_hold(self, min_confidence: float) -> str:
        """One line saying why no trade follows from this decision."""
        if self.vetoed:
            return f"vetoed by the {self.review.provider if self.review else 'LLM'} check: " + (
                "; ".join(self.review.reasons[:2]) if self.review and self.review.reasons
                else "conflicting signals")
        if self.action == "hold":
            return self.reasons[0] if self.reasons else "no clear signal"
        return (f"{self.action} at {self.confidence:.0%} confidence is below the "
                f"{min_confidence:.0%} threshold")

    def brief(self) -> str:
        """A few words saying why: for tables and one-line messages."""
        model = self.inputs.model
        if self.vetoed and self.review is not None:
            return "vetoed: " + (self.review.reasons[0] if self.review.reasons else "conflict")
        if model is None:
            missing = self.inputs.model_missing or ""
            if missing.startswith("no model"):
                return "no model yet (volex model train)"
            return "no model outlook: " + missing.removeprefix(f"{self.symbol} {self.timeframe}: ")
        if not model.trusted:
            why = ("loses to naive baselines" if not model.beats_baselines
                   else "too few past calls" if model.track_hit_rate is None
                   or model.track_calls < 30 else "weak track record")
            return f"model not trusted: {why}"
        tech = self.inputs.technical.action
        stance = ("tech neutral" if tech == "hold" else "tech agrees"
                  if {"up": "buy", "down": "sell"}.get(model.predicted) == tech else "tech opposes")
        return f"model {model.predicted} {model.confidence:.0%}, {stance}"

    def to_signal(self) -> Signal:
        model = self.inputs.model
        return Signal(
            symbol=self.symbol, timeframe=self.timeframe, as_of=self.as_of,
            action=self.action, confidence=self.confidence, vetoed=self.vetoed,
            last_close=self.inputs.market.last_close,
            technical=self.inputs.technical.action, technical_score=self.inputs.technical.score,
            p_up=model.p_up if model else None, p_down=model.p_down if model else None,
            p_flat=model.p_flat if model else None,
            model_trusted=model.trusted if model else None,
            reason=self.brief(), decision_id=self.id)


class Signal(BaseModel):
    """One row of `volex signals`: the current call for a market, in brief."""

    symbol: str
    timeframe: str
    as_of: datetime
    action: Action
    confidence: float
    vetoed: bool = False
    last_close: float
    technical: Action
    technical_score: float
    p_up: float | None = None
    p_down: float | None = None
    p_flat: float | None = None
    model_trusted: bool | None = None
    reason: str = ""
    decision_id: str


class SignalBoard(BaseModel):
    """Decisions for a list of markets, and why some markets have none."""

    timeframe: str
    decisions: list[Decision]
    problems: dict[str, str] = {}  # symbol -> why there is no signal (e.g. no data)

    def signals(self) -> list[Signal]:
        return [d.to_signal() for d in self.decisions]


class SignalOutcomes(BaseModel):
    """How a market's stored decisions turned out once their horizon had passed."""

    symbol: str
    timeframe: str
    decisions: int
    scored: int
    calls: int  # scored buy and sell decisions
    right: int  # calls the price then agreed with
    mean_return_pct: float | None = None  # mean move in the call's direction over the horizon

    @property
    def hit_rate(self) -> float | None:
        return self.right / self.calls if self.calls else None
