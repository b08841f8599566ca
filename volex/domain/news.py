"""News items, Fear & Greed readings and sentiment summaries: plain typed data.

Every stored item carries two times: ``published_at`` (what the source claims) and
``seen_at`` (when Volex first read it). Anything computed "as of T" uses ``seen_at <= T``
only, so a backtest or a decision never reads an item from its future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

__all__ = [
    "SOURCE_KINDS",
    "FearGreed",
    "NewsItem",
    "NewsReport",
    "RawItem",
    "SentimentFacts",
    "SentimentSummary",
    "SentimentWindow",
    "SourceKind",
    "SourceState",
]

SourceKind = Literal["rss", "reddit", "cryptopanic", "feargreed"]
SOURCE_KINDS: tuple[str, ...] = ("rss", "reddit", "cryptopanic", "feargreed")


@dataclass(frozen=True)
class RawItem:
    """An item as a source gave it, already cleaned to plain text, before scoring."""

    source: str
    title: str
    link: str
    published_at: datetime | None
    summary: str = ""
    assets: tuple[str, ...] = ()  # tickers the source itself tagged (CryptoPanic does)


class NewsItem(BaseModel):
    """A stored item: cleaned text, both times, the assets it concerns, its score and why."""

    id: str
    source: str
    title: str
    link: str
    published_at: datetime | None
    seen_at: datetime
    summary: str = ""
    assets: list[str] = []
    score: float = 0.0  # -1 (bearish) .. +1 (bullish)
    drivers: list[str] = []  # the words that moved the score, strongest first ("surge +2.9")
    also_in: list[str] = []  # other sources that ran the same story


class FearGreed(BaseModel):
    """The Crypto Fear & Greed index (alternative.me) for one UTC day: 0 fear .. 100 greed."""

    day: datetime
    value: int
    classification: str
    available_at: datetime  # from when a computation "as of T" may use it


class SentimentWindow(BaseModel):
    """Sentiment of one asset's items seen in a trailing window."""

    window: str  # "24h" or "7d"
    items: int
    mean: float | None
    bullish: int
    bearish: int
    trend: float | None  # mean of the window's newer half minus its older half


class SentimentSummary(BaseModel):
    """One asset's sentiment as of a time, from stored items only."""

    asset: str
    as_of: datetime
    windows: list[SentimentWindow]
    fear_greed: FearGreed | None = None
    newest_seen: datetime | None = None  # the age of what the summary rests on

    def window(self, name: str) -> SentimentWindow | None:
        return next((w for w in self.windows if w.window == name), None)


class SourceState(BaseModel):
    """A configured source and how its last fetch went."""

    name: str
    kind: SourceKind
    url: str
    enabled: bool = True
    note: str | None = None  # why it is skipped (no CryptoPanic token), or the last error
    last_ok: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    items: int = 0


class NewsReport(BaseModel):
    """What `volex news` shows: items, per-asset summaries, Fear & Greed, and their age."""

    as_of: datetime
    since: datetime
    items: list[NewsItem]
    summaries: list[SentimentSummary]
    fear_greed: FearGreed | None
    last_fetch: datetime | None
    offline: bool
    problems: dict[str, str] = {}
    commentary: str | None = None  # with --commentary: the LLM's, or the local summary
    commentary_by: str | None = None


class SentimentFacts(BaseModel):
    """What a decision may know of the news at its bar's close: the last 24 h of stored items
    about the asset, seen by then, and the Fear & Greed value usable then."""

    as_of: datetime
    items_24h: int
    mean_24h: float | None
    bullish_24h: int
    bearish_24h: int
    fear_greed: int | None = None

    @classmethod
    def from_summary(cls, summary: SentimentSummary) -> SentimentFacts:
        day = summary.window("24h")
        return cls(as_of=summary.as_of, items_24h=day.items if day else 0,
                   mean_24h=day.mean if day else None, bullish_24h=day.bullish if day else 0,
                   bearish_24h=day.bearish if day else 0,
                   fear_greed=summary.fear_greed.value if summary.fear_greed else None)
