"""`volex secrets`: store, list, delete and check API keys (values are never shown)."""

from __future__ import annotations

import sys

import typer

from volex.commands.common import console, json_option, print_json, volex
from volex.errors import SecretError

__all__ = ["register"]

secrets_app = typer.Typer(help="Store, list, delete and check API keys.", no_args_is_help=True)

BACKEND_HELP = "Where to store it: env is read-only; keyring, file or vault (default: the first writable in secrets.order)."


def _fields(password: bool, key_only: bool) -> list[tuple[str, str]]:
    fields = [("api_key", "API key")] + ([] if key_only else [("secret", "API secret")])
    return fields + ([("password", "Password")] if password else [])


def _from_stdin(fields: list[tuple[str, str]]) -> dict[str, str]:
    lines = sys.stdin.read().splitlines()
    values = {field: (lines[i].strip() if i < len(lines) else "") for i, (field, _) in enumerate(fields)}
    missing = [f for f in values if not values[f]]
    if missing:
        wanted = ", ".join(f"{label.lower()} on line {i + 1}" for i, (_, label) in enumerate(fields))
        raise SecretError(f"--stdin needs the {wanted}; missing: {', '.join(missing)}")
    return values


def _prompted(fields: list[tuple[str, str]]) -> dict[str, str]:
    values = {}
    try:
        for field, label in fields:
            values[field] = typer.prompt(label, hide_input=True, err=True).strip()
    except typer.Abort:
        raise SecretError("no input: type the values when asked, or pipe them with --stdin") from None
    if not all(values.values()):
        raise SecretError("empty value: nothing stored")
    return values


@secrets_app.command("set")
def set_(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Secret name, usually the exchange id (binance)."),
    stdin: bool = typer.Option(False, "--stdin", help="Read the key (line 1) and secret (line 2) from stdin."),
    password: bool = typer.Option(False, "--password", help="Also ask for a password/passphrase (okx, kucoin...)."),
    key_only: bool = typer.Option(False, "--key-only", help="Only an API key, no secret (e.g. openai)."),
    backend: str = typer.Option(None, "--backend", "-b", help=BACKEND_HELP),
) -> None:
    """Store an exchange's API key and secret, typed with hidden input (or piped with --stdin)."""
    fields = _fields(password, key_only)
    values = _from_stdin(fields) if stdin else _prompted(fields)
    stored = volex(ctx).set_secret(name, values, backend=backend)
    console.print(f"stored {name.strip().lower()} ({', '.join(values)}) in {stored}")


@secrets_app.command("list")
def list_(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Secret names and where each is stored; never the values."""
    from rich.markup import escape
    from rich.table import Table

    entries = volex(ctx).secrets_list()
    if as_json:
        print_json(entries)
        return
    if not entries:
        console.print("no secrets stored: `volex secrets set binance` adds one")
        return
    table = Table("Name", "Backends", "Read from")
    for entry in entries:
        table.add_row(escape(entry["name"]), ", ".join(entry["backends"]), escape(entry["location"] or "-"))
    console.print(table)


@secrets_app.command("delete")
def delete(ctx: typer.Context, name: str = typer.Argument(..., help="Secret name.")) -> None:
    """Remove a secret from every writable backend that holds it."""
    if not volex(ctx).delete_secret(name):
        raise SecretError(f"no secret named {name!r} in a writable backend")
    console.print(f"deleted {name.strip().lower()}")


@secrets_app.command("check")
def check(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Read every secret; for exchange keys, check that they work and cannot withdraw."""
    from volex.commands.doctor import render_health

    rows = volex(ctx).check_secrets()
    if as_json:
        print_json([r.to_dict() for r in rows])
    elif not rows:
        console.print("no secrets stored: `volex secrets set binance` adds one")
    else:
        render_health(rows, "Secret")
    if any(r.status == "fail" for r in rows):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(secrets_app, name="secrets")
