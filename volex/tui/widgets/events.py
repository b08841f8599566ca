"""The alerts and events feed: risk blocks, halts, fills, errors, agent health changes.

Drawn line by line (newest at the bottom) rather than as a RichLog: a RichLog grows its
virtual size on every line, and each growth re-lays out the whole screen, which cost more
than everything else in a refresh. Up and down scroll back through the last 500 events.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from volex.domain.printable import printable
from volex.tui.feed import EventRow

__all__ = ["EventsFeed"]

_LEVEL_STYLE = {"info": "", "good": "green", "warning": "yellow", "error": "bold red"}
_KEEP = 500


class EventsFeed(Widget, can_focus=True):
    """Each event once, in time order; errors and halts stand out in colour."""

    DEFAULT_CSS = """
    EventsFeed {
        height: 1fr;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_back(1)", "Older", show=False),
        Binding("down", "scroll_back(-1)", "Newer", show=False),
        Binding("end", "scroll_back(0)", "Newest", show=False),
    ]

    class Alert(Message):
        """An event that needs the trader's eye (error or halt) arrived."""

        def __init__(self, event: EventRow) -> None:
            super().__init__()
            self.event = event

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Alerts & events"
        self._seen: set[str] = set()
        self._lines: list[Text] = []
        self._times: list[datetime] = []
        self._strips: list[Strip] | None = None
        self._wrapped: dict[int, list[Strip]] = {}
        self._wrapped_width = 0
        self._back = 0  # events scrolled back from the newest
        self.count = 0

    def add(self, events: Iterable[EventRow]) -> int:
        """Show the events not shown yet; returns how many were new."""
        new = 0
        for event in sorted(events, key=lambda e: e.at):
            if event.id in self._seen:
                continue
            self._seen.add(event.id)
            new += 1
            line = Text(f"{event.at:%H:%M:%S} ", style="dim")
            line.append(f"{event.kind:<7}", style="bold " + _LEVEL_STYLE[event.level])
            line.append(printable(event.text), style=_LEVEL_STYLE[event.level])
            # in time order: the parts of a refresh arrive from workers in any order
            at = bisect.bisect_right(self._times, event.at)
            self._times.insert(at, event.at)
            self._lines.insert(at, line)
            if len(self._lines) > _KEEP:  # the oldest line goes: so does its wrapping
                self._times.pop(0)
                self._wrapped.pop(id(self._lines.pop(0)), None)
            if event.level == "error":
                self.post_message(self.Alert(event))
        if new:
            self.count += new
            self._strips = None
            self.refresh()
        return new

    @property
    def lines_text(self) -> list[str]:
        """Every kept event as plain text, oldest first (what a trader reads)."""
        return [line.plain for line in self._lines]

    def action_scroll_back(self, step: int) -> None:
        self._back = 0 if step == 0 else max(0, min(len(self._lines) - 1, self._back + step))
        self._strips = None
        self.refresh()

    def on_resize(self) -> None:
        self._strips = None

    def _visible(self) -> list[Strip]:
        """The wrapped lines of the newest events that fit, oldest at the top."""
        width, height = self.content_size.width, self.content_size.height
        if width <= 0 or height <= 0:
            return []
        if width != self._wrapped_width or len(self._wrapped) > 2 * _KEEP:
            self._wrapped, self._wrapped_width = {}, width
        strips: list[Strip] = []
        newest = len(self._lines) - 1 - self._back
        for index in range(newest, -1, -1):
            strips[:0] = self._wrap(self._lines[index], width)
            if len(strips) >= height:
                break
        return strips[-height:]

    def _wrap(self, line: Text, width: int) -> list[Strip]:
        """``line`` cut to ``width`` (kept: wrapping is the costly part of a repaint)."""
        found = self._wrapped.get(id(line))
        if found is None:
            console = Console(width=width, legacy_windows=False, color_system="truecolor")
            found = [Strip(next(iter(Segment.split_and_crop_lines(piece.render(console), width,
                                                                  pad=False))))
                     for piece in line.wrap(console, width)]
            self._wrapped[id(line)] = found
        return found

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._visible()
        width = self.content_size.width
        if y >= len(self._strips):
            return Strip.blank(width, self.rich_style)
        return self._strips[y].crop_extend(0, width, self.rich_style).apply_style(self.rich_style)
