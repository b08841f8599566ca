"""`volex halt` and `volex resume`: stop trading everywhere, now; lift it after confirmation.

The halt is stored first, by the halt switch writing through the lightest connection to the
store (sqlite3 for the default SQLite file) before the facade, SQLAlchemy, pandas or any
venue is loaded; it works with no network, no LLM and no market data. Then the facade
announces it on the bus and cancels open orders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import actor_of, confirm, console, err_console, print_json, volex

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
    reason: str = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before --flatten."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    live: bool = typer.Option(False, "--live", help="Cancel (and flatten) on the live venue too."),
) -> None:
    """Stop trading now in every Volex process; cancel open orders (--flatten: close positions)."""
    if flatten and not confirm("Halt trading and close every position at market?", yes):
        from volex.errors import Cancelled

        raise Cancelled("not halted (not confirmed)")
    from volex.agents.halt import HaltSwitch
    from volex.config_sources import database_url

    url = database_url()
    switch = HaltSwitch.for_url(url, flush=lambda: _announce_now(url))
    state = switch.halt(actor_of(ctx), reason, reduce_only=reduce_only,
                        details={"flatten": flatten})
    app = volex(ctx, live=True) if live else volex(ctx)
    report = app.after_halt(state, flatten=flatten)
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


def _announce_now(url: str) -> None:
    """Hand the stored halt's event to the bus at once: other processes wait for it, and the
    rest of Volex (loaded next, to cancel orders) can take a while to start."""
    from volex.config import load_settings

    settings = load_settings()
    if not settings.bus.url:
        return  # no shared bus: the store is how other processes learn of the halt
    from volex.adapters.bus.outbox import Events
    from volex.adapters.bus.redis_bus import RedisBus
    from volex.adapters.storage.db import Database

    bus = RedisBus(settings.bus.url, namespace=settings.bus.namespace)
    try:
        Events(Database(url, migrate=False), bus).flush()
    finally:
        bus.close()


def resume(
    ctx: typer.Context,
    reason: str = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
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
