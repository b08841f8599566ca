"""`volex dashboard` (alias `volex ui`): the full-screen Textual dashboard, or it in a browser."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

from volex.commands.common import (
    configure_front_end_logging,
    live_option,
    offline_option,
    timeframe_option,
)

__all__ = ["dashboard", "register", "web_command"]


def web_command(offline: bool, timeframe: str | None, symbols: list[str] | None,
                live: bool = False) -> str:
    """The command textual-serve runs for each browser session (the same dashboard)."""
    argv = [sys.executable, "-m", "volex", "dashboard"]
    if offline:
        argv.append("--offline")
    if live:
        argv.append("--live")
    if timeframe:
        argv += ["--timeframe", timeframe]
    for symbol in symbols or []:
        argv += ["--symbol", symbol]
    return shlex.join(argv)


def dashboard(
    web: Annotated[bool, typer.Option("--web", help="Serve the dashboard to a browser on localhost (textual-serve).")] = False,
    port: Annotated[int, typer.Option("--port", help="Port for --web.")] = 8005,
    host: Annotated[str, typer.Option("--host", help="Interface for --web (keep it on localhost unless you know why).")] = "localhost",
    offline: bool = offline_option(),
    timeframe: str | None = timeframe_option("Bar length of the chart and watchlist (default from config)."),
    symbol: Annotated[list[str] | None, typer.Option("--symbol", "-s", help="Watch these symbols instead of the configured watchlist (repeatable).")] = None,
    refresh: Annotated[float, typer.Option("--refresh", help="Seconds between refreshes.")] = 5.0,
    live: bool = live_option('Trade live (needs trading.mode = "live"); paper otherwise.'),
) -> None:
    """Open the dashboard: watchlist, chart, positions, decisions, events, halt, command bar."""
    if web:
        from textual_serve.server import Server

        typer.echo(f"Volex dashboard on http://{host}:{port} (Ctrl+C stops it)", err=True)
        Server(web_command(offline, timeframe, symbol, live), host=host, port=port,
               title="Volex dashboard").serve()
        return
    from volex.tui.app import VolexApp

    configure_front_end_logging()
    overrides: dict[str, bool] = {k: True for k, on in (("offline", offline), ("live", live)) if on}
    VolexApp(symbols=symbol or None, timeframe=timeframe, refresh_s=refresh, **overrides).run()


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard)
    app.command("ui", help="Alias of `volex dashboard`.")(dashboard)
