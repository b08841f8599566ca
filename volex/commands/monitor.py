"""`volex monitor`: the watch as its own process, or one check with --once."""

from __future__ import annotations

import typer

from volex.commands.common import console, err_console, json_option, print_json, volex

__all__ = ["register"]


def monitor(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Check once, send what is due, and exit (1 if anything is wrong)."),
    as_json: bool = json_option("Print the check as JSON (with --once)."),
) -> None:
    """Watch markets, the account, the exchange, the autopilot and every component; notify,
    and go reduce-only or halt as [monitor] says. Runs until Ctrl-C."""
    app = volex(ctx)
    if once:
        report = app.monitor_check()
        if as_json:
            print_json(report)
        else:
            _show(report)
        if not report["ok"]:
            raise typer.Exit(1)
        return
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    settings = app.settings.monitor
    err_console.print(f"monitor running: notifications every {settings.poll_s:g} s, checks every "
                      f"{settings.interval_s:g} s; Ctrl-C stops")
    try:
        app.watch().run(stop)
    except KeyboardInterrupt:
        stop.set()
    err_console.print("monitor stopped")


def _show(report: dict) -> None:
    for name, status in report["components"].items():
        colour = {"ok": "green", "warn": "yellow", "fail": "red"}.get(status, "dim")
        console.print(f"[{colour}]{status:>4}[/] {name}")
    for finding in report["findings"]:
        console.print(f"[bold yellow]! {finding['detector']}[/] {finding['subject']}: {finding['message']}")
    for action in report["actions"]:
        console.print(f"[bold red]-> {action}[/]")
    for problem in report["problems"]:
        console.print(f"[yellow]? {problem}[/]")
    if report["ok"]:
        console.print("[green]nothing wrong[/]")


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
