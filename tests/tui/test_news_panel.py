"""The dashboard's news panel and news in the events feed, over the real facade and store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Static

from tests.tui.helpers import plain, settle, wait_for
from volex import Volex
from volex.agents.news import scored_item
from volex.domain.news import RawItem
from volex.tui.app import VolexApp
from volex.tui.widgets.events import EventsFeed
from volex.tui.widgets.news import NewsPanel
from volex.tui.widgets.watchlist import Watchlist

pytestmark = pytest.mark.asyncio


def _store(volex: Volex) -> None:
    now = datetime.now(UTC)
    heads = [("CoinDesk", "Bitcoin surges to a record as ETF inflows soar", 30),
             ("Decrypt", "Ether slides as exchange hack drains $40 million", 60),
             ("Wire", "[bold]Bitcoin[/bold] miners hold steady", 90)]
    volex.runtime.store.news.add([
        scored_item(RawItem(source=src, title=title, link=f"https://x.example/{i}",
                            published_at=now - timedelta(minutes=ago)), now)
        for i, (src, title, ago) in enumerate(heads)])


async def test_the_panel_follows_the_selected_market_and_strong_news_reaches_the_feed(
        volex: Volex) -> None:
    _store(volex)
    app = VolexApp(live_refresh=False, offline=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(NewsPanel)
        body = panel.query_one("#news-body", Static)
        await wait_for(pilot, lambda: "surges" in plain(body.content), what="BTC news")
        shown = plain(body.content)
        assert "News · BTC" in str(panel.border_title) and "+0." in shown
        assert "[bold]Bitcoin[/bold] miners" in shown  # a title is text, never markup
        assert "hack" not in shown
        await pilot.press("down")
        assert app.screen.query_one(Watchlist).selected == "ETH/USDT"
        await wait_for(pilot, lambda: "hack drains" in plain(body.content), what="ETH news")
        feed = app.screen.query_one(EventsFeed)
        lines = " ".join(line.plain for line in feed._lines)
        assert "CoinDesk: Bitcoin surges" in lines and "Decrypt: Ether slides" in lines
        assert "miners hold steady" not in lines  # neutral items stay out of the feed
