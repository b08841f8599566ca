"""The watchlist: last price, 24h change, current signal and confidence per symbol."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from volex.tui.feed import Quote
from volex.tui.widgets import fmt

__all__ = ["Watchlist"]

_COLUMNS = (("symbol", "Symbol", 10), ("last", "Last", 11), ("change", "24h", 7),
            ("signal", "Signal", 6), ("confidence", "Conf", 4))


class Watchlist(DataTable[Text | str]):
    """One row per symbol; moving the cursor selects the symbol the chart shows."""

    DEFAULT_CSS = """
    Watchlist {
        height: 1fr;
        border: round $primary-darken-2;
        border-title-color: $text-accent;
    }
    Watchlist:focus {
        border: round $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Chart", show=False),
    ]

    class Selected(Message):
        """The trader moved to another symbol."""

        def __init__(self, symbol: str) -> None:
            super().__init__()
            self.symbol = symbol

    def __init__(self, symbols: Iterable[str], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._symbols = list(symbols)
        self._rows: dict[str, Quote] = {}
        self.border_title = "Watchlist"

    def on_mount(self) -> None:
        for key, label, width in _COLUMNS:
            self.add_column(label, key=key, width=width)
        for symbol in self._symbols:
            self.add_row(symbol, "…", "", "", "", key=symbol)

    @property
    def symbols(self) -> list[str]:
        return list(self._symbols)

    @property
    def selected(self) -> str | None:
        if not self._symbols or self.cursor_row < 0:
            return None
        return self._symbols[min(self.cursor_row, len(self._symbols) - 1)]

    def select(self, symbol: str) -> None:
        """Move the cursor to ``symbol`` (adding it to the list when it is new)."""
        if symbol not in self._symbols:
            self._symbols.append(symbol)
            self.add_row(symbol, "…", "", "", "", key=symbol)
        self.move_cursor(row=self._symbols.index(symbol))

    def show(self, quotes: Iterable[Quote]) -> None:
        """Update the rows whose quote changed; a failed quote keeps its last price, dimmed."""
        stale = 0
        for quote in quotes:
            if quote.symbol not in self._symbols:
                continue
            previous = self._rows.get(quote.symbol)
            if quote.error is not None:
                stale += 1
                if previous is not None and previous.last is not None:
                    quote = Quote(symbol=quote.symbol, last=previous.last,
                                  change_pct=previous.change_pct, signal=previous.signal,
                                  confidence=previous.confidence, source=previous.source,
                                  last_bar=previous.last_bar, error=quote.error)
            if quote == previous:
                continue
            self._rows[quote.symbol] = quote
            for key, value in zip((k for k, _, _ in _COLUMNS), _cells(quote), strict=True):
                self.update_cell(quote.symbol, key, value)
        self.border_subtitle = f"{stale} stale" if stale else ""

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Selected(event.row_key.value))

    def action_choose(self) -> None:
        if self.selected:
            self.post_message(self.Selected(self.selected))


def _cells(quote: Quote) -> tuple[Text | str, ...]:
    if quote.error is not None and quote.last is None:
        return (Text(quote.symbol, style="dim"), Text("no data", style="dim italic"), "", "", "")
    style = "dim" if quote.error is not None or quote.source in ("sample", "none") else ""
    confidence = "—" if quote.confidence is None else f"{quote.confidence:.0%}"
    return (Text(quote.symbol, style=style), Text(fmt.price(quote.last), style=style),
            fmt.pct(quote.change_pct), fmt.action(quote.signal), confidence)
