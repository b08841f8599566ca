"""The adapters behind ``NewsSource``: RSS/Atom feeds, Reddit searches, CryptoPanic, and the
Fear & Greed index. Each one fetches with ``http.get`` and parses what came back."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode, urlsplit

from volex.adapters.news.clean import MAX_SUMMARY, plain_text
from volex.adapters.news.http import get
from volex.domain.assets import ASSET_NAMES
from volex.domain.news import RawItem
from volex.errors import DataUnavailable

if TYPE_CHECKING:
    import httpx

    from volex.config import NewsSourceSettings

__all__ = ["CryptoPanicSource", "FearGreedSource", "FeedSource", "RedditSource", "build_source",
           "parse_feed"]

MAX_ENTRIES = 200
_TICKER = re.compile(r"^[A-Z0-9]{2,10}$")


def _link(raw: object) -> str:
    """Only http(s) links survive: a feed may offer ``javascript:`` or ``data:``."""
    text = str(raw or "").strip()
    return text if urlsplit(text).scheme in {"http", "https"} and len(text) <= 2000 else ""


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def parse_feed(label: str, data: bytes, content_type: str | None,
               assets: tuple[str, ...] = ()) -> list[RawItem]:
    """RSS 2.0 / Atom / RDF bytes as items. A feed too broken to yield entries is an error;
    one that is merely sloppy (feedparser's ``bozo``) still gives what it can."""
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    # A stream, never bytes or str: given a str or bytes, feedparser may fetch a URL or open a
    # local file of that name.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = type(parsed.get("bozo_exception")).__name__
            raise DataUnavailable(f"{label}: not a readable feed ({reason})")
        return []
    out = []
    for entry in parsed.entries[:MAX_ENTRIES]:
        title = plain_text(entry.get("title"))
        if not title:
            continue
        published = _when(entry.get("published_parsed") or entry.get("updated_parsed"))
        out.append(RawItem(source=label, title=title, link=_link(entry.get("link")),
                           published_at=published,
                           summary=plain_text(entry.get("summary"), MAX_SUMMARY), assets=assets))
    return out


class FeedSource:
    """An RSS 2.0, Atom or RDF feed."""

    kind = "rss"

    def __init__(self, name: str, url: str, client: httpx.Client, timeout_s: float) -> None:
        self.name, self.url, self.client, self.timeout_s = name, url, client, timeout_s

    def fetch(self, assets: Sequence[str] = ()) -> list[RawItem]:
        data, content_type = get(self.client, self.url, label=self.name, timeout_s=self.timeout_s)
        return parse_feed(self.name, data, content_type)


def _search_name(ticker: str) -> str:
    """What to search Reddit for: the asset's longest common name (``bitcoin`` for BTC)."""
    names = [n for n, t in ASSET_NAMES.items() if t == ticker and n != ticker.lower()]
    return max(names, key=len) if names else ticker


class RedditSource:
    """Reddit's public RSS of a search (no key), once per asset: ``{query}`` in the URL is
    replaced by the asset's name, and each item is tagged with that asset."""

    kind = "reddit"

    def __init__(self, name: str, url: str, client: httpx.Client, timeout_s: float) -> None:
        self.name, self.url, self.client, self.timeout_s = name, url, client, timeout_s

    def fetch(self, assets: Sequence[str] = ()) -> list[RawItem]:
        out: list[RawItem] = []
        for ticker in assets:
            url = self.url.replace("{query}", quote_plus(_search_name(ticker)))
            data, content_type = get(self.client, url, label=self.name, timeout_s=self.timeout_s)
            out.extend(parse_feed(self.name, data, content_type, assets=(ticker,)))
        return out


class CryptoPanicSource:
    """CryptoPanic's posts API (JSON); the token comes from the secret store ``cryptopanic``."""

    kind = "cryptopanic"

    def __init__(self, name: str, url: str, client: httpx.Client, timeout_s: float,
                 token: str) -> None:
        self.name, self.url, self.client, self.timeout_s = name, url, client, timeout_s
        self.token = token

    def fetch(self, assets: Sequence[str] = ()) -> list[RawItem]:
        joiner = "&" if "?" in self.url else "?"
        url = f"{self.url}{joiner}{urlencode({'auth_token': self.token})}"
        data, _ = get(self.client, url, label=self.name, timeout_s=self.timeout_s)
        try:
            results = json.loads(data)["results"]
            if not isinstance(results, list):
                raise TypeError("results is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            raise DataUnavailable(f"{self.name}: unexpected answer ({type(exc).__name__})") from exc
        out = []
        for post in results[:MAX_ENTRIES]:
            if not isinstance(post, dict) or not plain_text(post.get("title")):
                continue
            codes = tuple(c.get("code", "").upper() for c in post.get("currencies") or []
                          if isinstance(c, dict) and _TICKER.match(str(c.get("code", "")).upper()))
            origin = (post.get("source") or {}).get("title") if isinstance(post.get("source"),
                                                                           dict) else None
            label = f"{self.name}/{plain_text(origin, 60)}" if origin else self.name
            out.append(RawItem(source=label, title=plain_text(post["title"]),
                               link=_link(post.get("url")), published_at=_iso(post.get("published_at")),
                               summary=plain_text(post.get("description"), MAX_SUMMARY),
                               assets=codes))
        return out


def _iso(raw: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


class FearGreedSource:
    """alternative.me's Crypto Fear & Greed index: one value per UTC day."""

    kind = "feargreed"

    def __init__(self, name: str, url: str, client: httpx.Client, timeout_s: float) -> None:
        self.name, self.url, self.client, self.timeout_s = name, url, client, timeout_s

    def fetch_index(self, days: int | None) -> list[tuple[datetime, int, str]]:
        """(day, value, classification) for the last ``days`` days, all of them when None."""
        joiner = "&" if "?" in self.url else "?"
        url = f"{self.url}{joiner}{urlencode({'limit': days or 0, 'format': 'json'})}"
        data, _ = get(self.client, url, label=self.name, timeout_s=self.timeout_s)
        try:
            rows = json.loads(data)["data"]
            out = []
            for row in rows:
                value = int(row["value"])
                if not 0 <= value <= 100:
                    raise ValueError(f"value {value} out of range")
                day = datetime.fromtimestamp(int(row["timestamp"]), UTC)
                out.append((day, value, plain_text(row.get("value_classification"), 40)))
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise DataUnavailable(f"{self.name}: unexpected answer ({type(exc).__name__})") from exc
        return out


def build_source(config: NewsSourceSettings, client: httpx.Client, timeout_s: float,
                 token: Callable[[], str | None]):
    """The adapter for one configured source; None when it cannot run (no CryptoPanic token)."""
    if config.kind == "rss":
        return FeedSource(config.name, config.url, client, timeout_s)
    if config.kind == "reddit":
        return RedditSource(config.name, config.url, client, timeout_s)
    if config.kind == "feargreed":
        return FearGreedSource(config.name, config.url, client, timeout_s)
    secret = token()
    return CryptoPanicSource(config.name, config.url, client, timeout_s, secret) if secret else None
