"""Sentiment features per bar, as of each bar's close, and the test of whether they help.

For every bar only what was known when it closed is used: stories first seen at or before
the close, counted in the 24 h and 7 d before it, and the Fear & Greed value usable then
(``available_at``). ``compare_with_sentiment`` evaluates the model walk-forward with and
without these columns on the same bars; until they beat the model without them, sentiment
stays a check that can only lower a decision's confidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from volex.domain.timeframes import timeframe_ms

if TYPE_CHECKING:
    import pandas as pd

    from volex.ml.reports import ModelSpec

__all__ = ["SENTIMENT_FEATURES", "SentimentComparison", "compare_with_sentiment",
           "sentiment_columns"]

SENTIMENT_FEATURES = ("fear_greed", "fear_greed_known", "stories_24h", "mean_24h",
                      "stories_7d", "mean_7d")
_DAY_MS, _WEEK_MS = 86_400_000, 7 * 86_400_000
MIN_BARS_WITH_NEWS = 100


def sentiment_columns(open_ms: np.ndarray, timeframe: str, stories: list[tuple[int, int, float]],
                      fear_greed: list[tuple[int, int]]) -> np.ndarray:
    """One row per bar: SENTIMENT_FEATURES as of the bar's close.

    ``stories`` are (ts, first seen, score) in ms, ``fear_greed`` (available from, value).
    Unknown values are neutral (50, no stories, mean 0) with ``fear_greed_known`` saying so.
    """
    close = open_ms.astype(np.int64) + timeframe_ms(timeframe)
    out = np.zeros((len(close), len(SENTIMENT_FEATURES)))
    out[:, 0] = 50.0
    if fear_greed:
        available = np.array([a for a, _ in sorted(fear_greed)], dtype=np.int64)
        values = np.array([v for _, v in sorted(fear_greed)], dtype=np.float64)
        last = np.searchsorted(available, close, side="right") - 1
        known = last >= 0
        out[known, 0] = values[last[known]]
        out[:, 1] = known
    if stories:
        order = sorted(stories)
        ts = np.array([s[0] for s in order], dtype=np.int64)
        seen = np.array([s[1] for s in order], dtype=np.int64)
        score = np.array([s[2] for s in order], dtype=np.float64)
        for col, span in ((2, _DAY_MS), (4, _WEEK_MS)):
            starts = np.searchsorted(ts, close - span, side="left")
            ends = np.searchsorted(ts, close, side="right")
            for i in np.nonzero(ends > starts)[0]:
                window = slice(starts[i], ends[i])
                known_then = seen[window] <= close[i]  # never an item from the bar's future
                if known_then.any():
                    out[i, col] = known_then.sum()
                    out[i, col + 1] = score[window][known_then].mean()
    return out


class SentimentComparison(BaseModel):
    """The same walk-forward, with and without sentiment features, on the same bars."""

    bars_evaluated: int
    bars_with_news: int
    log_loss_without: float
    log_loss_with: float
    accuracy_without: float
    accuracy_with: float
    beats: bool
    verdict: str


def compare_with_sentiment(candles: pd.DataFrame, symbol: str, timeframe: str, spec: ModelSpec,
                           stories: list[tuple[int, int, float]],
                           fear_greed: list[tuple[int, int]],
                           without: object | None = None) -> SentimentComparison:
    """Walk-forward scores without and with sentiment features; ``without`` reuses an
    evaluation already run on the same candles and spec."""
    from volex.ml.features import _timestamps_ms
    from volex.ml.training import evaluate_model

    open_ms = _timestamps_ms(candles)
    extra = sentiment_columns(open_ms, timeframe, stories, fear_greed)
    base = without or evaluate_model(candles, symbol, timeframe, spec=spec)
    augmented = evaluate_model(candles, symbol, timeframe, spec=spec, extra=extra)
    scored = open_ms >= int(augmented.report.first.timestamp() * 1000)
    with_news = int(((extra[:, 2] > 0) | (extra[:, 1] > 0))[scored].sum())
    before, after = base.report.out_of_sample, augmented.report.out_of_sample
    beats = with_news >= MIN_BARS_WITH_NEWS and after.log_loss < before.log_loss
    if with_news < MIN_BARS_WITH_NEWS:
        verdict = (f"not enough stored news to judge: {with_news} of "
                   f"{augmented.report.bars_evaluated} evaluated bars had any (need "
                   f"{MIN_BARS_WITH_NEWS}); sentiment stays a check that can only lower confidence")
    elif beats:
        verdict = (f"sentiment features beat the model without them out of sample (log loss "
                   f"{after.log_loss:.4f} vs {before.log_loss:.4f})")
    else:
        verdict = (f"sentiment features do not beat the model without them (log loss "
                   f"{after.log_loss:.4f} vs {before.log_loss:.4f}); sentiment stays a check "
                   "that can only lower confidence")
    return SentimentComparison(
        bars_evaluated=augmented.report.bars_evaluated, bars_with_news=with_news,
        log_loss_without=round(before.log_loss, 4), log_loss_with=round(after.log_loss, 4),
        accuracy_without=round(before.accuracy, 4), accuracy_with=round(after.accuracy, 4),
        beats=beats, verdict=verdict)
