"""`volex news` end to end: sources on a loopback server, the real CLI, the real store."""

from __future__ import annotations

import json
import time
import tomllib

import pytest

from tests.support.cli import one_line_error, run
from tests.support.news_server import NewsServer, feed_file
from volex.config import config_path, write_config_file

HOSTILE = ("<rss version='2.0'><channel><item><title><![CDATA[<script>alert(1)</script>"
           "[bold red]Bitcoin[/bold red] \x1b[2J hack drains exchange]]></title>"
           "<link>https://x.example/h</link><pubDate>{AGO_1H}</pubDate></item></channel></rss>")


def flat(output: str) -> str:
    """The output with panel borders gone and wrapped lines joined (the terminal is 80 wide)."""
    return " ".join(output.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


@pytest.fixture
def server(volex_home, monkeypatch):
    monkeypatch.setenv("VOLEX_CRYPTOPANIC_API_KEY", "tok-SECRET-42")
    with NewsServer() as srv:
        srv.route("/coindesk", feed_file("coindesk_rss.xml"))
        srv.route("/decrypt", feed_file("decrypt_atom.xml"), "application/atom+xml")
        srv.route("/reddit", feed_file("reddit_search.xml"), "application/atom+xml")
        srv.route("/cp", feed_file("cryptopanic.json"), "application/json")
        srv.route("/fng", feed_file("fear_greed.json"), "application/json")
        srv.route("/hostile", feed_file("coindesk_rss.xml")[:0] + HOSTILE.replace(
            "{AGO_1H}", time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(time.time() - 3600))
        ).encode())
        write_config_file({"watchlist": ["BTC/USDT", "ETH/USDT"], "research": {"news": {
            "timeout_s": 3, "sources": [
                {"name": "CoinDesk", "kind": "rss", "url": srv.url("/coindesk")},
                {"name": "Decrypt", "kind": "rss", "url": srv.url("/decrypt")},
                {"name": "Reddit", "kind": "reddit", "url": srv.url("/reddit?q={query}")},
                {"name": "CryptoPanic", "kind": "cryptopanic", "url": srv.url("/cp")},
                {"name": "Hostile", "kind": "rss", "url": srv.url("/hostile")},
                {"name": "Fear & Greed", "kind": "feargreed", "url": srv.url("/fng")}]}}})
        yield srv


def test_fetch_then_news_shows_items_scores_drivers_summary_and_fear_greed(server):
    fetched = run("news", "fetch")
    assert fetched.exit_code == 0, fetched.output
    assert "CoinDesk: 4 new" in fetched.output and "Fear & Greed: 3 new" in fetched.output
    result = run("news", "BTC", "ETH")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "surges past $73" in out.lower() and out.lower().count("surges past $73") == 1
    assert "surges +2.5" in out and "Fear & Greed: 79 Extreme Greed" in out
    assert "Exchange Hack Drains $200 Million in ETH" in out
    assert "Dogecoin" not in out  # not about BTC or ETH
    assert "CoinDesk +1" in out or "Decrypt +1" in out  # one story from two sources: one line


def test_json_has_every_field(server):
    run("news", "fetch")
    data = json.loads(run("news", "BTC", "--json", "--since", "7d").output)
    item = next(i for i in data["items"] if "surges past" in i["title"].lower())
    assert len(item["also_in"]) == 1
    assert set(item) >= {"title", "source", "published_at", "seen_at", "link", "score", "drivers"}
    [btc] = data["summaries"]
    assert btc["asset"] == "BTC" and [w["window"] for w in btc["windows"]] == ["24h", "7d"]
    assert btc["windows"][0]["bullish"] >= 2 and data["fear_greed"]["value"] == 79


def test_hostile_titles_are_shown_as_text_never_obeyed(server):
    run("news", "fetch")
    out = flat(run("news", "BTC").output)
    assert "[bold red]Bitcoin[/bold red]" in out  # Rich markup in a title is printed, not applied
    assert "\x1b" not in out and "<script" not in out and "alert(1)" not in out
    assert "\\x1b[2J" in out


def test_offline_reads_the_store_only_and_says_how_old_it_is(server):
    run("news", "fetch")
    before = len(server.requests)
    started = time.monotonic()
    result = run("news", "BTC", "--offline")
    assert time.monotonic() - started < 2
    assert result.exit_code == 0 and len(server.requests) == before
    assert "offline: stored items only; last fetch just now" in flat(result.output)


def test_news_fetches_when_due_and_not_again_until_the_refresh_interval(server):
    assert run("news", "BTC").exit_code == 0
    first = len(server.requests)
    assert first >= 5
    run("news", "ETH")
    assert len(server.requests) == first


def test_unreachable_sources_leave_stored_news_and_a_note(server):
    run("news", "fetch")
    for path in ("/coindesk", "/decrypt", "/reddit", "/cp", "/fng", "/hostile"):
        server.route(path, b"", status=503)
    result = run("news", "fetch", "--json")
    assert result.exit_code == 0
    errors = json.loads(result.output)["errors"]
    assert errors["CoinDesk"] == "CoinDesk: the source failed (HTTP 503)"
    assert "tok-SECRET" not in result.output
    sources = run("news", "sources").output
    assert "failing" in sources and "tok-SECRET" not in sources
    server_home = config_path().parent
    logs = "".join(f.read_text() for f in server_home.glob("logs/*"))
    assert "auth_token" in logs and "tok-SECRET" not in logs  # the token is masked in logs
    assert "tok-SECRET" not in (server_home / "volex.db").read_bytes().decode("latin-1")
    assert "surges past $73" in flat(run("news", "BTC", "--offline").output).lower()


