"""`volex config`: show, locate and change settings."""

from __future__ import annotations

import typer

from volex.commands.common import console, err_console, json_option, print_json

__all__ = ["register"]

config_app = typer.Typer(help="Show, locate and change settings.", no_args_is_help=True)


@config_app.command("show")
def show(as_json: bool = json_option()) -> None:
    """Every setting with its current value (from defaults, config.toml, env and flags)."""
    from volex.adapters.secrets.redact import mask_url_passwords
    from volex.config import load_settings

    data = mask_url_passwords(load_settings().model_dump(mode="json"))  # database/Redis passwords
    if as_json:
        print_json(data)
        return
    import tomli_w

    def strip_none(value):
        if isinstance(value, dict):
            return {k: strip_none(v) for k, v in value.items() if v is not None}
        return value

    console.print(tomli_w.dumps(strip_none(data)), markup=False)


@config_app.command("path")
def path() -> None:
    """Where config.toml lives ($VOLEX_HOME/config.toml)."""
    from volex.config import config_path

    typer.echo(str(config_path()))


@config_app.command("set")
def set_(key: str = typer.Argument(..., help="Dotted setting, e.g. exchange or trading.fee_rate."),
         value: str = typer.Argument(..., help="New value (TOML syntax: 0.001, true, \"kraken\", [\"BTC/USDT\"]).")) -> None:
    """Change one setting in config.toml (validated before it is written)."""
    from volex.config import set_config_value

    stored, note = set_config_value(key, value, quotes=_quotes)
    secret = key in ("monitor.heartbeat_url",)  # a push URL is a credential: not echoed
    console.print(f"{key} = {'***' if secret else repr(stored)}")
    if note:
        err_console.print(f"[yellow]! {note}[/]")


def _quotes(exchange: str) -> set[str] | None:
    """The exchange's quote currencies, asked through a Volex of the current settings."""
    from volex.errors import VolexError
    from volex.facade import Volex

    try:
        with Volex() as app:
            return app.quotes(exchange)
    except VolexError:
        return None


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
