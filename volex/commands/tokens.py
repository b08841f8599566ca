"""`volex tokens`: API tokens for `volex serve` (shown once; the store keeps only a hash)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from volex.commands.common import console, err_console, json_option, print_json, volex

__all__ = ["register"]

tokens_app = typer.Typer(help="Create, list and revoke API tokens for `volex serve`.",
                         no_args_is_help=True)


def _when(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC") if ms else "-"


@tokens_app.command("create")
def create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Who holds it (the actor in the audit log), e.g. laptop."),
    role: str = typer.Option(..., "--role", help="viewer (reads), trader (also trades, halts), "
                                                 "admin (also limits, config, models, tokens)."),
    expires: str = typer.Option(None, "--expires", help="Lifetime, e.g. 90m, 12h, 30d, 2w "
                                                        "(default: never)."),
    as_json: bool = json_option("Print JSON."),
) -> None:
    """Create a token and print it once: store it on the client (volex secrets set agent-NAME)."""
    token, record = volex(ctx).create_token(name, role, expires=expires)
    if as_json:
        print_json({"name": record.name, "role": record.role.name, "token": token,
                    "expires": _when(record.expires_ts) if record.expires_ts else None})
        return
    console.print(token, markup=False, soft_wrap=True)
    err_console.print(f"token {record.name} ({record.role.name}, expires "
                      f"{_when(record.expires_ts) if record.expires_ts else 'never'}): "
                      "shown once, keep it now; on the client: "
                      "volex secrets set agent-<AGENT> --key-only", markup=False)


@tokens_app.command("list")
def list_(ctx: typer.Context, as_json: bool = json_option("Print JSON.")) -> None:
    """Token names, roles, expiry and last use; never the tokens."""
    from rich.table import Table

    records = volex(ctx).tokens()
    if as_json:
        print_json([{"name": r.name, "role": r.role.name, "created": _when(r.created_ts),
                     "expires": _when(r.expires_ts) if r.expires_ts else None,
                     "last_used": _when(r.last_used_ts) if r.last_used_ts else None}
                    for r in records])
        return
    if not records:
        console.print("no tokens: `volex tokens create NAME --role viewer` makes one")
        return
    table = Table("Name", "Role", "Created", "Expires", "Last used")
    for r in records:
        table.add_row(r.name, r.role.name, _when(r.created_ts), _when(r.expires_ts),
                      _when(r.last_used_ts))
    console.print(table)


@tokens_app.command("revoke")
def revoke(ctx: typer.Context, name: str = typer.Argument(..., help="The token's name.")) -> None:
    """Revoke a token at once: the next request carrying it is refused."""
    if not volex(ctx).revoke_token(name):
        err_console.print(f"no token named {name!r}", markup=False)
        raise typer.Exit(1)
    console.print(f"revoked {name.strip().lower()}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