def test_sources_add_and_remove_change_the_config(server):
    added = run("news", "sources", "add", "https://blog.example.org/feed.xml", "--name", "Blog")
    assert added.exit_code == 0, added.output
    names = [s["name"] for s in tomllib.loads(config_path().read_text())["research"]["news"]["sources"]]
    assert names[-1] == "Blog"
    listed = json.loads(run("news", "sources", "--json").output)
    assert {"name": "Blog", "kind": "rss"}.items() <= listed[-1].items()
    assert run("news", "sources", "remove", "Blog").exit_code == 0
    assert "Blog" not in config_path().read_text()
    audit = json.loads(run("audit", "--json").output)
    assert [a["action"] for a in audit][:2] in (["news.source.remove", "news.source.add"],
                                               ["news.source.add", "news.source.remove"])


@pytest.mark.parametrize("args, message", [
    (["news", "sources", "add", "ftp://x.example/feed"], "bad news source: url"),
    (["news", "sources", "add", "https://x.example/f", "--kind", "atom"], "bad --kind"),
    (["news", "sources", "add", "https://x.example/f", "--name", "CoinDesk"], "exists"),
    (["news", "sources", "remove", "Nope"], "no news source 'Nope'"),
    (["news", "BTC", "--since", "yesterday"], "bad --since"),
    (["news", "BTC", "--source", "Nope", "--offline"], "no news source"),
    (["news", "NOT_A_SYMBOL!!", "--offline"], ""),
])
def test_bad_input_is_one_line_and_exit_2(server, args, message):
    assert message in one_line_error(run(*args))


def test_source_filter(server):
    run("news", "fetch")
    out = run("news", "--source", "Reddit", "--offline", "--json").output
    assert {i["source"] for i in json.loads(out)["items"]} == {"Reddit"}


def test_analyze_has_a_sentiment_panel_from_the_store_only(server):
    run("news", "fetch")
    before = len(server.requests)
    data = json.loads(run("analyze", "BTC", "--offline", "--json").output)
    assert len(server.requests) == before  # analyze never fetches news
    day = data["sentiment"]["windows"][0]
    assert data["sentiment"]["asset"] == "BTC" and day["window"] == "24h" and day["items"] >= 4
    shown = flat(run("analyze", "BTC", "--offline").output)
    assert "Sentiment (news, -1 .. +1)" in shown and "Fear & Greed: 79" in shown


def test_analyze_without_stored_news_says_how_to_get_it(volex_home):
    shown = flat(run("analyze", "ETH", "--offline").output)
    assert "no stored news about ETH" in shown and "volex news fetch" in shown


def test_help_and_halt_do_not_import_the_news_libraries():
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from volex.cli import app; "
            "CliRunner().invoke(app, ['--help']); "
            "print(sorted(m for m in ('feedparser', 'vaderSentiment', 'httpx', 'volex.nl') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fetch_watch_keeps_fetching(server):
    result = run("news", "fetch", "--watch", "--every", "0.01", "--rounds", "2", "--json")
    assert result.exit_code == 0, result.output
    rounds = [json.loads(line) for line in result.output.splitlines()]
    assert len(rounds) == 2 and rounds[0]["new"]["CoinDesk"] == 4 and rounds[1]["new"]["CoinDesk"] == 0


def test_commentary_by_the_llm_with_headlines_as_data_and_its_answer_shown_as_text(
        server, monkeypatch):
    from tests.support.openai_server import serve_for_volex

    run("news", "fetch")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-news")
    with serve_for_volex(monkeypatch) as llm:
        llm.reply_json({"text": "BTC news is upbeat on [bold]ETF[/bold] inflows.\x1b[2J"})
        out = flat(run("news", "BTC", "--commentary").output)
        assert "Commentary (openai)" in out
        assert "BTC news is upbeat on [bold]ETF[/bold] inflows.\\x1b[2J" in out
        asked = llm.requests[0].user_text
        assert "Spot ETF Inflows Soar" in asked or "ETF inflows soar" in asked
        llm.fail(503)
        data = json.loads(run("news", "BTC", "--commentary", "--json").output)
        assert data["commentary_by"] == "local"  # a failing LLM: the local summary instead
        assert data["commentary"].startswith("BTC: bullish news")


def test_offline_commentary_is_the_local_summary(server):
    run("news", "fetch")
    data = json.loads(run("news", "ETH", "--offline", "--commentary", "--json").output)
    assert data["commentary_by"] == "local"
    assert data["commentary"].startswith("ETH: bearish news, 4 stories in 24 h (1 bullish, 3 bearish")
    assert "Market mood: Fear & Greed 79 (Extreme Greed)." in data["commentary"]
