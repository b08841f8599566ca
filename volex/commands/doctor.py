"""`volex doctor`: every configured component, its status, latency and how to fix failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import console, json_option, print_json, volex

if TYPE_CHECKING:
    from volex.agents.monitor import Health

__all__ = ["register", "render_health"]

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "off": "dim"}


def render_health(rows: list[Health], first: str = "Component") -> None:
    """One table: component, status, latency, what was seen, and a hint where it failed."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(first, "Status", "Latency", "Detail", "Hint")
    for row in rows:
        latency = "-" if row.latency_ms is None else f"{row.latency_ms:,.0f} ms"
        style = _STYLE.get(row.status, "")
        table.add_row(escape(row.component), f"[{style}]{row.status}[/]", latency,
                      escape(row.detail), escape(row.hint))
    console.print(table)


def doctor(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Check the store, event bus, cache, secrets, exchanges and the LLM; exit 1 if any fails."""
    rows = volex(ctx).doctor()
    if as_json:
        print_json([r.to_dict() for r in rows])
    else:
        render_health(rows)
    if any(r.status == "fail" for r in rows):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
