"""The alerts and events feed: risk blocks, halts, fills, errors, agent health changes."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.message import Message
from textual.widgets import RichLog

from volex.tui.feed import EventRow

__all__ = ["EventsFeed"]

_LEVEL_STYLE = {"info": "", "good": "green", "warning": "yellow", "error": "bold red"}


class EventsFeed(RichLog):
    """Each event once, oldest at the top; errors and halts stand out in colour."""

    DEFAULT_CSS = """
    EventsFeed {
        height: 1fr;
        border: round $primary-darken-2;
        border-title-color: $text-accent;
        scrollbar-size-vertical: 1;
    }
    EventsFeed:focus {
        border: round $accent;
    }
    """


    class Alert(Message):
        """An event that needs the trader's eye (error or halt) arrived."""

        def __init__(self, event: EventRow) -> None:
            super().__init__()
            self.event = event

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=500, min_width=20, wrap=True, markup=False,
                         auto_scroll=True)
        self.border_title = "Alerts & events"
        self._seen: set[str] = set()
        self.count = 0

    def add(self, events: Iterable[EventRow]) -> int:
        """Write the events not shown yet; returns how many were new."""
        new = 0
        for event in sorted(events, key=lambda e: e.at):
            if event.id in self._seen:
                continue
            self._seen.add(event.id)
            new += 1
            line = Text(f"{event.at:%H:%M:%S} ", style="dim")
            line.append(f"{event.kind:<7}", style="bold " + _LEVEL_STYLE[event.level])
            line.append(event.text, style=_LEVEL_STYLE[event.level])
            self.write(line)
            if event.level == "error":
                self.post_message(self.Alert(event))
        self.count += new
        return new

    @property
    def lines_text(self) -> list[str]:
        """The feed's lines as plain text (what a trader reads)."""
        return [strip.text for strip in self.lines]
