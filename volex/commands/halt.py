"""`volex halt` and `volex resume`: stop trading everywhere, now; lift it after confirmation.

The halt is stored first, by the halt switch writing through the lightest connection to the
store (sqlite3 for the default SQLite file) before the facade, SQLAlchemy, pandas or any
venue is loaded; it works with no network, no LLM and no market data. Then the facade
announces it on the bus and cancels open orders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import (
    actor_of,
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
    from volex.adapters.bus.redis_bus import RedisBus
    from volex.agents.halt import HaltSwitch
    from volex.domain.orders import HaltReport
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
    from volex.config_sources import execution_is_remote

    if execution_is_remote():  # the halt is stored where the execution agent keeps its store
        app = volex(ctx, live=True) if live else volex(ctx)
        _show(app.halt(reason=reason, reduce_only=reduce_only, flatten=flatten), as_json)
        return
    from volex.agents.halt import HaltSwitch
    from volex.config_sources import database_url, prepare_home, volex_home

    prepare_home(volex_home())  # a home that cannot be used is one line, before any write
    bus = _shared_bus()  # ready before the halt, so that it is announced the moment it is stored
    switch = HaltSwitch.for_url(database_url(),
                                flush=(lambda: _announce(switch, bus)) if bus else None)
    try:
        state = switch.halt(actor_of(ctx), reason, reduce_only=reduce_only,
                            details={"flatten": flatten})
    finally:
        if bus is not None:
            bus.close()
    app = volex(ctx, live=True) if live else volex(ctx)
    _show(app.after_halt(state, flatten=flatten), as_json)


def _show(report: HaltReport, as_json: bool) -> None:
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


def _shared_bus() -> RedisBus | None:
    """The bus other processes listen on, when one is configured (else the store alone tells
    them: every order re-reads the halt)."""
    from volex.config_sources import bus_configured

    if not bus_configured():
        return None
    from volex.config import load_settings
    from volex.errors import VolexError

    try:
        settings = load_settings()
        if not settings.bus.url:
            return None
        from volex.adapters.bus.redis_bus import RedisBus

        return RedisBus(settings.bus.url, namespace=settings.bus.namespace)
    except VolexError as exc:  # the halt never waits for, or fails on, the bus
        err_console.print(f"[yellow]! the halt will not be announced now: {exc}[/]")
        return None


def _announce(switch: HaltSwitch, bus: RedisBus) -> None:
    """Hand the stored halt's event to the bus at once, through the switch's own connection
    (the rest of Volex, loaded next to cancel orders, takes a while to start). What the bus
    does not take waits in the outbox for the next flush."""
    from volex.adapters.bus.outbox_sql import deliver
    from volex.errors import BusError

    try:
        with switch.ledger.transaction() as run:
            deliver(run, bus.publish, BusError)
    except Exception as exc:  # noqa: BLE001 - stored already; the outbox keeps the event
        err_console.print(f"[yellow]! halt stored, not announced yet: {exc}[/]")


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
