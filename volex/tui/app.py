"""The Volex dashboard: a Textual app over the same facade as the CLI.

Data is read in worker threads (``refresh_data`` every ``refresh_s`` seconds when
``live_refresh``: the halt state and audit log, the account, and the market each in their own
worker) and shown on the UI thread by ``apply_data``, which is what
``benchmarks/bench_tui.py`` times.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from volex.domain.timeframes import normalize_timeframe
from volex.tui.actions import DashboardActions
from volex.tui.feed import (
    PARTS,
    ChartData,
    DashboardData,
    DashboardFeed,
    Section,
    attr,
    utc_clock,
)
from volex.tui.screens.help import HelpScreen
from volex.tui.screens.main import MainScreen
from volex.tui.widgets import set_subtitle
from volex.tui.widgets.chart import CHART_STYLES, TIMEFRAMES, PriceChart, render_chart, text_strips
from volex.tui.widgets.commandbar import CommandBar
from volex.tui.widgets.decisions import DecisionsPanel
from volex.tui.widgets.events import EventsFeed
from volex.tui.widgets.news import NewsPanel, news_events
from volex.tui.widgets.positions import PositionsPanel
from volex.tui.widgets.statusbar import HaltBanner, StatusBar, freshness
from volex.tui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.strip import Strip

    from volex.facade import Volex

__all__ = ["VolexApp"]


class VolexApp(DashboardActions, App[None]):
    """Watchlist, chart, positions, decisions, events, status and a command bar."""

    CSS_PATH = Path(__file__).with_name("volex.tcss")  # absolute: subclasses live elsewhere
    TITLE = "Volex"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash,colon", "command_bar", "Command", key_display="/ :"),
        Binding("t", "ticket", "Trade"),
        Binding("a", "analyze", "Analyze"),
        Binding("h", "halt", "Halt"),
        Binding("r", "resume", "Resume"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("p", "autopilot", "Autopilot", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, volex: Volex | None = None, *, symbols: list[str] | None = None,
                 timeframe: str | None = None, live_refresh: bool = True, refresh_s: float = 5.0,
                 signals_every: int = 6, clock: Callable[[], datetime] = utc_clock,
                 ordered_reads: bool = False, **overrides: Any) -> None:
        """``live_refresh=False`` reads once and starts no timers; ``ordered_reads`` reads the parts
        of a refresh one after another in one worker, so they land in a fixed order
        (snapshots), instead of side by side."""
        super().__init__()
        if volex is None:
            from volex.facade import Volex

            volex = Volex(actor="dashboard", **overrides)
            self._owns_volex = True
        else:
            self._owns_volex = False
        self.volex = volex
        self.clock = clock
        self.feed = DashboardFeed(volex, clock)
        settings = volex.settings
        self.symbols = [volex.symbol(s) for s in (symbols or settings.watchlist)]
        self.timeframe = normalize_timeframe(timeframe or settings.timeframe)
        self.live_refresh = live_refresh
        self.ordered_reads = ordered_reads
        self.refresh_s = refresh_s
        self.signals_every = max(1, signals_every)
        self.selected: str | None = self.symbols[0] if self.symbols else None
        self.mode = _trading_mode(volex)
        self.exchange_name = settings.exchange
        self._events_ok = True
        self._started = clock()
        self._refreshes = 0
        self._reading: set[str] = set()
        self._signals: dict[str, tuple[str | None, float | None]] = {}
        self._stale: set[str] = set()
        self._local_events = 0
        self._chart_data: ChartData | None = None

    # -- widgets ---------------------------------------------------------------------------------

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.symbols, mode=self.mode, exchange=self.exchange_name)

    @property
    def watchlist(self) -> Watchlist:
        return self.screen_stack[0].query_one(Watchlist)

    @property
    def chart(self) -> PriceChart:
        return self.screen_stack[0].query_one(PriceChart)

    @property
    def events_feed(self) -> EventsFeed:
        return self.screen_stack[0].query_one(EventsFeed)

    def on_ready(self) -> None:
        self.chart.timeframe = self.timeframe
        self.refresh_data()
        if self.live_refresh:
            self.set_interval(self.refresh_s, self.refresh_data)

    def on_unmount(self) -> None:
        if self._owns_volex:
            self.volex.close()

    # -- reading data (worker threads) ---------------------------------------------------------

    def refresh_data(self) -> None:
        """Read every part again, except parts still being read (a slow source never piles up
        work, and never holds up the halt state)."""
        slow = self._refreshes % self.signals_every == 0
        self._refreshes += 1
        if self.ordered_reads:
            if not self._reading:
                self._reading.add("all")
                self._read_worker("all", slow)
            return
        for part in PARTS:
            if part not in self._reading:
                self._reading.add(part)
                self._read_worker(part, slow)

    @work(thread=True, group="refresh", exit_on_error=False)
    def _read_worker(self, part: str, slow: bool) -> None:
        try:
            for name in PARTS if part == "all" else (part,):
                data = self.feed.read(name, self.symbols, self.timeframe, slow=slow)
                self.call_from_thread(self.apply_data, data)
        finally:
            self._reading.discard(part)

    def load_chart(self) -> None:
        if self.selected is None:
            return
        width, height = self.chart.plot_size
        self._chart_worker(self.selected, self.timeframe, self.chart.style_name, width, height)

    @work(thread=True, group="chart", exclusive=True, exit_on_error=False)
    def _chart_worker(self, symbol: str, timeframe: str, style: str, width: int,
                      height: int) -> None:
        worker = get_current_worker()
        try:
            data = self.feed.chart(symbol, timeframe)
            lines = (text_strips(render_chart(data, style, width, height)) if len(data.frame)
                     else None)
        except Exception as exc:  # noqa: BLE001 - a failing source leaves the chart stale
            if not worker.is_cancelled:
                self.call_from_thread(self._show_chart_problem, symbol,
                                      str(exc).splitlines()[0])
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._show_chart, data, lines)

    @property
    def _main_gone(self) -> bool:
        """The main screen is gone (the app is shutting down): late messages and worker
        results have nowhere to go."""
        return not self.screen_stack

    def _show_chart_problem(self, symbol: str, problem: str) -> None:
        if not self._main_gone:
            self.chart.show_problem(symbol, problem)

    def _show_chart(self, data: ChartData, lines: list[Strip] | None) -> None:
        if self._main_gone:
            return
        self._chart_data = data
        if lines is None:
            self.chart.show_problem(data.symbol, "no candles")
        else:
            self.chart.show(data, lines)

    # -- showing data (UI thread) --------------------------------------------------------------

    def apply_data(self, data: DashboardData) -> None:
        """Show one refresh (or one part of it) on the panels it concerns."""
        if self._main_gone:
            return
        screen = self.screen_stack[0]
        if data.quotes is not None:
            self._show_market(data)
        if data.health is not None:
            screen.query_one(StatusBar).show_health(data.health)
        if data.decisions is not None:
            screen.query_one(DecisionsPanel).show(data.decisions)
        if data.halt is not None:
            self.show_halt(data.halt)
        positions = screen.query_one(PositionsPanel)
        for name in ("positions", "orders", "fills"):
            if getattr(data, name) is not None:
                positions.show(name, getattr(data, name))
        if data.news is not None:
            screen.query_one(NewsPanel).show(data.news, self.selected)
            if data.news.ok:
                self.events_feed.add(news_events(data.news.value,
                                                 {s.split("/")[0] for s in self.symbols}))
        if data.events is not None:
            self._events_ok = data.events.ok
            feed = self.events_feed
            if data.events.ok:
                feed.add(data.events.value or [])
                set_subtitle(feed, "")
            else:
                set_subtitle(feed, f"stale: {data.events.error}")

    def _show_market(self, data: DashboardData) -> None:
        quotes = [self._remember_signal(q) for q in data.quotes or []]
        self.watchlist.show(quotes)
        self._note_stale(quotes)
        chosen = next((q for q in quotes if q.symbol == self.selected), None)
        if chosen is None:
            return
        bar_s = _bar_seconds(self.timeframe)
        self.screen_stack[0].query_one(StatusBar).show_data(
            *freshness(chosen.last_bar, chosen.source, data.at, bar_s))
        if self._chart_data is None or (chosen.last_bar is not None
                                        and chosen.last_bar != self._chart_data.last_bar):
            self.load_chart()

    def show_halt(self, section: Section[Any]) -> None:
        screen = self.screen_stack[0]
        banner = screen.query_one(HaltBanner)
        banner.show(section)
        status = screen.query_one(StatusBar)
        status.show_trading(banner.label if section.ok else "unknown")

    def _remember_signal(self, quote: Any) -> Any:
        if quote.signal is not None or quote.confidence is not None:
            self._signals[quote.symbol] = (quote.signal, quote.confidence)
            return quote
        known = self._signals.get(quote.symbol)
        return replace(quote, signal=known[0], confidence=known[1]) if known else quote

    def _note_stale(self, quotes: list[Any]) -> None:
        """One event when a symbol's data goes stale, one when it comes back."""
        for quote in quotes:
            if quote.error is not None and quote.symbol not in self._stale:
                self._stale.add(quote.symbol)
                self.note("data", f"{quote.symbol}: {quote.error}", "warning")
            elif quote.error is None and quote.symbol in self._stale:
                self._stale.discard(quote.symbol)
                self.note("data", f"{quote.symbol}: data back ({quote.source})", "good")

    # -- events from widgets ---------------------------------------------------------------------

    def on_watchlist_selected(self, event: Watchlist.Selected) -> None:
        if event.symbol != self.selected:
            self.selected = event.symbol
            self.load_chart()
            self.screen_stack[0].query_one(NewsPanel).select(event.symbol)

    def on_price_chart_size_changed(self) -> None:
        if self.selected is not None and not self._main_gone:
            self.load_chart()

    def on_command_bar_command(self, event: CommandBar.Command) -> None:
        self.run_command(event.text)

    def on_positions_panel_cancel_requested(self, event: PositionsPanel.CancelRequested) -> None:
        self.cancel_order(event.order_id, event.symbol)

    def on_halt_banner_changed(self, event: HaltBanner.Changed) -> None:
        if event.previous == "UNKNOWN" or self._events_ok:
            return  # the first reading, or the audit log already tells the feed
        self.note("halt" if event.label != "ACTIVE" else "resume", f"trading {event.label}",
                  "error" if event.label == "HALTED" else "good")

    def on_decisions_panel_shown(self, event: DecisionsPanel.Shown) -> None:
        """A new buy or sell call is worth a line in the feed (holds are not)."""
        for decision in event.decisions:
            action = str(attr(decision, "action", default="hold"))
            if action in ("buy", "sell") and not attr(decision, "vetoed", default=False):
                confidence = float(attr(decision, "confidence", default=0.0))
                self.note("signal", f"{action.upper()} {attr(decision, 'symbol')} at "
                                    f"{confidence:.0%} confidence", "good")

    def on_events_feed_alert(self, event: EventsFeed.Alert) -> None:
        """A halt or an error from elsewhere (another process, an agent) pops up too."""
        found = event.event
        mine = self.volex.actor
        if found.actor not in (None, mine) and found.at >= self._started:
            self.notify(found.text, title=found.kind.upper(), severity="error")

    def on_status_bar_health_changed(self, event: StatusBar.HealthChanged) -> None:
        self.note("health", f"{event.agent}: {event.before} -> {event.after}",
                  "good" if event.after == "ok" else "error")

    # -- key actions -------------------------------------------------------------------------------

    def action_command_bar(self) -> None:
        self.screen_stack[0].query_one(CommandBar).open()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_autopilot(self) -> None:
        from volex.tui.screens.autopilot import AutopilotScreen

        self.push_screen(AutopilotScreen(self.volex))

    def action_chart_style(self) -> None:
        chart = self.chart
        chart.style_name = CHART_STYLES[(CHART_STYLES.index(chart.style_name) + 1)
                                        % len(CHART_STYLES)]
        self.load_chart()

    def action_next_timeframe(self) -> None:
        current = self.timeframe if self.timeframe in TIMEFRAMES else TIMEFRAMES[0]
        self.timeframe = TIMEFRAMES[(TIMEFRAMES.index(current) + 1) % len(TIMEFRAMES)]
        self.chart.timeframe = self.timeframe
        self._chart_data = None
        self.load_chart()
        self.refresh_data()

    def child_env(self) -> dict[str, str]:
        """The environment for CLI commands run from the command bar (same home, same mode)."""
        env = dict(os.environ)
        if self.volex.settings.offline:
            env["VOLEX_OFFLINE"] = "true"
        return env


def _trading_mode(volex: Volex) -> str:
    """PAPER or LIVE as the facade runs it (live needs the config and the --live switch)."""
    try:
        return str(volex.status()["mode"])
    except Exception:  # noqa: BLE001 - the store is down: say what the config says
        return volex.settings.trading.mode


def _bar_seconds(timeframe: str) -> float:
    from volex.domain.timeframes import timeframe_ms

    return timeframe_ms(timeframe) / 1000
