"""The LLM check of a proposed decision, and the local stand-in that does it offline.

The reviewer gets the structured summary (``DecisionInputs`` as JSON) and answers in the
``ReviewAnswer`` schema: agree or veto, reasons, risk notes, and optionally a lower
confidence. Its answer is clamped so that it can never raise the confidence it was shown.
A timeout, an error or a malformed answer is "no opinion", returned within the timeout.

Without a configured LLM (the ``local`` provider) a deterministic stand-in writes the
commentary from the same facts and applies conflict rules: buying into RSI > 80 with the
price above the upper Bollinger band (or selling into RSI < 20 below the lower band) is
vetoed; milder stretches, trading against the 200-bar average and high volatility lower
the confidence and add risk notes.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from volex.domain.signals import DecisionInputs, LLMReview, TokenUsage
from volex.errors import LLMError

if TYPE_CHECKING:
    from volex.ports import LLM

__all__ = ["SYSTEM_PROMPT", "ReviewAnswer", "Reviewer", "build_prompt", "local_review"]

SYSTEM_PROMPT = """You are the risk reviewer of a crypto trading assistant.
You receive a JSON summary of one market: price, indicators, the technical verdict, a
calibrated model's probabilities with its out-of-sample track record, and the proposed
action with its confidence. Check the proposal for conflicts (for example buying into an
overbought market, trading against the long-term trend, a model with a weak track record).
Answer only with JSON in the given schema:
- "verdict": "agree" or "veto" (veto blocks the trade; use it for real conflicts),
- "confidence": a number no higher than proposed_confidence, or null to keep it,
- "commentary": two or three plain sentences for the trader,
- "reasons": short reasons for your verdict, "risk_notes": risks worth knowing.
You may lower the confidence or veto; you can never raise the confidence."""

# Confidence kept after each soft conflict the local stand-in finds.
STRETCHED_FACTOR = 0.8
AGAINST_TREND_FACTOR = 0.9
VOLATILE_ATR = 0.08
STALE_BARS = 250


class ReviewAnswer(BaseModel):
    """What the LLM must answer (its JSON schema is sent with the request)."""

    verdict: Literal["agree", "veto"]
    confidence: float | None = Field(None, ge=0, le=1)
    commentary: str = ""
    reasons: list[str] = []
    risk_notes: list[str] = []


def build_prompt(inputs: DecisionInputs) -> str:
    """The user message: the structured summary, without identifiers of the decision."""
    return ("Review this proposed decision. Summary (JSON):\n"
            + inputs.model_dump_json(exclude_none=True))


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _commentary(inputs: DecisionInputs, conflicts: list[str]) -> str:
    m, t, model = inputs.market, inputs.technical, inputs.model
    parts = [f"{inputs.symbol} {inputs.timeframe} closed at {m.last_close:,.6g}."]
    parts.append(f"The technical verdict is {t.action} (score {t.score:+.2f})"
                 + (f": {t.reasons[0]}." if t.reasons else "."))
    if model is not None:
        parts.append(f"The model sees up {_pct(model.p_up)}, down {_pct(model.p_down)}, flat "
                     f"{_pct(model.p_flat)} over the next {model.horizon} bars"
                     + (f"; {model.track_record}." if model.track_record else "."))
        if not model.trusted and model.notes:
            parts.append(f"It should not drive a trade: {model.notes[0]}.")
    else:
        parts.append(f"No model outlook ({inputs.model_missing or 'no model'}).")
    if inputs.proposed_action == "hold":
        parts.append("Proposal: hold.")
    else:
        parts.append(f"Proposal: {inputs.proposed_action} at "
                     f"{_pct(inputs.proposed_confidence)} confidence; "
                     + (f"conflicts: {'; '.join(conflicts)}." if conflicts else "no conflict found."))
    return " ".join(parts)


def local_review(inputs: DecisionInputs) -> LLMReview:
    """The deterministic stand-in: commentary from the facts, and the conflict rules."""
    started = time.perf_counter()
    action, m = inputs.proposed_action, inputs.market
    veto: list[str] = []
    soft: list[str] = []
    notes: list[str] = []
    factor = 1.0
    above_band = m.bb_upper is not None and m.last_close > m.bb_upper
    below_band = m.bb_lower is not None and m.last_close < m.bb_lower
    rsi = m.rsi_14
    if action == "buy" and rsi is not None and rsi > 80 and above_band:
        veto.append(f"buying into RSI {rsi:.0f} with the price above the upper Bollinger band: "
                    "a stretched rally")
    elif action == "sell" and rsi is not None and rsi < 20 and below_band:
        veto.append(f"selling into RSI {rsi:.0f} with the price below the lower Bollinger band: "
                    "a stretched fall")
    elif action == "buy" and ((rsi is not None and rsi >= 70) or above_band):
        soft.append("buying into an overbought market" if rsi is not None and rsi >= 70
                    else "buying with the price above the upper band")
        factor *= STRETCHED_FACTOR
    elif action == "sell" and ((rsi is not None and rsi <= 30) or below_band):
        soft.append("selling into an oversold market" if rsi is not None and rsi <= 30
                    else "selling with the price below the lower band")
        factor *= STRETCHED_FACTOR
    if m.ema_200 is not None and ((action == "buy" and m.last_close < m.ema_200)
                                  or (action == "sell" and m.last_close > m.ema_200)):
        soft.append(f"{action}ing against the 200-bar average (long-term trend)")
        factor *= AGAINST_TREND_FACTOR
    if m.atr_pct is not None and m.atr_pct >= VOLATILE_ATR:
        notes.append(f"volatile: a typical bar moves {m.atr_pct:.0%} of the price")
    if inputs.model is not None and inputs.model.bars_since_training >= STALE_BARS:
        notes.append(f"the model was trained {inputs.model.bars_since_training} bars ago")
    conflicts = veto + soft
    confidence = None
    if not veto and factor < 1.0 and action != "hold":
        confidence = round(inputs.proposed_confidence * factor, 4)
    return LLMReview(
        verdict="veto" if veto else "agree", confidence=confidence,
        commentary=_commentary(inputs, conflicts), reasons=conflicts or ["no conflict found"],
        risk_notes=notes, provider="local", model="rules",
        latency_ms=round((time.perf_counter() - started) * 1000, 3))


class Reviewer:
    """Asks the configured LLM to check a proposal; the local stand-in when there is none."""

    def __init__(self, llm: LLM, timeout_s: float = 8.0) -> None:
        self.llm = llm
        self.timeout_s = timeout_s

    @property
    def is_local(self) -> bool:
        return self.llm.name == "local"

    def review(self, inputs: DecisionInputs) -> LLMReview:
        """The reviewer's verdict on ``inputs``; "no opinion" on any failure, within the timeout."""
        started = time.perf_counter()
        answer, usage, error = self._ask(inputs)
        latency = round((time.perf_counter() - started) * 1000, 1)
        if answer is None and self.is_local and error is None:
            return local_review(inputs)
        provider = self.llm.name
        model = getattr(self.llm, "model", None)
        tokens = TokenUsage(prompt_tokens=usage.prompt_tokens,
                            completion_tokens=usage.completion_tokens,
                            total_tokens=usage.total_tokens) if usage else TokenUsage()
        if answer is None:
            return LLMReview(verdict="no_opinion", provider=provider, model=model, usage=tokens,
                             latency_ms=latency, error=error or "the model gave no opinion")
        ceiling = inputs.proposed_confidence
        confidence = answer.confidence
        if confidence is not None and confidence > ceiling:
            confidence = None  # an LLM can only lower confidence: a higher figure is ignored
        return LLMReview(verdict=answer.verdict, confidence=confidence,
                         commentary=answer.commentary, reasons=answer.reasons,
                         risk_notes=answer.risk_notes, provider=provider, model=model,
                         usage=tokens, latency_ms=latency)

    def _ask(self, inputs: DecisionInputs) -> tuple[ReviewAnswer | None, object, str | None]:
        """Call the LLM on a daemon thread so that a hung server can never hold us past
        the timeout (the client's own timeout bounds each read, not the whole answer)."""
        if self.is_local:  # in-process and deterministic: no thread needed
            answer, usage = self.llm.complete_json(SYSTEM_PROMPT, build_prompt(inputs),
                                                   ReviewAnswer)
            return answer, usage, None
        box: dict[str, object] = {}

        def call() -> None:
            try:
                box["result"] = self.llm.complete_json(SYSTEM_PROMPT, build_prompt(inputs),
                                                       ReviewAnswer)
            except LLMError as exc:
                box["error"] = str(exc)
            except Exception as exc:  # noqa: BLE001 (any failure of the LLM call is no opinion)
                box["error"] = f"{type(exc).__name__}: {str(exc)[:120]}"

        worker = threading.Thread(target=call, name="volex-llm-review", daemon=True)
        worker.start()
        worker.join(self.timeout_s + 0.25)
        if worker.is_alive():
            return None, None, f"no answer within {self.timeout_s:g}s"
        if "error" in box:
            return None, None, str(box["error"])
        answer, usage = box["result"]  # type: ignore[misc]
        return answer, usage, None
