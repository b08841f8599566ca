"""Stored news: each item once, with its published and first-seen times; Fear & Greed by day;
how each source's last fetch went. Tables from the Alembic revision ``news_0001``.

An item's ``ts`` is the earlier of its published and first-seen times (a source's clock may
run ahead); every read "as of T" filters on ``seen_ts <= T``, so nothing from T's future
is ever returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    select,
)

from volex.adapters.storage.candles import upsert
from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import metadata
from volex.analysis.stories import StoryIndex, normalise_title
from volex.domain.news import FearGreed, NewsItem

__all__ = ["NewsRepo", "news_fear_greed", "news_items", "news_source_state"]

DAY_MS = 86_400_000
_STORY_LOOKBACK_MS = 3 * DAY_MS
_STORY_CANDIDATES = 3000

news_items = Table(
    "news_items",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("story", String(40), nullable=False),
    Column("source", String(120), nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("published_ts", BigInteger),
    Column("seen_ts", BigInteger, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("assets", String(400), nullable=False),  # ",BTC,ETH," so LIKE '%,BTC,%' finds it
    Column("score", Float, nullable=False),
    Column("drivers", Text, nullable=False),
    Index("ix_news_items_ts", "ts"),
    Index("ix_news_items_seen", "seen_ts"),
)

news_fear_greed = Table(
    "news_fear_greed",
    metadata,
    Column("day_ts", BigInteger, primary_key=True),
    Column("value", Integer, nullable=False),
    Column("classification", String(40), nullable=False),
    Column("seen_ts", BigInteger, nullable=False),
    Column("available_ts", BigInteger, nullable=False),
)

news_source_state = Table(
    "news_source_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("last_ok_ts", BigInteger),
    Column("last_error", Text),
    Column("last_error_ts", BigInteger),
    Column("items", Integer, nullable=False),
)


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _dt(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def _insert_new(conn, table: Table, rows: list[dict]) -> None:
    """Insert rows, leaving any that another writer stored first as they are."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    conn.execute(insert(table).on_conflict_do_nothing(), rows)


