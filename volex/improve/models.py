"""The model promotion gate: a retrained candidate replaces the model in use only when it
beats it on bars the current model never saw.

The bars after the current model's last training bar are cut into ``blocks``; for each
block the candidate recipe (same spec, the configured window) is trained on the candles
before the block only, and both it and the current model predict the block. So both are
scored out of sample on the same bars. The candidate wins on lower log loss by a margin,
enough calls at the trading threshold, and a hit rate there no worse than the current's.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:  # numpy and the model core load when a run starts, not with the facade
    import numpy as np
    import pandas as pd

    from volex.config import ImproveSettings
    from volex.ml.predict import TrainedModel
    from volex.ml.reports import ModelSpec

__all__ = ["CallScores", "ModelDecision", "Trainer", "judge_candidate", "score_calls",
           "train_window"]

Trainer = Callable[["pd.DataFrame", str, str, "ModelSpec"], "TrainedModel"]


class CallScores(BaseModel):
    """One model's out-of-sample figures on the held-out blocks."""

    bars: int
    log_loss: float
    calls: int  # up/down calls at or above the trading threshold
    right: int

    @property
    def hit_rate(self) -> float | None:
        return self.right / self.calls if self.calls else None

    def describe(self) -> str:
        hit = f"{self.hit_rate:.1%} of {self.calls}" if self.calls else "no calls"
        return f"log loss {self.log_loss:.4f}, hit rate {hit}"


class ModelDecision(BaseModel):
    """What the gate decided for one market, with the numbers behind it."""

    symbol: str
    timeframe: str
    outcome: Literal["promoted", "kept"]
    reason: str
    threshold: float
    blocks: int = 0
    current: CallScores | None = None
    candidate: CallScores | None = None
    version: int | None = None  # the saved candidate's version, when it was saved

    def numbers(self) -> dict[str, Any]:
        """The audit details."""
        return self.model_dump(mode="json", exclude={"symbol", "timeframe", "outcome",
                                                     "reason"})


def score_calls(proba: np.ndarray, actual: np.ndarray, threshold: float) -> CallScores:
    """Log loss over every bar; hit rate over the up/down calls at or above ``threshold``."""
    from volex.ml.labels import DOWN, UP
    from volex.ml.metrics import log_loss

    top = proba.argmax(axis=1)
    calls = ((top == UP) | (top == DOWN)) & (proba.max(axis=1) >= threshold)
    return CallScores(bars=len(actual), log_loss=round(log_loss(proba, actual), 6),
                      calls=int(calls.sum()), right=int((top[calls] == actual[calls]).sum()))


def train_window(candles: pd.DataFrame, settings: ImproveSettings) -> pd.DataFrame:
    """The candles a candidate learns from: all of them, or the last ``window_bars``."""
    if settings.window == "sliding":
        return candles.tail(settings.window_bars).reset_index(drop=True)
    return candles


def default_trainer(candles: pd.DataFrame, symbol: str, timeframe: str,
                    spec: ModelSpec) -> TrainedModel:
    from volex.ml.training import train_model

    return train_model(candles, symbol, timeframe, spec=spec)


def judge_candidate(current: TrainedModel, candles: pd.DataFrame, settings: ImproveSettings,
                    threshold: float, trainer: Trainer = default_trainer,
                    ) -> tuple[ModelDecision, TrainedModel | None]:
    """Compare a retrained candidate with ``current`` on the bars it never saw.

    Returns the decision and, when the candidate won, the candidate trained on the whole
    window (ready to save); a lost candidate is not trained in full.
    """
    import numpy as np
    import pandas as pd

    from volex.ml.training import prepare_dataset

    meta = current.metadata
    spec = meta.spec
    data = prepare_dataset(candles, meta.timeframe, spec)
    fresh = np.flatnonzero((data.timestamps > pd.Timestamp(meta.last_bar)).to_numpy())
    decision = ModelDecision(symbol=meta.symbol, timeframe=meta.timeframe, outcome="kept",
                             reason="", threshold=threshold)
    if len(fresh) < settings.min_new_bars:
        decision.reason = (f"only {len(fresh)} labelled bars since the model's last training "
                           f"bar; {settings.min_new_bars} needed to judge a candidate")
        return decision, None
    edges = np.linspace(fresh[0], fresh[-1] + 1, settings.blocks + 1).astype(int)
    proba_candidate = []
    for start, end in pairwise(edges):
        before = candles[candles["timestamp"] < data.timestamps.iloc[start]]
        model = trainer(train_window(before.reset_index(drop=True), settings), meta.symbol,
                        meta.timeframe, spec)
        proba_candidate.append(model.proba(data.features[start:end]))
    held = slice(int(fresh[0]), int(edges[-1]))
    actual = data.labels[held].astype(np.int64)
    decision.blocks = settings.blocks
    decision.current = score_calls(current.proba(data.features[held]), actual, threshold)
    decision.candidate = score_calls(np.vstack(proba_candidate), actual, threshold)
    decision.outcome, decision.reason = _verdict(decision.current, decision.candidate, settings)
    if decision.outcome == "kept":
        return decision, None
    return decision, trainer(train_window(candles, settings), meta.symbol, meta.timeframe, spec)


def _verdict(current: CallScores, candidate: CallScores,
             settings: ImproveSettings) -> tuple[Literal["promoted", "kept"], str]:
    gain = current.log_loss - candidate.log_loss
    if gain < settings.min_logloss_gain:
        return "kept", (f"log loss gain {gain:+.4f} is below the required "
                        f"{settings.min_logloss_gain:.4f}")
    if candidate.calls < settings.min_calls:
        return "kept", (f"only {candidate.calls} calls at the trading threshold; "
                        f"{settings.min_calls} needed")
    if current.hit_rate is not None and (candidate.hit_rate or 0.0) < current.hit_rate:
        return "kept", (f"hit rate {candidate.hit_rate:.1%} is worse than the current "
                        f"model's {current.hit_rate:.1%}")
    return "promoted", (f"log loss {candidate.log_loss:.4f} beats {current.log_loss:.4f} "
                        f"(gain {gain:.4f}) with {candidate.calls} calls at the threshold")
