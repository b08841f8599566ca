"""Number, price and time formatting shared by the dashboard's panels."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from rich.text import Text

__all__ = ["action", "age", "amount", "clock_time", "day_time", "money", "pct", "price", "signed"]

_ACTION_STYLE = {"buy": "bold green", "long": "bold green", "sell": "bold red",
                 "short": "bold red", "hold": "yellow", "flat": "yellow"}


def price(value: float | Decimal | None) -> str:
    """A price with sensible digits: 97,123.45 · 3.2140 · 0.00001234."""
    if value is None:
        return "—"
    number = float(value)
    if abs(number) >= 1000:
        return f"{number:,.2f}"
    if abs(number) >= 1:
        return f"{number:,.4f}"
    return f"{number:.6g}"


def amount(value: float | Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{float(value):.8g}"


def money(value: float | Decimal | None) -> str:
    return "—" if value is None else f"{float(value):,.2f}"


def signed(value: float | Decimal | None, suffix: str = "") -> Text:
    """A green positive or red negative number (PnL, change)."""
    if value is None:
        return Text("—", style="dim")
    number = float(value)
    style = "green" if number > 0 else "red" if number < 0 else ""
    return Text(f"{number:+,.2f}{suffix}", style=style)


def pct(value: float | None) -> Text:
    return signed(value, "%")


def action(value: str | None) -> Text:
    if value is None:
        return Text("—", style="dim")
    return Text(value.upper(), style=_ACTION_STYLE.get(value.lower(), ""))


def clock_time(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%H:%M:%S}"


def day_time(value: datetime | None) -> str:
    """Month-day and minute: when a fill or an order happened."""
    return "—" if value is None else f"{value:%m-%d %H:%M}"


def age(seconds: float) -> str:
    """A short age: 45s, 12m, 3h, 5d."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"
