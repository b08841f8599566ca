"""`volex notify`: where people are told (Telegram, Discord, Slack, email, webhooks...).

URLs hold tokens: they go to the secret store and are never printed, logged or stored in the
database. A channel is listed by its name, service and a masked address.
"""

from __future__ import annotations

import sys

import typer

from volex.commands.common import console, json_option, print_json, volex
from volex.errors import UserInputError

__all__ = ["register"]

notify_app = typer.Typer(help="Notification channels: add, list, test, remove.",
                         no_args_is_help=True)

EVENTS_HELP = ("Event kinds to send (comma-separated; default all): fills, stops, rejects, risk, "
               "halts, loss, autopilot, components, anomalies, models, summary, alerts, errors.")


@notify_app.command("add")
def add(
    ctx: typer.Context,
    url: str = typer.Argument(None, help="An apprise URL (tgram://TOKEN/CHAT, discord://ID/TOKEN, "
                                          "mailto://..., json://host/path). Omit it with --stdin."),
    name: str = typer.Option(None, "--name", help="Channel name (default: the service, e.g. telegram)."),
    events: str = typer.Option(None, "--events", help=EVENTS_HELP),
    silent: str = typer.Option(None, "--silent", help="Event kinds to send without sound (same names)."),
    level: str = typer.Option("info", "--level", help="Lowest level sent: info, warning or critical."),
    stdin: bool = typer.Option(False, "--stdin", help="Read the URL from stdin (keeps it out of shell history)."),
) -> None:
    """Add a channel (the URL is kept in the secret store, never shown)."""
    if stdin:
        url = sys.stdin.readline().strip()
    if not url:
        raise UserInputError("give the channel's URL (or --stdin and pipe it)")
    channel = volex(ctx).notify_add(url, name=name, events=events, silent=silent, level=level)
    console.print(f"channel {channel.name} ({channel.service}) added; `volex notify test "
                  f"{channel.name}` sends a test message")


@notify_app.command("list")
def list_(ctx: typer.Context,
          as_json: bool = json_option("Print JSON.")) -> None:
    """Channels: name, service, masked address, kinds sent (on / silent), level, queue."""
    channels = volex(ctx).notify_channels()
    if as_json:
        print_json(channels)
        return
    if not channels:
        console.print("no channels: `volex notify add tgram://BOT_TOKEN/CHAT_ID` adds one")
        return
    from rich.table import Table

    table = Table("Name", "Service", "Address", "On", "Silent", "Level", "Waiting")
    for c in channels:
        waiting = str(c["waiting"]) + (f" ({c['last_error']})" if c["last_error"] else "")
        table.add_row(c["name"], c["service"], c["address"], ",".join(c["on"]) or "-",
                      ",".join(c["silent"]) or "-", c["level"], waiting)
    console.print(table)


@notify_app.command("set")
def set_(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Channel name."),
    modes: list[str] = typer.Argument(None, help="KIND=on|silent|off, e.g. fills=silent anomalies=off."),
    level: str = typer.Option(None, "--level", help="Lowest level sent: info, warning or critical."),
) -> None:
    """Turn event kinds on, silent or off for a channel."""
    changes = {}
    for item in modes or []:
        kind, _, mode = item.partition("=")
        if not mode:
            raise UserInputError(f"say KIND=on|silent|off, not {item!r}")
        changes[kind.strip().lower()] = mode.strip().lower()
    channel = volex(ctx).notify_set(name, changes, level=level)
    on = [k for k, m in channel.modes.items() if m == "on"]
    quiet = [k for k, m in channel.modes.items() if m == "silent"]
    console.print(f"{channel.name}: on {', '.join(on) or '-'}; silent {', '.join(quiet) or '-'}; "
                  f"level {channel.level}")


@notify_app.command("test")
def test(ctx: typer.Context, name: str = typer.Argument(None, help="Channel (default: every one)."),
         as_json: bool = json_option("Print JSON.")) -> None:
    """Send a test message now and say whether each channel took it."""
    results = volex(ctx).notify_test(name)
    if as_json:
        print_json([vars(r) for r in results])
    else:
        for r in results:
            if r.ok:
                console.print(f"[green]sent[/] {r.channel} ({r.service}) in {r.seconds:.2f} s")
            else:
                console.print(f"[red]failed[/] {r.channel} ({r.service}): {r.error}")
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@notify_app.command("remove")
def remove(ctx: typer.Context, name: str = typer.Argument(..., help="Channel name.")) -> None:
    """Remove a channel and its URL (what still waits for it is dropped)."""
    volex(ctx).notify_remove(name)
    console.print(f"channel {name.strip().lower()} removed")


@notify_app.command("heartbeat")
def heartbeat(
    ctx: typer.Context,
    url: str = typer.Argument(None, help="Push URL pinged every minute (healthchecks.io, Uptime Kuma...)."),
    remove_it: bool = typer.Option(False, "--remove", help="Forget the URL."),
    stdin: bool = typer.Option(False, "--stdin", help="Read the URL from stdin."),
) -> None:
    """Set the dead man's switch URL (kept in the secret store; or [monitor] heartbeat_url)."""
    if stdin:
        url = sys.stdin.readline().strip()
    if remove_it:
        volex(ctx).set_heartbeat_url(None)
        console.print("heartbeat URL removed")
        return
    if not url or not url.startswith(("http://", "https://")):
        raise UserInputError("the heartbeat URL is an http(s) URL (or --remove)")
    volex(ctx).set_heartbeat_url(url)
    console.print("heartbeat URL stored; `volex monitor` (and `volex run`) ping it every minute")


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
