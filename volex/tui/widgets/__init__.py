"""Dashboard widgets, one module per area of the screen."""

from __future__ import annotations

from textual.widget import Widget

__all__ = ["set_subtitle"]


def set_subtitle(widget: Widget, text: str) -> None:
    """Set a border subtitle only when it changes: every assignment repaints the widget."""
    if widget.border_subtitle != text:
        widget.border_subtitle = text
