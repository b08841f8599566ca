"""The news agent: fetch every source within one time budget, score and store what is new,
and answer "what is the news and the mood for this asset, as of T" from the store alone.

Fetching and reading are separate: reading never touches the network, so `volex analyze`,
the dashboard and decisions stay fast and work offline. Everything "as of T" rests on items
first seen at or before T (see ``volex.domain.news``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

from volex.analysis.sentiment import NEUTRAL_BAND, score
from volex.analysis.stories import assets_in
from volex.domain.news import NewsItem, NewsReport, RawItem, SentimentSummary, SentimentWindow
from volex.errors import VolexError

if TYPE_CHECKING:
    from volex.adapters.storage.news import NewsRepo

__all__ = ["WINDOWS", "FetchReport", "NewsAgent"]

log = logging.getLogger(__name__)
WINDOWS: dict[str, timedelta] = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
_FEAR_GREED_RECENT_DAYS = 10


@dataclass
class FetchReport:
    """What one fetch did: new items per source, and the sources that failed, with why."""

    at: datetime
    new: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    stored: list[NewsItem] = field(default_factory=list)


def item_id(raw: RawItem) -> str:
    """The same link is the same item, whichever fetch or search found it."""
    key = raw.link or f"{raw.source}\n{raw.title}"
    return hashlib.sha1(key.encode()).hexdigest()


def scored_item(raw: RawItem, seen_at: datetime, assets: Sequence[str] = ()) -> NewsItem:
    result = score(raw.title, raw.summary)
    named = assets_in(f"{raw.title} {raw.summary[:300]}")
    return NewsItem(id=item_id(raw), source=raw.source, title=raw.title, link=raw.link,
                    published_at=raw.published_at, seen_at=seen_at, summary=raw.summary,
                    assets=list(dict.fromkeys([*assets, *raw.assets, *named])),
                    score=result.score, drivers=list(result.drivers))


class NewsAgent:
    """Fetches news sources into the store and summarises stored sentiment as of a time.

    ``sources`` builds the configured adapters (each with ``name`` and ``kind``; a
    ``feargreed`` one has ``fetch_index``, the others ``fetch(assets)``) plus, by name, why a
    source cannot run; ``clock`` gives "now" (UTC).
    """

    def __init__(self, repo: NewsRepo, sources: Callable[[], tuple[list, dict[str, str]]],
                 clock: Callable[[], datetime], *, budget_s: float,
                 refresh: timedelta) -> None:
        self.repo, self.sources, self.clock = repo, sources, clock
        self.budget_s, self.refresh = budget_s, refresh

    # -- fetching ------------------------------------------------------------------------

    def due(self) -> bool:
        """True when the last successful fetch is older than the refresh interval."""
        last = self.repo.last_fetch()
        return last is None or self.clock() - last >= self.refresh

    def fetch(self, assets: Sequence[str], only: str | None = None) -> FetchReport:
        """Fetch every source (or the one named ``only``) at once, within the time budget."""
        adapters, skipped = self.sources()
        if only:
            adapters = [a for a in adapters if a.name.lower() == only.lower()]
            skipped = {k: v for k, v in skipped.items() if k.lower() == only.lower()}
        report = FetchReport(at=self.clock(), skipped=skipped)
        if not adapters:
            return report
        pool = ThreadPoolExecutor(max_workers=min(8, len(adapters)), thread_name_prefix="news")
        futures = {pool.submit(self._one, a, assets): a for a in adapters}
        done, _ = wait(futures, timeout=self.budget_s)
        pool.shutdown(wait=False, cancel_futures=True)  # late ones end at their own timeout
        seen = self.clock()
        raw: dict[str, tuple[RawItem, list[str]]] = {}
        for future, adapter in futures.items():  # in the configured order
            if future not in done:
                report.errors[adapter.name] = f"no answer within the {self.budget_s:g} s budget"
                continue
            try:
                result = future.result()
            except VolexError as exc:
                report.errors[adapter.name] = str(exc)
                continue
            except Exception as exc:  # a source must never take the others down
                log.exception("news source %s failed", adapter.name)
                report.errors[adapter.name] = f"failed ({type(exc).__name__})"
                continue
            if adapter.kind == "feargreed":
                report.new[adapter.name] = self.repo.add_fear_greed(result, seen)
                continue
            report.new[adapter.name] = 0
            for item in result:
                key = item_id(item)
                kept = raw.setdefault(key, (item, []))
                kept[1].extend(item.assets)
        stored = self.repo.add([scored_item(item, seen, tags) for item, tags in raw.values()])
        for item in stored:
            name = next((a.name for a in adapters if item.source.split("/")[0] == a.name), None)
            if name in report.new:
                report.new[name] += 1
        for name, count in report.new.items():
            self.repo.mark_fetch(name, seen, items=count)
        for name, error in report.errors.items():
            self.repo.mark_fetch(name, seen, error=error)
        report.stored = stored
        return report

    def _one(self, adapter, assets: Sequence[str]):
        if adapter.kind == "feargreed":
            full = self.repo.fear_greed_days() == 0  # the whole history once, then recent days
            return adapter.fetch_index(None if full else _FEAR_GREED_RECENT_DAYS)
        return adapter.fetch(assets)

    # -- reading (store only) ------------------------------------------------------------

    def summary(self, asset: str, as_of: datetime) -> SentimentSummary:
        """Mean, trend and bullish/bearish counts over 24h and 7d, from items seen by ``as_of``."""
        windows = []
        longest = max(WINDOWS.values())
        stories = self.repo.scores(as_of=as_of, since=as_of - longest, asset=asset)
        for name, span in WINDOWS.items():
            since = as_of - span
            first = since.timestamp() * 1000
            points = [(ts, s) for ts, _, s in stories if ts >= first]
            values = [s for _, s in points]
            middle = (since + span / 2).timestamp() * 1000
            older = [s for ts, s in points if ts < middle]
            newer = [s for ts, s in points if ts >= middle]
            windows.append(SentimentWindow(
                window=name, items=len(values),
                mean=round(fmean(values), 4) if values else None,
                bullish=sum(v >= NEUTRAL_BAND for v in values),
                bearish=sum(v <= -NEUTRAL_BAND for v in values),
                trend=round(fmean(newer) - fmean(older), 4) if older and newer else None))
        newest = max((seen for _, seen, _ in stories), default=None)
        return SentimentSummary(asset=asset.upper(), as_of=as_of, windows=windows,
                                fear_greed=self.repo.fear_greed(as_of),
                                newest_seen=datetime.fromtimestamp(newest / 1000, UTC)
                                if newest is not None else None)

    def report(self, assets: Sequence[str], since: datetime, *, as_of: datetime | None = None,
               source: str | None = None, offline: bool = False, limit: int = 50,
               problems: dict[str, str] | None = None) -> NewsReport:
        """Items about ``assets`` (all items when empty) and each asset's summary."""
        when = as_of or self.clock()
        if assets:
            items: dict[str, NewsItem] = {}
            for asset in assets:
                for item in self.repo.items(as_of=when, since=since, asset=asset, source=source,
                                            limit=limit):
                    items.setdefault(item.id, item)
            listed = sorted(items.values(), key=lambda i: (i.published_at or i.seen_at, i.id),
                            reverse=True)[:limit]
        else:
            listed = self.repo.items(as_of=when, since=since, source=source, limit=limit)
        return NewsReport(as_of=when, since=since, items=listed,
                          summaries=[self.summary(a, when) for a in assets],
                          fear_greed=self.repo.fear_greed(when), last_fetch=self.repo.last_fetch(),
                          offline=offline, problems=problems or {})
