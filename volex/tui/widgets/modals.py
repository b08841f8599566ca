"""Modal screens: yes/no confirmation, the trade plan, the trade ticket and plain output."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from volex.domain.printable import printable
from volex.tui.feed import attr
from volex.tui.widgets import fmt

__all__ = ["ConfirmModal", "OutputModal", "TradePlanModal", "TradeTicketModal", "render_plan"]

_MODAL_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 76;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: thick $accent;
    background: $surface;
    padding: 1 2;
}}
{name} .title {{
    text-style: bold;
    width: 1fr;
    margin-bottom: 1;
}}
{name} Horizontal.buttons {{
    height: auto;
    align-horizontal: right;
    margin-top: 1;
}}
{name} Button {{
    margin-left: 2;
}}
"""


class ConfirmModal(ModalScreen[bool]):
    """A question with Yes (y) and No (n, escape); dismisses with the answer."""

    DEFAULT_CSS = _MODAL_CSS.format(name="ConfirmModal")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    class Answered(Message):
        """The trader answered the question."""

        def __init__(self, yes: bool) -> None:
            super().__init__()
            self.yes = yes

    def __init__(self, title: str, body: RenderableType = "", *, yes_label: str = "Yes",
                 danger: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes_label = yes_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.body:
                yield Static(self.body)
            with Horizontal(classes="buttons"):
                yield Button("No (n)", id="no")
                yield Button(f"{self.yes_label} (y)", id="yes",
                             variant="error" if self.danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.post_message(self.Answered(yes))
        self.dismiss(yes)


def render_plan(plan: Any) -> RenderableType:
    """A trade plan in the trader's words: what, how much, expected price, fees, stops, checks."""
    request = attr(plan, "request", default=plan)
    symbol = attr(request, "symbol", default="?")
    side = str(attr(request, "side", default="?"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="cyan")
    grid.add_column()
    grid.add_row("Order", Text.assemble(fmt.action(side), f" {fmt.amount(attr(request, 'amount'))} "
                                        f"{symbol} · {attr(request, 'type', default='market')}"))
    quote = attr(plan, "quote_currency", default="")
    price_source = attr(plan, "price_source", default="")
    grid.add_row("Price", f"{fmt.price(attr(plan, 'price'))} {quote}"
                          + (f" ({price_source} price)" if price_source != "exchange" else ""))
    grid.add_row("Value", f"{fmt.money(attr(plan, 'quote_amount'))} {quote}")
    grid.add_row("Fee", f"{fmt.money(attr(plan, 'fee'))} {quote}")
    for label, name in (("Stop loss", "stop_loss_price"), ("Take profit", "take_profit_price")):
        if attr(plan, name) is not None:
            grid.add_row(label, fmt.price(attr(plan, name)))
    grid.add_row("Venue", f"{attr(plan, 'exchange', default='?')} · "
                          f"{str(attr(plan, 'mode', default='?')).upper()}")
    if attr(plan, "confidence") is not None:
        grid.add_row("Confidence", f"{float(attr(plan, 'confidence')):.0%}")
    if attr(plan, "sized_by"):
        grid.add_row("Sized by", str(attr(plan, "sized_by")))
    for check in attr(plan, "checks", default=[]) or []:
        passed = bool(attr(check, "passed", default=False))
        grid.add_row(Text("✔ risk" if passed else "✖ BLOCKED", style="green" if passed else "bold red"),
                     printable(str(attr(check, "message", "name", default=""))))
    halt = attr(plan, "halt")
    if halt is not None and attr(halt, "active", default=False):
        grid.add_row(Text("✖ HALT", style="bold red"), str(halt.describe()))
    for note in attr(plan, "notes", default=[]) or []:
        grid.add_row(Text("note", style="yellow"), printable(str(note)))
    return grid


def plan_allowed(plan: Any) -> bool:
    """Whether the plan passes every risk check (the facade decides; this only reads it)."""
    approved = attr(plan, "approved")
    return bool(approved) if approved is not None else True


class TradePlanModal(ConfirmModal):
    """The trade plan, and Place (y) / Cancel (n); a blocked plan can only be closed."""

    DEFAULT_CSS = _MODAL_CSS.format(name="TradePlanModal")

    def __init__(self, plan: Any) -> None:
        allowed = plan_allowed(plan)
        super().__init__("Trade plan — place this order?" if allowed
                         else "Trade plan — blocked by risk rules",
                         render_plan(plan), yes_label="Place order", danger=False)
        self.plan = plan
        self.allowed = allowed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll():
                yield Static(self.body, id="plan")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (n)", id="no")
                if self.allowed:
                    yield Button("Place order (y)", id="yes", variant="success")

    def action_answer(self, yes: bool) -> None:
        super().action_answer(yes and self.allowed)


class TradeTicketModal(ModalScreen[str | None]):
    """A small order form; dismisses with the command text it stands for, or None."""

    DEFAULT_CSS = _MODAL_CSS.format(name="TradeTicketModal") + """
    TradeTicketModal Input, TradeTicketModal Select { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    class Filled(Message):
        """The ticket was filled in; ``text`` is the equivalent command."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, symbol: str | None) -> None:
        super().__init__()
        self.symbol = symbol or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Trade ticket", classes="title")
            yield Select([("Buy", "buy"), ("Sell", "sell")], value="buy", allow_blank=False,
                         id="ticket-side")
            yield Input(self.symbol, placeholder="symbol, e.g. BTC/USDT", id="ticket-symbol")
            yield Input(placeholder="amount: 0.01 (base) · $500 (quote) · 50% (of holding)",
                        id="ticket-amount")
            yield Input(placeholder="limit price (empty: market)", id="ticket-price")
            yield Input(placeholder="stop loss % (optional)", id="ticket-stop")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Review plan", id="review", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ticket-amount", Input).focus()

    def command_text(self) -> str:
        """The ticket as the plain-English command the command bar also accepts."""
        side = self.query_one("#ticket-side", Select).value
        symbol = self.query_one("#ticket-symbol", Input).value.strip()
        size = self.query_one("#ticket-amount", Input).value.strip()
        price = self.query_one("#ticket-price", Input).value.strip()
        stop = self.query_one("#ticket-stop", Input).value.strip().rstrip("%")
        if size.endswith("%"):
            text = f"{side} {size} of my {symbol}"
        elif size.startswith("$"):
            text = f"{side} {size} of {symbol}"
        else:
            text = f"{side} {size} {symbol}"
        if price:
            text += f" at {price}"
        if stop:
            text += f" with a {stop}% stop"
        return text

    def on_input_submitted(self) -> None:
        self._review()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "review":
            self._review()
        else:
            self.dismiss(None)

    def _review(self) -> None:
        if not self.query_one("#ticket-amount", Input).value.strip():
            self.notify("enter an amount", severity="warning")
            return
        text = self.command_text()
        self.post_message(self.Filled(text))
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OutputModal(ModalScreen[None]):
    """Read-only output (an analysis, a command's result); any of escape/q/enter closes it."""

    DEFAULT_CSS = _MODAL_CSS.format(name="OutputModal") + """
    OutputModal > Vertical { width: 110; }
    OutputModal VerticalScroll { height: auto; max-height: 40; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "close", "Close")]

    class Closed(Message):
        """The output was dismissed."""

    def __init__(self, title: str, body: RenderableType) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll():
                yield Static(self.body, id="output-body")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close", variant="primary")

    def on_button_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.post_message(self.Closed())
        self.dismiss(None)
