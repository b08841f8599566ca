"""What every command shares: the facade for this invocation, consoles and JSON output."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from volex.facade import Volex

__all__ = ["actor_of", "confirm", "console", "err_console", "print_json", "volex"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


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
    session = {"offline": True} if root.obj.get("offline") else {}  # `volex shell --offline`
    instance = Volex(actor=actor_of(ctx), **{**session, **overrides})
    root.call_on_close(instance.close)
    if not overrides:
        root.obj["volex"] = instance
    return instance


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
