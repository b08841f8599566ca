"""The watchlist: last price, 24h change, current signal and confidence per symbol.

Drawn line by line from rows cached per symbol: a refresh that moves 50 prices re-renders 50
short rows and nothing else (a DataTable re-renders every visible cell on any change).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from volex.tui.feed import Quote
from volex.tui.widgets import fmt, set_subtitle

__all__ = ["Watchlist"]

# (title, width, right-aligned)
_COLUMNS = (("Symbol", 10, False), ("Last", 11, True), ("24h", 8, True), ("Signal", 7, False),
            ("Conf", 5, True))
_HEADER = Style(bold=True)
_DIM = Style(dim=True)
_GREEN, _RED, _YELLOW = Style(color="green"), Style(color="red"), Style(color="yellow")
_SIGNAL_STYLE = {"buy": Style(color="green", bold=True), "sell": Style(color="red", bold=True),
                 "hold": _YELLOW}


def _cell(text: str, width: int, right: bool) -> str:
    text = text[:width]
    return text.rjust(width) if right else text.ljust(width)


def _row(quote: Quote | None, symbol: str) -> list[Segment]:
    """One row as segments: symbol, last, 24h change, signal and confidence."""
    (_, w_symbol, _), (_, w_last, _), (_, w_change, _), (_, w_signal, _), (_, w_conf, _) = _COLUMNS
    if quote is None:
        return [Segment(_cell(symbol, w_symbol, False) + " "), Segment("…", _DIM)]
    if quote.error is not None and quote.last is None:
        return [Segment(_cell(symbol, w_symbol, False) + " ", _DIM),
                Segment(_cell("no data", w_last, False), Style(dim=True, italic=True))]
    base = _DIM if quote.error is not None or quote.source in ("sample", "none") else None
    change = quote.change_pct
    change_style = None if change is None else _GREEN if change > 0 else _RED if change < 0 else None
    change_text = "—" if change is None else f"{change:+.2f}%"
    signal = (quote.signal or "—").lower()
    confidence = "—" if quote.confidence is None else f"{quote.confidence:.0%}"
    return [Segment(_cell(symbol, w_symbol, False) + " ", base),
            Segment(_cell(fmt.price(quote.last), w_last, True) + " ", base),
            Segment(_cell(change_text, w_change, True) + " ", change_style),
            Segment(_cell(signal.upper(), w_signal, False) + " ",
                    _SIGNAL_STYLE.get(signal.rstrip("✖"), _DIM)),
            Segment(_cell(confidence, w_conf, True), base)]


class Watchlist(ScrollView, can_focus=True):
    """One row per symbol under a fixed header; the cursor row is the symbol the chart shows."""

    DEFAULT_CSS = """
    Watchlist {
        height: 1fr;
        padding: 0 1;
    }
    Watchlist > .watchlist--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"watchlist--cursor"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("home", "move(-100000)", "First", show=False),
        Binding("end", "move(100000)", "Last", show=False),
        Binding("enter", "choose", "Chart", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Selected(Message):
        """The trader moved to another symbol."""

        def __init__(self, symbol: str) -> None:
            super().__init__()
            self.symbol = symbol

    def __init__(self, symbols: Iterable[str], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self._symbols = list(dict.fromkeys(symbols))
        self._quotes: dict[str, Quote] = {}
        self._strips: dict[str, Strip] = {}
        self._header = Strip([Segment(" ".join(_cell(t, w, r) for t, w, r in _COLUMNS), _HEADER)])
        self.border_title = "Watchlist"

    def on_mount(self) -> None:
        self._resize()

    def _resize(self) -> None:
        self.virtual_size = Size(sum(w + 1 for _, w, _ in _COLUMNS), len(self._symbols) + 1)

    @property
    def symbols(self) -> list[str]:
        return list(self._symbols)

    @property
    def selected(self) -> str | None:
        return self._symbols[self.cursor] if self._symbols else None

    def row_text(self, symbol: str) -> str:
        """A row as plain text (what the trader reads)."""
        return Strip(_row(self._quotes.get(symbol), symbol)).text

    def select(self, symbol: str) -> None:
        """Move the cursor to ``symbol`` (adding it to the list when it is new)."""
        if symbol not in self._symbols:
            self._symbols.append(symbol)
            self._resize()
        self.cursor = self._symbols.index(symbol)

    def show(self, quotes: Iterable[Quote]) -> None:
        """Update the rows whose quote changed; a failed quote keeps its last price, dimmed."""
        stale, changed = 0, False
        for quote in quotes:
            if quote.symbol not in self._symbols:
                continue
            previous = self._quotes.get(quote.symbol)
            if quote.error is not None:
                stale += 1
                if previous is not None and previous.last is not None:
                    quote = Quote(symbol=quote.symbol, last=previous.last,
                                  change_pct=previous.change_pct, signal=previous.signal,
                                  confidence=previous.confidence, source=previous.source,
                                  last_bar=previous.last_bar, error=quote.error)
            if quote == previous:
                continue
            self._quotes[quote.symbol] = quote
            self._strips.pop(quote.symbol, None)
            changed = True
        set_subtitle(self, f"{stale} stale" if stale else "")
        if changed:
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            strip = self._header
        else:
            index = self.scroll_offset.y + y - 1
            if index >= len(self._symbols):
                return Strip.blank(width, self.rich_style)
            symbol = self._symbols[index]
            strip = self._strips.get(symbol)
            if strip is None:
                strip = self._strips[symbol] = Strip(_row(self._quotes.get(symbol), symbol))
            if index == self.cursor:
                cursor = self.get_component_rich_style("watchlist--cursor")
                return strip.crop_extend(0, width, None).apply_style(cursor)
        return strip.crop_extend(0, width, None).apply_style(self.rich_style)

    def watch_cursor(self, previous: int, cursor: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if previous != cursor and self._symbols:
            self.post_message(self.Selected(self._symbols[cursor]))

    def _scroll_to_cursor(self) -> None:
        rows = max(1, self.scrollable_content_region.height - 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False)

    def action_move(self, step: int) -> None:
        if self._symbols:
            self.cursor = max(0, min(len(self._symbols) - 1, self.cursor + step))

    def action_choose(self) -> None:
        if self.selected:
            self.post_message(self.Selected(self.selected))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y - 1
        if event.y >= 1 and 0 <= row < len(self._symbols):
            self.cursor = row
