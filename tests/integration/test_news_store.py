"""The news agent against the real store: items kept once with both times, stories merged
across sources, sources failing alone, and nothing read from its future."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.news_server import NewsServer, feed_file
from volex.adapters.news import build_source
from volex.adapters.storage.store import Store
from volex.agents.news import NewsAgent
from volex.config import NewsSourceSettings

NOW = datetime.now(UTC).replace(microsecond=0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'news.db'}" if request.param == "sqlite" \
        else request.getfixturevalue("pg_url")
    s = Store(url)
    yield s
    s.close()


@pytest.fixture
def server():
    with NewsServer() as srv:
        srv.route("/coindesk", feed_file("coindesk_rss.xml", NOW))
        srv.route("/decrypt", feed_file("decrypt_atom.xml", NOW), "application/atom+xml")
        srv.route("/reddit", feed_file("reddit_search.xml", NOW), "application/atom+xml")
        srv.route("/cp", feed_file("cryptopanic.json", NOW), "application/json")
        srv.route("/fng", feed_file("fear_greed.json", NOW), "application/json")
        yield srv


def agent_for(store: Store, server: NewsServer, clock: Clock, *extra: tuple[str, str, str],
              budget_s: float = 3.0) -> NewsAgent:
    configs = [NewsSourceSettings(name=n, kind=k, url=server.url(p)) for n, k, p in (
        ("CoinDesk", "rss", "/coindesk"), ("Decrypt", "rss", "/decrypt"),
        ("Reddit", "reddit", "/reddit?q={query}"), ("CryptoPanic", "cryptopanic", "/cp"),
        ("Fear & Greed", "feargreed", "/fng"), *extra)]
    client = httpx.Client()

    def sources():
        built = [build_source(c, client, 2.0, lambda: "tok") for c in configs]
        return [b for b in built if b is not None], {}

    return NewsAgent(store.news, sources, clock, budget_s=budget_s, refresh=timedelta(minutes=15))


def test_fetch_stores_each_item_once_with_its_first_seen_time(store, server):
    clock = Clock(NOW)
    agent = agent_for(store, server, clock)
    first = agent.fetch(["BTC", "ETH"])
    assert not first.errors, first.errors
    assert first.new["CoinDesk"] == 4 and first.new["Fear & Greed"] == 3
    clock.now = NOW + timedelta(hours=1)
    again = agent.fetch(["BTC", "ETH"])
    assert sum(v for k, v in again.new.items() if k != "Fear & Greed") == 0
    items = agent.report(["BTC"], NOW - timedelta(days=7), as_of=clock.now).items
    assert items and all(i.seen_at == NOW for i in items)  # the first sighting is kept


def test_the_same_story_from_two_sources_is_one_item(store, server):
    agent = agent_for(store, server, Clock(NOW))
    agent.fetch(["BTC"])
    items = agent.report(["BTC"], NOW - timedelta(days=2), as_of=NOW).items
    surges = [i for i in items if "73" in i.title]
    assert len(surges) == 1
    assert {surges[0].source, *surges[0].also_in} == {"CoinDesk", "Decrypt"}
    assert surges[0].score > 0.3 and any(d.startswith("surges") for d in surges[0].drivers)


def test_relevance_scores_and_summary(store, server):
    agent = agent_for(store, server, Clock(NOW))
    agent.fetch(["BTC"])  # Reddit searched for bitcoin only: ETH and SOL by name in the text
    eth = agent.report(["ETH"], NOW - timedelta(days=7), as_of=NOW)
    titles = {i.title: i for i in eth.items}
    assert "Exchange Hack Drains $200 Million in ETH; Withdrawals Paused" in titles
    assert titles["Exchange Hack Drains $200 Million in ETH; Withdrawals Paused"].score < -0.5
    assert not any("Dogecoin" in t for t in titles)
    day = eth.summaries[0].window("24h")
    assert day.items == 2 and day.bearish == 2 and day.mean < 0
    assert eth.fear_greed.value == 79  # today's value: usable from when it was seen, NOW
    sol = agent.report(["SOL"], NOW - timedelta(days=7), as_of=NOW)
    assert [i.title for i in sol.items] == ["Solana Network Outage Halts Block Production"]


def test_nothing_is_read_from_its_future(store, server):
    """Items first seen at NOW are invisible to any computation as of an earlier time, even
    when their published time is earlier; Fear & Greed history counts from the end of its day."""
    agent = agent_for(store, server, Clock(NOW))
    agent.fetch(["BTC", "ETH"])
    before = NOW - timedelta(minutes=1)
    past = agent.report(["BTC", "ETH"], before - timedelta(days=7), as_of=before)
    assert past.items == []
    assert all(w.items == 0 for s in past.summaries for w in s.windows)
    midnight = NOW.replace(hour=0, minute=0, second=0)
    assert store.news.fear_greed(before).day == midnight - timedelta(days=1)
    assert store.news.fear_greed(midnight - timedelta(seconds=1)).value == 40
    assert store.news.fear_greed(midnight - timedelta(days=2)) is None
    for item in store.news.items(as_of=NOW, since=NOW - timedelta(days=30)):
        assert item.seen_at <= NOW


def test_a_failing_source_does_not_stop_the_others_and_the_budget_holds(store, server):
    server.route("/slow", feed_file("coindesk_rss.xml", NOW), delay_s=5)
    server.route("/broken", b"\x00garbage", "text/html")
    agent = agent_for(store, server, Clock(NOW), ("Slow", "rss", "/slow"),
                      ("Broken", "rss", "/broken"), budget_s=1.0)
    started = time.monotonic()
    report = agent.fetch(["BTC"])
    assert time.monotonic() - started < 2.5
    assert "budget" in report.errors["Slow"] and "not a readable feed" in report.errors["Broken"]
    assert report.new["Decrypt"] == 3
    states = store.news.source_states()
    assert states["Broken"]["last_error"] and states["Decrypt"]["last_ok"] == NOW
