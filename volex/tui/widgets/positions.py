"""Positions with unrealised and realised PnL, open orders and recent fills."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

from volex.tui.feed import Section, attr
from volex.tui.widgets import fmt, set_subtitle

__all__ = ["PositionsPanel", "rows_of"]

_HEADERS = {
    "positions": ("Symbol", "Amount", "Entry", "Mark", "Unrealised", "Realised"),
    "orders": ("Symbol", "Side", "Type", "Amount", "Price", "Filled", "Id"),
    "fills": ("Time", "Symbol", "Side", "Amount", "Price", "Fee"),
}
_TITLES = {"positions": "Positions", "orders": "Open orders", "fills": "Recent fills"}


def rows_of(value: Any) -> list[Any]:
    """A facade answer as a list (lists stay, mappings give their values)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    return list(value)


def _side(value: Any) -> Text:
    side = str(value or "")
    return Text(side, style="green" if side == "buy" else "red" if side == "sell" else "")


def _position_row(p: Any) -> tuple[Any, ...]:
    unrealised = attr(p, "unrealised_pnl", "unrealized_pnl")
    return (str(attr(p, "symbol", default="?")), fmt.amount(attr(p, "amount")),
            fmt.price(attr(p, "entry_price")), fmt.price(attr(p, "mark_price")),
            fmt.signed(unrealised), fmt.signed(attr(p, "realised_pnl", "realized_pnl")))


def _order_row(o: Any) -> tuple[Any, ...]:
    order_id = str(attr(o, "id", "client_order_id", default=""))
    return (str(attr(o, "symbol", default="?")), _side(attr(o, "side")),
            str(attr(o, "type", default="")), fmt.amount(attr(o, "amount")),
            fmt.price(attr(o, "price")), fmt.amount(attr(o, "filled")), order_id[-10:])


def _fill_row(f: Any) -> tuple[Any, ...]:
    return (fmt.day_time(attr(f, "at")), str(attr(f, "symbol", default="?")),
            _side(attr(f, "side")), fmt.amount(attr(f, "amount")), fmt.price(attr(f, "price")),
            f"{fmt.amount(attr(f, 'fee'))} {attr(f, 'fee_currency', default='')}".strip())


_ROW = {"positions": _position_row, "orders": _order_row, "fills": _fill_row}


class _Table(DataTable[Any]):
    """A DataTable that redraws when it widens a column to new rows.

    Textual sizes columns to added rows when the table next goes idle, but rows it drew
    before that stay cached at the old widths; on a busy machine a table could stay cut
    ("BTC/US") until its content changed again.
    """

    _drawn_widths: tuple[int, ...] = ()

    def on_idle(self) -> None:
        widths = tuple(column.get_render_width(self) for column in self.ordered_columns)
        if widths != self._drawn_widths:
            self._drawn_widths = widths
            self.notify_style_update()  # drops the cached rows and redraws


class PositionsPanel(Vertical):
    """Three tables; each says "not available" or "stale" on its border when it cannot read."""

    DEFAULT_CSS = """
    PositionsPanel > DataTable {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "cancel_order", "Cancel order"),
    ]

    class CancelRequested(Message):
        """The trader asked to cancel the highlighted open order."""

        def __init__(self, order_id: str, symbol: str) -> None:
            super().__init__()
            self.order_id = order_id
            self.symbol = symbol

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._orders: list[Any] = []
        self._shown: dict[str, list[tuple[str, ...]]] = {}

    def compose(self) -> ComposeResult:
        for name, headers in _HEADERS.items():
            table = _Table(id=f"{name}-table", cursor_type="row", classes="panel")
            table.add_columns(*headers)
            table.border_title = _TITLES[name]
            yield table

    def table(self, name: str) -> DataTable[Any]:
        return self.query_one(f"#{name}-table", DataTable)

    def show(self, name: str, section: Section[Any], limit: int = 50) -> None:
        """Fill table ``name`` (positions, orders, fills); a failed read keeps the rows, marked."""
        table = self.table(name)
        if not section.ok:
            set_subtitle(table, ("not available" if section.error == "not available"
                                     else f"stale: {section.error}"))
            return
        items = rows_of(section.value)
        if name == "fills":
            items = items[-limit:][::-1]  # newest first
        if name == "orders":
            items = [o for o in items if attr(o, "status", default="open") == "open"]
            self._orders = items
        rows = [_ROW[name](item) for item in items[:limit]]
        set_subtitle(table, str(len(rows)) if rows else "none")
        fingerprint = [tuple(str(c) for c in row) for row in rows]
        if fingerprint == self._shown.get(name):
            return
        self._shown[name] = fingerprint
        table.clear()
        for row in rows:
            table.add_row(*row)

    def action_cancel_order(self) -> None:
        orders = self.table("orders")
        if orders.has_focus and 0 <= orders.cursor_row < len(self._orders):
            order = self._orders[orders.cursor_row]
            self.post_message(self.CancelRequested(str(attr(order, "id", default="")),
                                                   str(attr(order, "symbol", default=""))))
