"""The help screen: every key and a few example commands."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

__all__ = ["HelpScreen"]

KEYS = (
    ("/ or :", "command bar: plain English or CLI syntax, as in the shell"),
    ("t", "trade ticket for the selected symbol (shows the plan before anything is sent)"),
    ("a", "analyze the selected symbol"),
    ("h", "halt trading (asks once)"),
    ("r", "resume trading (asks once)"),
    ("c", "chart: candles or line"),
    ("f", "chart: next timeframe"),
    ("x", "cancel the highlighted open order (in the orders table)"),
    ("p", "the autopilot (volex run): its state and last decisions; s there stops it"),
    ("tab", "move between panels"),
    ("?", "this help"),
    ("q", "quit"),
)
EXAMPLES = (
    "buy $500 of ETH with a 5% stop",
    "sell half my BTC at 70000",
    "analyze sol on 4h",
    "volex trade BTC/USDT --side buy --amount 0.01",
    "halt because the feed looks wrong",
    "resume",
)


class HelpScreen(ModalScreen[None]):
    """Keys and examples; escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > Vertical {
        width: 90; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    HelpScreen Label { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan")
        keys.add_column()
        for key, what in KEYS:
            keys.add_row(key, what)
        examples = Table.grid()
        for example in EXAMPLES:
            examples.add_row(f"  {example}")
        with Vertical():
            yield Label("Volex dashboard — keys")
            yield Static(keys)
            yield Label("Commands")
            yield Static(examples)

    def action_close(self) -> None:
        self.dismiss(None)
