"""`volex risk show` and `volex risk set SETTING VALUE`: the limits every order must pass."""

from __future__ import annotations

import typer

from volex.commands.common import console, json_option, print_json, reason_option, volex

__all__ = ["register"]

risk_app = typer.Typer(help="Show and change risk limits.", no_args_is_help=True)


@risk_app.command("show")
def show(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Every risk limit with its value and meaning, and the trading state."""
    from volex.commands.trading_view import halt_banner, risk_table

    app = volex(ctx)
    limits, state = app.risk_limits(), app.halt_state()
    if as_json:
        print_json({**limits.model_dump(mode="json"), "trading": state.model_dump(mode="json")})
        return
    console.print(risk_table(limits))
    console.print(halt_banner(state) or "[green]trading is active[/]")


@risk_app.command("set")
def set_(
    ctx: typer.Context,
    setting: str = typer.Argument(..., help="max_order_quote, max_position_quote, max_position_pct, "
                                            "max_exposure_pct, max_daily_loss_pct, "
                                            "risk_per_trade_pct, max_open_orders, max_open_positions, "
                                            "max_asset_pct, min_confidence."),
    value: str = typer.Argument(..., help="New value, e.g. 1000 or 2.5."),
    reason: str = reason_option(),
) -> None:
    """Change one risk limit (validated, audited, shared by every process)."""
    from volex.commands.trading_view import amount

    app = volex(ctx)
    before = getattr(app.risk_limits(), setting, None)
    after = getattr(app.set_risk_limit(setting, value, reason=reason), setting)
    shown = [amount(v) if not isinstance(v, int | None) else str(v) for v in (before, after)]
    console.print(f"{setting}: {shown[0]} -> {shown[1]}")


def register(app: typer.Typer) -> None:
    app.add_typer(risk_app, name="risk")
