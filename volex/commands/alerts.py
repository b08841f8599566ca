"""`volex alert` and `volex alerts`: price alerts, checked on demand or by a watcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import console, err_console, json_option, print_json, volex
from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.agents.alerts import AlertCheck
    from volex.facade import Volex

__all__ = ["register"]


def alert(
    ctx: typer.Context,
    symbol: str = typer.Argument(..., help="Market to watch, e.g. BTC/USDT or btc."),
    above: str = typer.Option(None, "--above", help="Fire when the price is at or above this level."),
    below: str = typer.Option(None, "--below", help="Fire when the price is at or below this level."),
    note: str = typer.Option(None, "--note", help="A reminder shown when the alert fires."),
    as_json: bool = json_option("Print the new alert as JSON."),
) -> None:
    """Add a price alert: `volex alert BTC --above 70000`."""
    if (above is None) == (below is None):
        raise UserInputError("say exactly one of --above PRICE or --below PRICE")
    condition, price = ("above", above) if above is not None else ("below", below)
    created = volex(ctx).add_alert(symbol, condition, price, note=note)
    if as_json:
        print_json(created.model_dump(mode="json"))
        return
    console.print(f"alert #{created.id}: {created.describe()} (`volex alerts --check` checks it)")


def alerts(
    ctx: typer.Context,
    check: bool = typer.Option(False, "--check", help="Price the watched markets now and fire what was reached."),
    watch: bool = typer.Option(False, "--watch", help="Keep checking (every --every seconds) until no alert is left; Ctrl-C stops."),
    every: float = typer.Option(30.0, "--every", min=1.0, help="Seconds between checks with --watch."),
    rounds: int = typer.Option(None, "--rounds", hidden=True, min=1, help="Stop --watch after N checks."),
    remove: int = typer.Option(None, "--remove", help="Delete the alert with this id."),
    show_all: bool = typer.Option(False, "--all", help="Include alerts that already fired."),
    events: bool = typer.Option(False, "--events", help="Show the latest events instead: fills, halts, alerts, anomalies... (what notifications say)."),
    limit: int = typer.Option(30, "--limit", min=1, help="How many events with --events."),
    as_json: bool = json_option(),
) -> None:
    """List price alerts; --check fires those reached, --watch keeps checking, --remove ID deletes one, --events shows the latest events."""
    app = volex(ctx)
    if events:
        _show_events(app, limit, as_json)
        return
    if remove is not None:
        app.remove_alert(remove)
        console.print(f"alert #{remove} removed")
        return
    if watch:
        _watch(app, every, rounds, as_json)
        return
    if check:
        _show_check(app.check_alerts(), as_json, quiet=False)
        return
    listed = app.alerts(include_triggered=show_all)
    if as_json:
        print_json([a.model_dump(mode="json") for a in listed])
        return
    if not listed:
        console.print("no alerts: `volex alert BTC --above 70000` adds one")
        return
    from rich.table import Table

    table = Table("ID", "Market", "When", "Level", "Note", "Fired")
    for a in listed:
        fired = f"{a.triggered_at:%Y-%m-%d %H:%M} at {a.triggered_price:,f}" if a.triggered_at else ""
        table.add_row(str(a.id), a.symbol, a.condition, f"{a.price:,f}", a.note or "", fired)
    console.print(table)


def _show_events(app: Volex, limit: int, as_json: bool) -> None:
    """The same events the notification channels and the dashboard's feed get."""
    found = app.events(limit)
    if as_json:
        print_json([{"at": e.at.isoformat(), "kind": e.kind, "level": e.level, "title": e.title,
                     "body": e.body, "actor": e.actor} for e in found])
        return
    if not found:
        console.print("no events yet")
        return
    style = {"critical": "bold red", "warning": "yellow", "info": "default"}
    for e in found:
        console.print(f"{e.at:%Y-%m-%d %H:%M:%S} [{style[e.level]}]{e.kind:<10} {e.line()}[/]")


def _show_check(result: AlertCheck, as_json: bool, *, quiet: bool) -> None:
    if as_json:
        print_json({"fired": [{**a.model_dump(mode="json"), "price_source": t.source}
                              for a, t in result.fired], "unpriced": result.unpriced})
        return
    for fired, ticker in result.fired:
        flag = "" if ticker.source == "exchange" else f" [yellow]({ticker.source} price)[/]"
        console.print(f"[bold magenta]ALERT #{fired.id}[/] {fired.describe()}: now "
                      f"{ticker.last:,f}{flag}{' - ' + fired.note if fired.note else ''}")
    for symbol, problem in result.unpriced.items():
        console.print(f"[yellow]! no price for {symbol}: {problem}[/]")
    if not result.fired and not quiet:
        console.print("no alert fired")


def _watch(app: Volex, every: float, rounds: int | None, as_json: bool) -> None:
    """Check until every alert has fired (or Ctrl-C); each check prices each market once."""
    import time

    done = 0
    try:
        while app.alerts():
            _show_check(app.check_alerts(), as_json, quiet=True)
            done += 1
            if rounds is not None and done >= rounds:
                return
            if app.alerts():
                time.sleep(every)
    except KeyboardInterrupt:  # how a watch is meant to end: not an error
        err_console.print(f"stopped watching after {done} check(s)")
        return
    if not as_json:
        console.print("no active alerts left")


def status(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Trading state (ACTIVE / HALTED / REDUCE-ONLY), mode, venue, store, bus and alerts."""
    info = volex(ctx).status()
    if as_json:
        print_json(info)
        return
    style = {"ACTIVE": "bold green", "HALTED": "bold white on red", "REDUCE-ONLY": "bold black on yellow"}
    trading = info["trading"]
    label = trading["state"]
    console.print(f"Trading: [{style[label]}] {label} [/]"
                  + (f"  since {trading['since']} by {trading['actor']}: "
                     f"{trading['reason'] or 'no reason given'}" if label != "ACTIVE" else ""))
    mode = "[bold red]LIVE[/]" if info["mode"] == "live" else "[bold cyan]PAPER[/]"
    console.print(f"Mode: {mode} on {info['exchange']}{' (offline)' if info['offline'] else ''}")
    console.print(f"Store: {info['store']}   Bus: {info['bus']}   Cache: {info['cache']}   LLM: {info['llm']}")
    console.print(f"Watchlist: {', '.join(info['watchlist'])}   Active alerts: {info['active_alerts']}"
                  f"   Cached series: {info['cached_series']}")
    pilot = info["autopilot"]
    where = f" at {pilot['host']} pid {pilot['pid']}" if pilot.get("running") else ""
    console.print(f"Autopilot: {pilot['status']}{where}   (volex run status)")


def register(app: typer.Typer) -> None:
    app.command("alert")(alert)
    app.command("alerts")(alerts)
    app.command("status")(status)
