"""`volex halt` and `volex resume`: stop trading everywhere, now; lift it after confirmation.

Imports nothing heavy: the halt is stored through the store alone, before any venue is
touched, so it works with no network, no LLM and no market data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import (
    confirm,
    console,
    err_console,
    json_option,
    live_option,
    print_json,
    reason_option,
    volex,
    yes_option,
)

if TYPE_CHECKING:
    from volex.facade import Volex

__all__ = ["register", "show_halt_banner"]


def show_halt_banner(app: Volex) -> None:
    """Print one HALTED / REDUCE-ONLY line when trading is halted (one read of the store)."""
    from volex.commands.trading_view import halt_banner

    line = halt_banner(app.halt_state())
    if line:
        err_console.print(line)


def halt(
    ctx: typer.Context,
    flatten: bool = typer.Option(False, "--flatten", help="Also close every position at market."),
    reduce_only: bool = typer.Option(False, "--reduce-only", help="Allow only orders that shrink exposure."),
    reason: str = reason_option(),
    yes: bool = yes_option("Do not ask before --flatten."),
    as_json: bool = json_option(),
    live: bool = live_option("Cancel (and flatten) on the live venue too."),
) -> None:
    """Stop trading now in every Volex process; cancel open orders (--flatten: close positions)."""
    if flatten and not confirm("Halt trading and close every position at market?", yes):
        from volex.errors import Cancelled

        raise Cancelled("not halted (not confirmed)")
    app = volex(ctx, live=True) if live else volex(ctx)
    report = app.halt(reason=reason, reduce_only=reduce_only, flatten=flatten)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    from volex.commands.trading_view import amount, halt_banner

    console.print(halt_banner(report.state))
    console.print(f"cancelled {len(report.canceled)} open order(s)")
    for order in report.flattened:
        console.print(f"closed {amount(order.filled)} {order.symbol} ({order.status})")
    for problem in report.problems:
        console.print(f"[yellow]! {problem}[/]")


def resume(
    ctx: typer.Context,
    reason: str = reason_option(),
    yes: bool = yes_option(),
    as_json: bool = json_option(),
) -> None:
    """Lift a halt (asks to confirm)."""
    app = volex(ctx)
    state = app.halt_state()
    if not state.active:
        console.print("trading is not halted")
        return
    if not confirm(f"Resume trading? ({state.describe()})", yes):
        from volex.errors import Cancelled

        raise Cancelled("still halted (not confirmed)")
    now = app.resume(reason=reason)
    if as_json:
        print_json(now.model_dump(mode="json"))
        return
    console.print("[green]trading resumed[/]")


def register(app: typer.Typer) -> None:
    app.command("halt")(halt)
    app.command("resume")(resume)
