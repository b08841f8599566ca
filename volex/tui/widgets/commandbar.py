"""The command bar: the same plain English and CLI syntax as the shell (`/` or `:` opens it)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

__all__ = ["CommandBar"]


class CommandBar(Input):
    """A one-line prompt that hides when done; up and down walk the history."""

    DEFAULT_CSS = """
    CommandBar {
        display: none;
        dock: bottom;
        margin-bottom: 1;
        border: tall $accent;
    }
    CommandBar.open {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", show=True),
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
    ]

    class Command(Message):
        """The trader entered a command (text as typed, without the leading `/` or `:`)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="buy $500 of ETH with a 5% stop · analyze sol · "
                                     "volex trade BTC/USDT --side buy --amount 0.01 · halt",
                         id=id)
        self.history: list[str] = []
        self._at = 0

    def open(self, text: str = "") -> None:
        self.add_class("open")
        self.value = text
        self.cursor_position = len(text)
        self.focus()

    def action_close(self) -> None:
        self.value = ""
        self.remove_class("open")
        self.screen.focus_next()

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._at = max(0, min(len(self.history), self._at + step))
        self.value = self.history[self._at] if self._at < len(self.history) else ""
        self.cursor_position = len(self.value)

    async def action_submit(self) -> None:
        text = self.value.strip().lstrip("/:").strip()
        self.action_close()
        if not text:
            return
        self.history.append(text)
        self._at = len(self.history)
        self.post_message(self.Command(text))
