"""The autopilot collects news when it is due on the live clock, never in a replay, and a
failing collection is reported without stopping the markets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.autopilot import btc_file
from tests.support.news_server import NewsServer, feed_file
from volex import Volex
from volex.autopilot.clock import LiveClock, ReplayClock
from volex.config import write_config_file

START = datetime(2017, 8, 19, tzinfo=UTC)


def test_live_autopilot_fetches_news_when_due_and_a_replay_never_does(tmp_path: Path) -> None:
    with NewsServer() as server:
        server.route("/feed", feed_file("coindesk_rss.xml"))
        write_config_file({"research": {"news": {"timeout_s": 2, "sources": [
            {"name": "CoinDesk", "kind": "rss", "url": server.url("/feed")}]}}})
        with Volex(actor="cli") as app:
            live = app.prepare_autopilot(watchlist=["BTC/USDT"], clock=LiveClock())
            live.before_pass()
            live.before_pass()  # not due again within refresh_minutes
            assert len(server.requests) == 1
            stored = app.news(["BTC"], offline=True, since=datetime.now(UTC) - timedelta(days=7))
            assert any("Surges Past $73K" in i.title for i in stored.items)
            replay = app.prepare_autopilot(watchlist=["BTC/USDT"], clock=ReplayClock(START),
                                           data=[btc_file(tmp_path / "btc.csv", 50)])
            assert replay.before_pass is None


def test_a_failing_collection_is_a_problem_and_the_markets_go_on(tmp_path: Path) -> None:
    clock = ReplayClock(START)
    with Volex(offline=True, actor="cli") as app:
        pilot = app.prepare_autopilot(watchlist=["BTC/USDT"], clock=clock,
                                      data=[btc_file(tmp_path / "btc.csv", 60)])

        def broken() -> None:
            raise RuntimeError("feed parser exploded")

        pilot.before_pass = broken
        pilot.start()
        outcome = pilot.run(until=START + timedelta(hours=10))
        journal = app.runtime.store.autopilot.bars(app.autopilot_account)
    assert outcome.ended == "end of data" and len(journal) == 5
    assert "feed parser exploded" in outcome.problems["news"]
