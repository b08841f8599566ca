"""What every command shares: the facade for this invocation, consoles, JSON output, errors,
and the options many commands take (one definition each; a command may word the help for
what the option means there)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

from volex.commands.safe_output import safe_console

if TYPE_CHECKING:
    from volex.facade import Volex

__all__ = ["actor_of", "configure_front_end_logging", "confirm", "console", "err_console",
           "error_line", "exchange_option", "json_option", "live_option", "masked",
           "offline_option", "print_json", "reason_option", "timeframe_option", "volex",
           "yes_option"]

# Text from users, venues, news and LLMs is shown with its control characters escaped.
console = safe_console(highlight=False)
err_console = safe_console(stderr=True, highlight=False)

# -- options shared by commands ------------------------------------------------------------------


def json_option(help: str = "Print JSON.") -> Any:
    return typer.Option(False, "--json", help=help)


def offline_option(help: str = "Use only cached candles or the bundled sample.") -> Any:
    return typer.Option(False, "--offline", help=help)


def timeframe_option(help: str = "Bar length (default from config).", *,
                     required: bool = False) -> Any:
    return typer.Option(... if required else None, "--timeframe", "-t", help=help)


def exchange_option(help: str = "ccxt exchange id (default from config).") -> Any:
    return typer.Option(None, "--exchange", "-e", help=help)


def live_option(help: str = "Trade live (needs trading.mode = live).") -> Any:
    return typer.Option(False, "--live", help=help)


def yes_option(help: str = "Do not ask for confirmation.") -> Any:
    return typer.Option(False, "--yes", "-y", help=help)


def reason_option() -> Any:
    return typer.Option(None, "--reason", help="Why (kept in the audit log).")


def actor_of(ctx: typer.Context) -> str:
    return (ctx.find_root().obj or {}).get("actor", "cli")


def volex(ctx: typer.Context, **overrides: Any) -> Volex:
    """The facade for this invocation (one per command, shared by nested calls)."""
    from volex.facade import Volex

    root = ctx.find_root()
    root.ensure_object(dict)
    cached = root.obj.get("volex")
    if cached is not None and not overrides:
        return cached
    configure_front_end_logging()
    session = {"offline": True} if root.obj.get("offline") else {}  # `volex shell --offline`
    instance = Volex(actor=actor_of(ctx), **{**session, **overrides})
    root.call_on_close(instance.close)
    if not overrides:
        root.obj["volex"] = instance
    return instance


def configure_front_end_logging() -> None:
    """The log file in $VOLEX_HOME/logs and Volex's warnings on stderr, for a command."""
    from volex.config import volex_home
    from volex.config_sources import prepare_home
    from volex.logging_setup import configure_logging

    home = volex_home()
    prepare_home(home, logs=True)  # a home that cannot be used: one line, before any log file
    configure_logging(home)


def masked(text: str) -> str:
    """``text`` with known secrets masked: those of the environment and the secrets file too,
    even when the command failed before reading any."""
    from volex.adapters.secrets import redact
    from volex.config import volex_home

    redact.remember_environment()
    redact.remember_file(volex_home() / "secrets.toml")
    return redact.redact_text(text)


def error_line(error: BaseException | str) -> str:
    """The first line of an error as every front end (CLI, shell, ask) prints it, masked."""
    text = str(error)
    return masked(text.splitlines()[0] if text else "")


def print_json(data: Any) -> None:
    """One JSON document on stdout, never wrapped or coloured."""
    sys.stdout.write(json.dumps(data, default=str) + "\n")
    sys.stdout.flush()


def confirm(question: str, yes: bool) -> bool:
    """Ask before acting unless ``yes``; no answer (end of input) means no."""
    if yes:
        return True
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:  # end of input
        err_console.print("not confirmed (no answer); pass --yes to proceed without asking")
        return False
