"""The rendering edge of the CLI: every segment a console writes has its controls escaped.

Rich styles its output with escape sequences of its own, added when segments are written;
the *text* of a segment comes from the data (a halt reason, a venue's message, a headline),
so escaping control characters there covers every table, panel and line at once, whatever
built it (a string, a ``Text``, a cell). Control segments rich makes itself (cursor moves of
a live display) pass untouched.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment

from volex.domain.printable import has_controls, printable

__all__ = ["EscapeControls", "safe_console"]


class _Escaped:
    """``renderable`` rendered, with control characters in its text made visible."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control or not has_controls(segment.text):
                yield segment
            else:
                yield Segment(printable(segment.text), segment.style)


class EscapeControls(RenderHook):
    """A render hook wrapping everything printed in :class:`_Escaped`."""

    def process_renderables(self, renderables: list[RenderableType]) -> list[RenderableType]:
        return [_Escaped(r) for r in renderables]


def safe_console(**kwargs: object) -> Console:
    """A rich Console whose output never carries a control character from the data."""
    console = Console(**kwargs)  # type: ignore[arg-type]
    console.push_render_hook(EscapeControls())
    return console