class NewsRepo:
    """News items, Fear & Greed readings and source state in the Volex database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- items ---------------------------------------------------------------------------

    def add(self, items: list[NewsItem]) -> list[NewsItem]:
        """Store items not stored yet (first-seen time kept from the first time); each joins
        the story of an earlier item with the same headline in other words. Returns the new."""
        if not items:
            return []
        with self.db.begin() as conn:
            ids = [i.id for i in items]
            known = {r[0] for r in conn.execute(select(news_items.c.id)
                                                .where(news_items.c.id.in_(ids)))}
            fresh = list({i.id: i for i in items if i.id not in known}.values())
            if not fresh:
                return []
            newest = max(ms(i.seen_at) for i in fresh)
            recent = StoryIndex()
            for row in conn.execute(select(news_items.c.title, news_items.c.story)
                                    .where(news_items.c.ts >= newest - _STORY_LOOKBACK_MS)
                                    .order_by(news_items.c.seen_ts).limit(_STORY_CANDIDATES)):
                recent.add(normalise_title(row.title), row.story)
            rows = []
            for item in fresh:
                title = normalise_title(item.title)
                story = recent.find(title) or item.id
                recent.add(title, story)
                seen = ms(item.seen_at)
                published = ms(item.published_at) if item.published_at else None
                rows.append({
                    "id": item.id, "story": story, "source": item.source, "title": item.title,
                    "summary": item.summary, "link": item.link, "published_ts": published,
                    "seen_ts": seen, "ts": min(published or seen, seen),
                    "assets": "," + ",".join(item.assets) + ",", "score": item.score,
                    "drivers": json.dumps(item.drivers)})
            _insert_new(conn, news_items, rows)
        return fresh

    def items(self, *, as_of: datetime, since: datetime, asset: str | None = None,
              source: str | None = None, limit: int = 200) -> list[NewsItem]:
        """One item per story (the first seen), newest first, seen at or before ``as_of``;
        ``also_in`` names the other sources that ran it."""
        query = (select(news_items).where(news_items.c.seen_ts <= ms(as_of),
                                          news_items.c.ts >= ms(since))
                 .order_by(news_items.c.ts.desc(), news_items.c.id))
        if asset:
            query = query.where(news_items.c.assets.like(f"%,{asset.upper()},%"))
        with self.db.begin() as conn:
            rows = conn.execute(query.limit(limit * 4)).mappings().all()
        if source:
            wanted = source.lower()
            rows = [r for r in rows if r["source"].lower().split("/")[0] == wanted
                    or r["source"].lower() == wanted]
        return _one_per_story(rows)[:limit]

    def scores(self, *, as_of: datetime, since: datetime,
               asset: str | None = None) -> list[tuple[int, int, float]]:
        """(ts, first seen, mean score) of each story seen at or before ``as_of`` with
        ``ts >= since``, oldest first."""
        query = (select(news_items.c.story, func.min(news_items.c.ts),
                        func.min(news_items.c.seen_ts), func.avg(news_items.c.score))
                 .where(news_items.c.seen_ts <= ms(as_of), news_items.c.ts >= ms(since))
                 .group_by(news_items.c.story))
        if asset:
            query = query.where(news_items.c.assets.like(f"%,{asset.upper()},%"))
        with self.db.begin() as conn:
            return sorted((int(ts), int(seen), float(score))
                          for _, ts, seen, score in conn.execute(query))

    # -- Fear & Greed --------------------------------------------------------------------

    def add_fear_greed(self, readings: Iterable[tuple[datetime, int, str]], seen: datetime) -> int:
        """Keep readings not kept yet. A day's value counts from the earlier of when we saw it
        and the end of its day: history fetched later is usable by backtests, never early."""
        seen_ms = ms(seen)
        rows = [{"day_ts": ms(day), "value": value, "classification": label, "seen_ts": seen_ms,
                 "available_ts": min(seen_ms, ms(day) + DAY_MS)} for day, value, label in readings]
        with self.db.begin() as conn:
            before = conn.execute(select(func.count()).select_from(news_fear_greed)).scalar()
            _insert_new(conn, news_fear_greed, rows)
            after = conn.execute(select(func.count()).select_from(news_fear_greed)).scalar()
        return int(after - before)

    def fear_greed(self, as_of: datetime) -> FearGreed | None:
        """The newest reading usable at ``as_of``."""
        with self.db.begin() as conn:
            row = conn.execute(select(news_fear_greed)
                               .where(news_fear_greed.c.available_ts <= ms(as_of))
                               .order_by(news_fear_greed.c.day_ts.desc()).limit(1)).mappings().first()
        return _reading(row) if row else None

    def fear_greed_history(self) -> list[FearGreed]:
        with self.db.begin() as conn:
            rows = conn.execute(select(news_fear_greed).order_by(news_fear_greed.c.day_ts)
                                ).mappings().all()
        return [_reading(r) for r in rows]

    def fear_greed_days(self) -> int:
        with self.db.begin() as conn:
            return int(conn.execute(select(func.count()).select_from(news_fear_greed)).scalar())

    # -- sources -------------------------------------------------------------------------

    def mark_fetch(self, name: str, when: datetime, *, items: int = 0,
                   error: str | None = None) -> None:
        with self.db.begin() as conn:
            old = conn.execute(select(news_source_state).where(news_source_state.c.name == name)
                               ).mappings().first()
            row = dict(old) if old else {"name": name, "last_ok_ts": None, "last_error": None,
                                         "last_error_ts": None, "items": 0}
            if error is None:
                row.update(last_ok_ts=ms(when), items=items)
            else:
                row.update(last_error=error[:300], last_error_ts=ms(when))
            upsert(conn, [row], ["name"], [c for c in row if c != "name"], news_source_state)

    def source_states(self) -> dict[str, dict]:
        """Per source name: last_ok, last_error, last_error_at, items."""
        with self.db.begin() as conn:
            rows = conn.execute(select(news_source_state)).mappings().all()
        return {r["name"]: {"last_ok": _dt(r["last_ok_ts"]), "last_error": r["last_error"],
                            "last_error_at": _dt(r["last_error_ts"]), "items": r["items"]}
                for r in rows}

    def last_fetch(self) -> datetime | None:
        with self.db.begin() as conn:
            return _dt(conn.execute(select(func.max(news_source_state.c.last_ok_ts))).scalar())


def _reading(row) -> FearGreed:
    return FearGreed(day=_dt(row["day_ts"]), value=row["value"],
                     classification=row["classification"], available_at=_dt(row["available_ts"]))


def _one_per_story(rows) -> list[NewsItem]:
    first: dict[str, NewsItem] = {}
    for row in sorted(rows, key=lambda r: (r["seen_ts"], r["id"])):
        kept = first.get(row["story"])
        if kept is None:
            first[row["story"]] = NewsItem(
                id=row["id"], source=row["source"], title=row["title"], link=row["link"],
                published_at=_dt(row["published_ts"]), seen_at=_dt(row["seen_ts"]),
                summary=row["summary"], assets=[a for a in row["assets"].split(",") if a],
                score=row["score"], drivers=json.loads(row["drivers"]))
        elif row["source"] != kept.source and row["source"] not in kept.also_in:
            kept.also_in.append(row["source"])
    return sorted(first.values(), key=lambda i: (i.published_at or i.seen_at, i.id), reverse=True)
