"""Headline sentiment: VADER with a crypto market lexicon on top, deterministic and local.

``score`` returns a compound score from -1 (bearish) to +1 (bullish) and the words that
drove it, so a trader sees why ("hack -2.8", "outflows -1.6"). Titles weigh more than
summaries: a summary often recaps older moves. VADER is imported on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from volex.analysis.crypto_lexicon import CRYPTO_LEXICON, PHRASES

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = ["NEUTRAL_BAND", "Scored", "label", "plain_vader", "score"]

NEUTRAL_BAND = 0.05  # |compound| below this is neutral (VADER's own convention)
TITLE_WEIGHT = 0.7
_SUMMARY_CHARS = 400
_PHRASE_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in
                                               sorted(PHRASES, key=len, reverse=True)) + r")(?!\w)",
                        re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")
_REVERSE = {token: phrase for phrase, token in reversed(PHRASES.items())}  # first wins


@dataclass(frozen=True)
class Scored:
    score: float
    drivers: tuple[str, ...]


@cache
def _analyzer(crypto: bool = True) -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    if crypto:
        analyzer.lexicon.update(CRYPTO_LEXICON)
    return analyzer


def _joined(text: str) -> str:
    return _PHRASE_RE.sub(lambda m: PHRASES[m.group(1).lower()], text)


def _compound(text: str) -> tuple[float, dict[str, float]]:
    joined = _joined(text)
    analyzer = _analyzer()
    found = {}
    for word in _TOKEN.findall(joined):
        value = analyzer.lexicon.get(word.lower())
        if value:
            found[_REVERSE.get(word.lower(), word.lower())] = value
    return analyzer.polarity_scores(joined)["compound"], found


def score(title: str, summary: str = "") -> Scored:
    """The score of a headline (and its summary, weighted less) with its strongest words."""
    value, drivers = _compound(title)
    if summary:
        extra, more = _compound(summary[:_SUMMARY_CHARS])
        value = TITLE_WEIGHT * value + (1 - TITLE_WEIGHT) * extra
        for word, weight in more.items():
            drivers.setdefault(word, weight)
    strongest = sorted(drivers.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:5]
    return Scored(round(value, 4), tuple(f"{w} {v:+.1f}" for w, v in strongest))


def plain_vader(text: str) -> float:
    """VADER alone, for the benchmark's comparison."""
    return _analyzer(False).polarity_scores(text)["compound"]


def label(value: float) -> str:
    """positive / negative / neutral for a compound score."""
    return "positive" if value >= NEUTRAL_BAND else "negative" if value <= -NEUTRAL_BAND else "neutral"
