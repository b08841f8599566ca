"""The news check of a decision: like the LLM check, it can veto a trade or lower its
confidence, never raise it or turn a hold into a trade.

Sentiment has not earned more: until `volex model train --with-sentiment` shows, walk-forward,
that sentiment features beat the model without them, the news only guards against trading
into a story the price has not caught up with (a hack, a delisting, a wave of bad press).

The rules, for a buy (mirror them for a sell):

1. Fewer than ``MIN_ITEMS`` stories in the last 24 h: no opinion.
2. Strongly bearish news (mean <= -``VETO_MEAN`` and at least twice as many bearish as
   bullish stories): veto.
3. Bearish news (mean <= -``NEUTRAL``): confidence x ``OPPOSED_FACTOR``.
4. Extreme greed (Fear & Greed >= ``EXTREME``): confidence x ``CROWD_FACTOR`` (buying what
   everybody already bought); for a sell, extreme fear (<= 100 - ``EXTREME``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from volex.domain.news import SentimentFacts
    from volex.domain.signals import Action

__all__ = ["CROWD_FACTOR", "MIN_ITEMS", "OPPOSED_FACTOR", "VETO_MEAN", "apply_sentiment"]

MIN_ITEMS = 3
NEUTRAL = 0.05
VETO_MEAN = 0.3
OPPOSED_FACTOR = 0.85
EXTREME = 80
CROWD_FACTOR = 0.9


def apply_sentiment(action: Action, confidence: float, facts: SentimentFacts | None
                    ) -> tuple[Action, float, bool, list[str]]:
    """(action, confidence, vetoed, notes) after the news check."""
    if facts is None or action == "hold":
        return action, confidence, False, []
    notes: list[str] = []
    original, sign = confidence, 1 if action == "buy" else -1
    if facts.items_24h >= MIN_ITEMS and facts.mean_24h is not None:
        leaning = sign * facts.mean_24h  # negative: the news leans against the trade
        against, with_ = ((facts.bearish_24h, facts.bullish_24h) if sign > 0
                          else (facts.bullish_24h, facts.bearish_24h))
        mood = f"{facts.items_24h} stories in 24h, mean {facts.mean_24h:+.2f}"
        if leaning <= -VETO_MEAN and against >= 2 * max(with_, 1):
            return "hold", 0.0, True, [(f"news check vetoed the {action}: news strongly "
                                       f"against it ({mood}, {against} against / {with_} for)")]
        if leaning <= -NEUTRAL:
            confidence *= OPPOSED_FACTOR
            notes.append(f"news leans against the {action} ({mood}): confidence cut by "
                         f"{1 - OPPOSED_FACTOR:.0%}")
    crowd = facts.fear_greed
    if crowd is not None and (crowd >= EXTREME if sign > 0 else crowd <= 100 - EXTREME):
        confidence *= CROWD_FACTOR
        notes.append(f"Fear & Greed at {crowd} ({'extreme greed' if sign > 0 else 'extreme fear'}"
                     f"): confidence cut by {1 - CROWD_FACTOR:.0%}")
    # Rounded for display, never up: rounding must not undo a cut.
    return action, min(original, round(confidence, 4)) if notes else original, False, notes
