"""The news adapters through the real httpx and feedparser, against a loopback server that
serves feeds in the real formats, including broken and hostile ones."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.news_server import NewsServer, feed_file
from volex.adapters.news.sources import (
    CryptoPanicSource,
    FearGreedSource,
    FeedSource,
    RedditSource,
)
from volex.errors import DataUnavailable, NetworkError, VolexError


@pytest.fixture
def server():
    with NewsServer() as srv:
        yield srv


@pytest.fixture
def client():
    with httpx.Client() as c:
        yield c


def test_rss_items_come_out_as_plain_text_with_times_and_only_web_links(server, client):
    url = server.route("/rss", feed_file("coindesk_rss.xml"))
    items = FeedSource("CoinDesk", url, client, 2).fetch()
    titles = [i.title for i in items]
    assert titles[0] == "Bitcoin Surges Past $73K as Spot ETF Inflows Soar to Record"
    assert "all-time high" in items[0].summary and "<b>" not in items[0].summary
    hostile = items[2]
    assert hostile.title == "Solana Network Outage Halts Block Production"  # script and tags gone
    assert "alert" not in hostile.summary and "evil" not in hostile.summary
    assert hostile.link == ""  # a javascript: link is dropped
    assert all(i.published_at is not None and i.published_at.tzinfo for i in items)


def test_atom_feed(server, client):
    url = server.route("/atom", feed_file("decrypt_atom.xml"), "application/atom+xml")
    items = FeedSource("Decrypt", url, client, 2).fetch()
    assert [i.title for i in items][1] == "Dogecoin Jumps 12% as Meme Coins Rally"
    assert items[0].summary == "The flagship crypto set a new high."


def test_reddit_searches_each_asset_by_name_and_tags_items(server, client):
    url = server.route("/r/CryptoCurrency/search.rss", feed_file("reddit_search.xml"),
                       "application/atom+xml")
    items = RedditSource("Reddit", url + "?q={query}&restrict_sr=on&sort=new", client, 2
                         ).fetch(["BTC", "SOL"])
    assert [r.query["q"] for r in server.requests] == [["bitcoin"], ["solana"]]
    assert server.requests[0].headers["user-agent"].startswith("volex-news")
    assert items[0].title == "Still HODL, bitcoin to the moon" and items[0].assets == ("BTC",)
    assert "SC_OFF" not in items[0].summary and "<" not in items[0].summary


def test_cryptopanic_sends_the_token_and_never_shows_it(server, client):
    url = server.route("/api/v1/posts/", feed_file("cryptopanic.json"), "application/json")
    items = CryptoPanicSource("CryptoPanic", url + "?public=true", client, 2, "tok-SECRET-123").fetch()
    assert server.requests[0].query == {"public": ["true"], "auth_token": ["tok-SECRET-123"]}
    assert items[0].source == "CryptoPanic/The Block" and items[0].assets == ("BNB",)
    server.route("/api/v1/posts/", b'{"status": "Incomplete", "info": "Token not found"}',
                 "application/json", status=500)
    with pytest.raises(NetworkError) as failed:
        CryptoPanicSource("CryptoPanic", url, client, 2, "tok-SECRET-123").fetch()
    assert "tok-SECRET" not in str(failed.value) and "HTTP 500" in str(failed.value)
    server.route("/api/v1/posts/", b'{"results": "nope"}', "application/json")
    with pytest.raises(DataUnavailable, match="unexpected answer"):
        CryptoPanicSource("CryptoPanic", url, client, 2, "t").fetch()


def test_fear_and_greed_full_history_then_recent_days(server, client):
    url = server.route("/fng/", feed_file("fear_greed.json"), "application/json")
    source = FearGreedSource("Fear & Greed", url, client, 2)
    rows = source.fetch_index(None)
    assert [(v, c) for _, v, c in rows] == [(79, "Extreme Greed"), (71, "Greed"), (40, "Fear")]
    source.fetch_index(10)
    assert [r.query["limit"] for r in server.requests] == [["0"], ["10"]]
    server.route("/fng/", b'{"data": [{"value": "140", "timestamp": "1"}]}', "application/json")
    with pytest.raises(DataUnavailable):
        source.fetch_index(1)


def test_garbage_and_html_pages_are_one_line_errors(server, client):
    garbage = server.route("/g", b"\x00\xff<<<not xml at all", "text/html")
    page = server.route("/h", b"<html><body><h1>Just a moment...</h1></body></html>", "text/html")
    for url in (garbage, page):
        with pytest.raises(DataUnavailable, match="not a readable feed"):
            FeedSource("Broken", url, client, 2).fetch()


def test_sloppy_xml_still_gives_its_items(server, client):
    url = server.route("/bad", feed_file("bad_xml.xml"), "text/xml")
    assert [i.title for i in FeedSource("Sloppy", url, client, 2).fetch()] == ["Unclosed item"]


def test_wrong_encoding_and_control_characters_are_escaped(server, client):
    url = server.route("/latin", feed_file("wrong_encoding.xml"), "application/xml")
    [item] = FeedSource("Latin", url, client, 2).fetch()
    assert "\x07" not in item.title and "\x1b" not in item.title
    assert "\\x1b" in item.title and "bitcoin" in item.title


def test_huge_answers_and_huge_items_are_bounded(server, client):
    big = b"<rss><channel>" + b"<item><title>x</title></item>" * 200_000 + b"</channel></rss>"
    url = server.route("/huge", big)
    with pytest.raises(DataUnavailable, match="larger than"):
        FeedSource("Huge", url, client, 5).fetch()
    long_title = "Bitcoin " + "moon " * 20_000
    url = server.route("/long", f"<rss version='2.0'><channel><item><title>{long_title}</title>"
                                f"<link>https://x.example/l</link></item></channel></rss>")
    [item] = FeedSource("Long", url, client, 5).fetch()
    assert len(item.title) <= 300 and item.title.endswith("…")


def test_a_slow_or_dripping_source_fails_within_its_timeout(server, client):
    slow = server.route("/slow", feed_file("coindesk_rss.xml"), delay_s=3)
    drip = server.route("/drip", feed_file("coindesk_rss.xml"), drip_s=0.2)
    for url in (slow, drip):
        started = time.monotonic()
        with pytest.raises(NetworkError, match="within 0.5 s"):
            FeedSource("Slow", url, client, 0.5).fetch()
        assert time.monotonic() - started < 1.5


def test_refused_and_unreachable_sources(server, client):
    url = server.route("/gone", b"", status=404)
    with pytest.raises(DataUnavailable, match="HTTP 404"):
        FeedSource("Gone", url, client, 1).fetch()
    with pytest.raises(VolexError, match="unreachable"):
        FeedSource("Down", "http://127.0.0.1:9/feed", client, 1).fetch()
