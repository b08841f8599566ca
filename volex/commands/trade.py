"""`volex trade`, `volex buy`, `volex sell`: a trade plan with every risk check, then the order.

The plan is shown before anything is sent; the order goes only after confirmation (or --yes),
and is re-checked against the state at that moment.
"""

from __future__ import annotations

import typer

from volex.commands.common import (
    confirm,
    console,
    err_console,
    json_option,
    live_option,
    offline_option,
    print_json,
    reason_option,
    timeframe_option,
    volex,
    yes_option,
)

__all__ = ["register"]


def _trade(ctx: typer.Context, symbol: str, side: str | None, amount: str | None,
           quote: str | None, percent: str | None, limit: str | None, stop_loss: str | None,
           take_profit: str | None, if_confident: bool, min_confidence: str | None, yes: bool,
           dry_run: bool, as_json: bool, offline: bool, live: bool, reason: str | None,
           timeframe: str | None) -> None:
    from volex.agents.execution import describe_block
    from volex.commands.trading_view import plan_panel, result_lines
    from volex.errors import Cancelled, RiskRejected, SignalHeld, TradingHalted

    overrides = {k: v for k, v in (("offline", offline or None), ("live", live or None)) if v}
    app = volex(ctx, **overrides)
    out = err_console if as_json else console
    try:
        plan = app.plan_trade(symbol, side, amount=amount, quote=quote, percent=percent,
                              limit=limit, stop_loss=stop_loss, take_profit=take_profit,
                              if_confident=if_confident, min_confidence=min_confidence,
                              timeframe=timeframe)
    except SignalHeld as held:  # an outcome, not an error: nothing to send, exit 0
        if as_json:
            print_json({"sent": False, "held": str(held)})
        else:
            console.print(str(held))
        return
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


SYMBOL = typer.Argument(..., help="Symbol: BTC/USDT, BTCUSDT, bitcoin, eth.")
AMOUNT = typer.Option(None, "--amount", help="Size in the base asset (e.g. 0.01 BTC).")
QUOTE = typer.Option(None, "--quote", help="Size in the quote currency (e.g. 250 USDT).")
PERCENT = typer.Option(None, "--percent", help="Buy: % of the free quote balance. Sell: % of the holding.")
LIMIT = typer.Option(None, "--limit", help="Limit price (default: market order).")
STOP_LOSS = typer.Option(None, "--stop-loss", help="Stop-loss distance below the fill, in %.")
TAKE_PROFIT = typer.Option(None, "--take-profit", help="Take-profit distance above the fill, in %.")
IF_CONFIDENT = typer.Option(False, "--if-confident", help="Trade only if the signal agent is confident enough (and agrees with the side).")
MIN_CONFIDENCE = typer.Option(None, "--min-confidence", help="Override min_confidence for this trade (0-1).")
YES = yes_option("Send without asking.")
DRY_RUN = typer.Option(False, "--dry-run", help="Show the plan; send nothing.")
AS_JSON = json_option("Print JSON (the plan goes to stderr).")
OFFLINE = offline_option("Prices from the cache or the bundled sample only.")
LIVE = live_option()
REASON = reason_option()
TIMEFRAME = timeframe_option("With --if-confident: the model's bar length (default: config's, else the one a model is saved for).")


def trade(
    ctx: typer.Context,
    symbol: str = SYMBOL,
    side: str = typer.Option(None, "--side", help="buy or sell."),
    amount: str = AMOUNT, quote: str = QUOTE, percent: str = PERCENT, limit: str = LIMIT,
    stop_loss: str = STOP_LOSS, take_profit: str = TAKE_PROFIT, if_confident: bool = IF_CONFIDENT,
    min_confidence: str = MIN_CONFIDENCE, yes: bool = YES, dry_run: bool = DRY_RUN,
    as_json: bool = AS_JSON, offline: bool = OFFLINE, live: bool = LIVE, reason: str = REASON,
    timeframe: str = TIMEFRAME,
) -> None:
    """Plan a trade, show every risk check, and send it after confirmation."""
    if side is not None and side.lower() not in ("buy", "sell"):
        from volex.errors import UserInputError

        raise UserInputError(f"--side must be buy or sell, not {side!r}")
    _trade(ctx, symbol, side.lower() if side else None, amount, quote, percent, limit, stop_loss,
           take_profit, if_confident, min_confidence, yes, dry_run, as_json, offline, live, reason,
           timeframe)


def _short_form(side: str):
    def command(
        ctx: typer.Context,
        symbol: str = SYMBOL,
        amount: str = AMOUNT, quote: str = QUOTE, percent: str = PERCENT, limit: str = LIMIT,
        stop_loss: str = STOP_LOSS, take_profit: str = TAKE_PROFIT,
        if_confident: bool = IF_CONFIDENT, min_confidence: str = MIN_CONFIDENCE,
        yes: bool = YES, dry_run: bool = DRY_RUN, as_json: bool = AS_JSON,
        offline: bool = OFFLINE, live: bool = LIVE, reason: str = REASON,
        timeframe: str = TIMEFRAME,
    ) -> None:
        _trade(ctx, symbol, side, amount, quote, percent, limit, stop_loss, take_profit,
               if_confident, min_confidence, yes, dry_run, as_json, offline, live, reason,
               timeframe)

    command.__doc__ = (f"{side.capitalize()} SYMBOL: `volex trade SYMBOL --side {side}` "
                       "(plan, checks, confirm).")
    return command


def register(app: typer.Typer) -> None:
    app.command("trade")(trade)
    app.command("buy")(_short_form("buy"))
    app.command("sell")(_short_form("sell"))
