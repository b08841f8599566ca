"""The dashboard attaches to a running autopilot: its state from the store, s stops it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.tui.helpers import settle, wait_for
from volex import Volex
from volex.adapters.storage.autopilot import BarRecord, Holder
from volex.tui.app import VolexApp
from volex.tui.screens.autopilot import AutopilotScreen
from volex.tui.widgets.modals import ConfirmModal

pytestmark = pytest.mark.asyncio


async def test_the_panel_shows_the_autopilot_and_s_stops_it(volex_home: Path) -> None:
    with Volex(offline=True) as volex:
        repo = volex.runtime.store.autopilot
        now = int(datetime.now(UTC).timestamp() * 1000)
        repo.acquire("paper:paper", Holder("x", "pilot-host", 777), now, 600_000,
                     {"decider": "strategy sma_cross", "watchlist": ["BTC/USDT"],
                      "timeframe": "1h", "next_bar_due": "2026-12-06T19:00:05"})
        repo.put("paper:paper", "x", BarRecord("BTC/USDT", "1h", now - 3_600_000, "done",
                                               "buy", "closed buy 0.01 BTC/USDT at 60000"), now)
    app = VolexApp(live_refresh=False, offline=True, symbols=["BTC/USDT"])
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, AutopilotScreen), what="panel")
        text = str(app.screen.query_one("#autopilot-state", Static).render())
        assert "paper:paper: RUNNING" in text and "pilot-host pid 777" in text
        assert "BTC/USDT buy: closed buy 0.01 BTC/USDT at 60000" in text
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, AutopilotScreen), what="back")
    with Volex(offline=True) as volex:
        assert volex.runtime.store.autopilot.lease("paper:paper")["stop_requested"] is True
