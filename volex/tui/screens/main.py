"""The main screen: watchlist, chart, positions, decisions, events, status and command bar."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from volex.tui.widgets.chart import PriceChart
from volex.tui.widgets.commandbar import CommandBar
from volex.tui.widgets.decisions import DecisionsPanel
from volex.tui.widgets.events import EventsFeed
from volex.tui.widgets.news import NewsPanel
from volex.tui.widgets.positions import PositionsPanel
from volex.tui.widgets.statusbar import HaltBanner, StatusBar
from volex.tui.widgets.watchlist import Watchlist

__all__ = ["MainScreen"]


class MainScreen(Screen[None]):
    """Everything a trader watches all day on one screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "app.chart_style", "Candles/line"),
        Binding("f", "app.next_timeframe", "Timeframe"),
    ]

    def __init__(self, symbols: Iterable[str], *, mode: str, exchange: str) -> None:
        super().__init__(id="main")
        self.symbols = list(symbols)
        self.mode = mode
        self.exchange = exchange

    def compose(self) -> ComposeResult:
        yield HaltBanner(id="halt-banner")
        yield StatusBar(self.mode, self.exchange, id="status")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Watchlist(self.symbols, id="watchlist")
                yield DecisionsPanel(id="decisions")
                yield NewsPanel(id="news")
            with Vertical(id="right"):
                yield PriceChart(id="chart")
                with Horizontal(id="bottom"):
                    yield PositionsPanel(id="positions")
                    yield EventsFeed(id="events")
        yield CommandBar(id="command-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Watchlist).focus()
