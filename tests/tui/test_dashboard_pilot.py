"""The dashboard driven like a trader drives it: keys, the command bar, modals, the halt."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.tui.helpers import plain, settle, type_text, wait_for
from volex import Volex
from volex.errors import NetworkError
from volex.tui.app import VolexApp
from volex.tui.screens.help import HelpScreen
from volex.tui.widgets.chart import PriceChart
from volex.tui.widgets.commandbar import CommandBar
from volex.tui.widgets.events import EventsFeed
from volex.tui.widgets.modals import ConfirmModal, OutputModal, TradePlanModal, TradeTicketModal
from volex.tui.widgets.positions import PositionsPanel
from volex.tui.widgets.statusbar import HaltBanner
from volex.tui.widgets.watchlist import Watchlist

pytestmark = pytest.mark.asyncio

SIZE = (160, 48)


def _app(**options: object) -> VolexApp:
    return VolexApp(live_refresh=False, offline=True, **options)


def _held(volex: Volex, symbol: str) -> Decimal:
    return sum((p.amount for p in volex.positions() if p.symbol == symbol), Decimal(0))


async def _command(pilot, text: str) -> None:
    await pilot.press("slash")
    bar = pilot.app.screen.query_one(CommandBar)
    assert bar.has_focus
    await type_text(pilot, text)
    await pilot.press("enter")


async def test_trade_then_halt_refuses_the_next_trade_until_resume(volex: Volex) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        watchlist = app.screen.query_one(Watchlist)
        chart = app.screen.query_one(PriceChart)
        assert watchlist.selected == "BTC/USDT"
        await wait_for(pilot, lambda: "BTC/USDT" in str(chart.border_title), what="BTC chart")

        # select another symbol: the chart follows
        await pilot.press("down")
        assert watchlist.selected == "ETH/USDT"
        await wait_for(pilot, lambda: "ETH/USDT" in str(chart.border_title), what="ETH chart")

        # a paper trade through the command bar and the plan modal
        await _command(pilot, "buy 0.01 btc")
        await wait_for(pilot, lambda: isinstance(app.screen, TradePlanModal), what="plan")
        plan_text = plain(app.screen.body)
        assert "BTC/USDT" in plan_text and "PAPER" in plan_text
        await pilot.press("y")
        await wait_for(pilot, lambda: _held(volex, "BTC/USDT") == Decimal("0.01"),
                       what="the paper fill")
        await settle(pilot)
        positions = app.screen.query_one(PositionsPanel).table("positions")
        await wait_for(pilot, lambda: positions.row_count == 1, what="the position row")

        # halt with one confirmation: stored for every process
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="halt question")
        await pilot.press("y")
        await wait_for(pilot, lambda: volex.halt_state().active, what="the stored halt")
        banner = app.screen.query_one(HaltBanner)
        await wait_for(pilot, lambda: banner.display and "HALTED" in plain(banner.render()),
                       what="the HALTED banner")

        # a further trade is refused: the plan is blocked and nothing is sent
        await _command(pilot, "buy 0.01 btc")
        await wait_for(pilot, lambda: isinstance(app.screen, TradePlanModal), what="plan")
        modal = app.screen
        assert isinstance(modal, TradePlanModal) and not modal.allowed
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, TradePlanModal), what="close")
        await settle(pilot)
        assert _held(volex, "BTC/USDT") == Decimal("0.01")
        assert len(volex.fills()) == 1

        # resume, after a confirmation
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="resume question")
        await pilot.press("y")
        await wait_for(pilot, lambda: not volex.halt_state().active, what="the resume")
        await wait_for(pilot, lambda: not banner.display, what="the banner to go")
        events = app.screen.query_one(EventsFeed)
        await settle(pilot)
        feed = "\n".join(events.lines_text)
        assert "halt" in feed and "resume" in feed and "order.filled" in feed
    assert [r.actor for r in volex.audit() if r.action == "halt"] == ["dashboard"]


async def test_no_is_the_default_answer_to_halt(volex: Volex) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="halt question")
        await pilot.press("enter")  # the focused button is No
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="close")
        await settle(pilot)
    assert not volex.halt_state().active


async def test_halt_works_and_nothing_crashes_when_market_data_fails(
        volex: Volex, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_: object, **__: object) -> None:
        raise NetworkError("binance unreachable (timeout)")

    monkeypatch.setattr(Volex, "candles", unreachable)
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        watchlist = app.screen.query_one(Watchlist)
        assert watchlist.border_subtitle == f"{len(app.symbols)} stale"
        chart = app.screen.query_one(PriceChart)
        await wait_for(pilot, lambda: "stale" in str(chart.border_subtitle), what="stale chart")
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="halt question")
        await pilot.press("y")
        await wait_for(pilot, lambda: volex.halt_state().active, what="the stored halt")
        await settle(pilot)
        assert "unreachable" in "\n".join(app.screen.query_one(EventsFeed).lines_text)


async def test_timeframe_and_chart_style_switch(volex: Volex) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart = app.screen.query_one(PriceChart)
        assert str(chart.border_title) == "BTC/USDT · 1d · candles"
        await pilot.press("c")
        await wait_for(pilot, lambda: str(chart.border_title) == "BTC/USDT · 1d · line",
                       what="line chart")
        await pilot.press("f")  # 1d -> 15m: the sample has none, the chart says so
        await wait_for(pilot, lambda: "15m" in str(chart.border_title), what="15m title")
        await settle(pilot)
        assert "stale" in str(chart.border_subtitle)
        for _ in range(2):
            await pilot.press("f")  # 15m -> 1h -> 2h: built from the sample
        await wait_for(pilot, lambda: str(chart.border_title) == "BTC/USDT · 2h · line"
                       and "source: sample" in str(chart.border_subtitle), what="2h chart")


async def test_analyze_key_shows_the_analysis(volex: Volex) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, OutputModal), what="analysis")
        shown = plain(app.screen.body)
        assert "Technical verdict" in shown and "BTC/USDT" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, OutputModal), what="close")


async def test_trade_ticket_places_a_paper_trade_for_the_selected_symbol(volex: Volex) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # ETH/USDT
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TradeTicketModal), what="ticket")
        assert app.screen.query_one("#ticket-symbol", Input).value == "ETH/USDT"
        await type_text(pilot, "0.5")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TradePlanModal), what="plan")
        assert "ETH/USDT" in plain(app.screen.body)
        await pilot.press("y")
        await wait_for(pilot, lambda: _held(volex, "ETH/USDT") == Decimal("0.5"), what="fill")


async def test_command_bar_runs_cli_syntax_and_help_lists_the_keys(volex_home: Path) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _command(pilot, "volex config path")
        await wait_for(pilot, lambda: isinstance(app.screen, OutputModal), timeout=60,
                       what="the command's output")
        assert app.screen.title_text == "volex config path"
        assert str(volex_home / "config.toml") in plain(app.screen.body, width=300)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, OutputModal), what="close")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="close")


async def test_live_refresh_shows_what_another_process_did(volex: Volex) -> None:
    app = VolexApp(offline=True, refresh_s=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(HaltBanner).label == "ACTIVE",
                       what="the first reading")
        volex.trade(volex.plan_trade("BTC/USDT", "buy", amount="0.02"))
        volex.halt(reason="from the CLI")
        positions = app.screen.query_one(PositionsPanel).table("positions")
        banner = app.screen.query_one(HaltBanner)
        await wait_for(pilot, lambda: positions.row_count == 1 and banner.label == "HALTED",
                       what="the CLI's trade and halt on screen")
        assert "from the CLI" in plain(banner.render())


async def test_open_order_is_cancelled_with_x_and_reduce_only_shows_its_banner(
        volex: Volex) -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _command(pilot, "buy 0.01 btc at 50000")
        await wait_for(pilot, lambda: isinstance(app.screen, TradePlanModal), what="plan")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(volex.orders()) == 1, what="the open limit order")
        orders = app.screen.query_one(PositionsPanel).table("orders")
        await wait_for(pilot, lambda: orders.row_count == 1, what="the order row")
        orders.focus()
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="cancel question")
        await pilot.press("y")
        await wait_for(pilot, lambda: volex.orders() == [], what="the cancel")

        volex.halt(reason="daily loss", reduce_only=True)
        app.refresh_data()
        banner = app.screen.query_one(HaltBanner)
        await wait_for(pilot, lambda: banner.label == "REDUCE-ONLY", what="reduce-only")
        assert banner.display and "REDUCE-ONLY" in plain(banner.render())


async def test_a_new_buy_signal_shows_in_the_watchlist_and_the_feed() -> None:
    from tests.tui.fakes import FixedVolex, fixed_clock

    app = VolexApp(FixedVolex(), live_refresh=False, clock=fixed_clock)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        watchlist = app.screen.query_one(Watchlist)
        assert "BUY" in watchlist.row_text("BTC/USDT") and "72%" in watchlist.row_text("BTC/USDT")
        feed = "\n".join(app.screen.query_one(EventsFeed).lines_text)
        assert "BUY BTC/USDT at 72% confidence" in feed


async def test_a_resize_or_a_reading_that_lands_as_the_dashboard_closes_is_dropped() -> None:
    """A late chart resize once raised IndexError out of `run_test` as the app shut down
    (the main screen already gone): a trader quitting would see a traceback."""
    from tests.tui.fakes import FixedVolex, fixed_clock

    app = VolexApp(FixedVolex(), live_refresh=False, clock=fixed_clock)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reading = app.feed.read("all", app.symbols, app.timeframe, slow=True)
    assert app.screen_stack == [] and app.selected is not None
    app.on_price_chart_size_changed()
    app.apply_data(reading)
    app._show_chart_problem(app.selected, "gone")
