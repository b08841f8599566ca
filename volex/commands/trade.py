"""`volex trade`, `volex buy`, `volex sell`: a trade plan with every risk check, then the order.

The plan is shown before anything is sent; the order goes only after confirmation (or --yes),
and is re-checked against the state at that moment.
"""

from __future__ import annotations

import typer

from volex.commands.common import confirm, console, err_console, print_json, volex

__all__ = ["register"]


def _trade(ctx: typer.Context, symbol: str, side: str | None, amount: str | None,
           quote: str | None, percent: str | None, limit: str | None, stop_loss: str | None,
           take_profit: str | None, if_confident: bool, min_confidence: str | None, yes: bool,
           dry_run: bool, as_json: bool, offline: bool, live: bool, reason: str | None) -> None:
    from volex.agents.execution import describe_block
    from volex.commands.trading_view import plan_panel, result_lines
    from volex.errors import Cancelled, RiskRejected, TradingHalted

    overrides = {k: v for k, v in (("offline", offline or None), ("live", live or None)) if v}
    app = volex(ctx, **overrides)
    plan = app.plan_trade(symbol, side, amount=amount, quote=quote, percent=percent, limit=limit,
                          stop_loss=stop_loss, take_profit=take_profit, if_confident=if_confident,
                          min_confidence=min_confidence)
    out = err_console if as_json else console
    out.print(plan_panel(plan))
    if not plan.approved:
        if as_json:
            print_json({"plan": plan.model_dump(mode="json"), "sent": False})
        if plan.blocked_by[0].name == "halt":
            raise TradingHalted(f"order not sent: {plan.halt.describe()}")
        raise RiskRejected(describe_block(plan), plan.checks)
    if dry_run:
        out.print("dry run: nothing sent")
        if as_json:
            print_json({"plan": plan.model_dump(mode="json"), "sent": False})
        return
    if not confirm(f"Send this {plan.mode.upper()} order?", yes):
        raise Cancelled("not sent (not confirmed)")
    result = app.trade(plan, reason=reason)
    if as_json:
        print_json({"plan": result.plan.model_dump(mode="json"), "sent": True,
                    "order": result.order.model_dump(mode="json"),
                    "protective": [o.model_dump(mode="json") for o in result.protective]})
        return
    for line in result_lines(result):
        console.print(line)


_HELP = {
    "amount": "Size in the base asset (e.g. 0.01 BTC).",
    "quote": "Size in the quote currency (e.g. 250 USDT).",
    "percent": "Buy: % of the free quote balance. Sell: % of the holding.",
    "limit": "Limit price (default: market order).",
    "stop_loss": "Stop-loss distance below the fill, in %.",
    "take_profit": "Take-profit distance above the fill, in %.",
}


def trade(
    ctx: typer.Context,
    symbol: str = typer.Argument(..., help="Symbol: BTC/USDT, BTCUSDT, bitcoin, eth."),
    side: str = typer.Option(None, "--side", help="buy or sell."),
    amount: str = typer.Option(None, "--amount", help=_HELP["amount"]),
    quote: str = typer.Option(None, "--quote", help=_HELP["quote"]),
    percent: str = typer.Option(None, "--percent", help=_HELP["percent"]),
    limit: str = typer.Option(None, "--limit", help=_HELP["limit"]),
    stop_loss: str = typer.Option(None, "--stop-loss", help=_HELP["stop_loss"]),
    take_profit: str = typer.Option(None, "--take-profit", help=_HELP["take_profit"]),
    if_confident: bool = typer.Option(False, "--if-confident", help="Trade only if the signal is confident enough."),
    min_confidence: str = typer.Option(None, "--min-confidence", help="Override min_confidence for this trade (0-1)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Send without asking."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; send nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the plan goes to stderr)."),
    offline: bool = typer.Option(False, "--offline", help="Prices from the cache or the bundled sample only."),
    live: bool = typer.Option(False, "--live", help="Trade live (needs trading.mode = live)."),
    reason: str = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
) -> None:
    """Plan a trade, show every risk check, and send it after confirmation."""
    if side is not None and side.lower() not in ("buy", "sell"):
        from volex.errors import UserInputError

        raise UserInputError(f"--side must be buy or sell, not {side!r}")
    _trade(ctx, symbol, side.lower() if side else None, amount, quote, percent, limit, stop_loss,
           take_profit, if_confident, min_confidence, yes, dry_run, as_json, offline, live, reason)


def _short_form(side: str):
    def command(
        ctx: typer.Context,
        symbol: str = typer.Argument(..., help="Symbol: BTC/USDT, BTCUSDT, bitcoin, eth."),
        amount: str = typer.Option(None, "--amount", help=_HELP["amount"]),
        quote: str = typer.Option(None, "--quote", help=_HELP["quote"]),
        percent: str = typer.Option(None, "--percent", help=_HELP["percent"]),
        limit: str = typer.Option(None, "--limit", help=_HELP["limit"]),
        stop_loss: str = typer.Option(None, "--stop-loss", help=_HELP["stop_loss"]),
        take_profit: str = typer.Option(None, "--take-profit", help=_HELP["take_profit"]),
        yes: bool = typer.Option(False, "--yes", "-y", help="Send without asking."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; send nothing."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (the plan goes to stderr)."),
        offline: bool = typer.Option(False, "--offline", help="Prices from the cache or the bundled sample only."),
        live: bool = typer.Option(False, "--live", help="Trade live (needs trading.mode = live)."),
        reason: str = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
    ) -> None:
        _trade(ctx, symbol, side, amount, quote, percent, limit, stop_loss, take_profit, False,
               None, yes, dry_run, as_json, offline, live, reason)

    command.__doc__ = (f"{side.capitalize()} SYMBOL: `volex trade SYMBOL --side {side}` "
                       "(plan, checks, confirm).")
    return command


def register(app: typer.Typer) -> None:
    app.command("trade")(trade)
    app.command("buy")(_short_form("buy"))
    app.command("sell")(_short_form("sell"))
