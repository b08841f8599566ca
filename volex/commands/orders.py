"""`volex orders`, `cancel`, `positions`, `balance`, `audit` and `paper reset`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import typer

from volex.commands.common import (
    confirm,
    console,
    json_option,
    live_option,
    offline_option,
    print_json,
    reason_option,
    volex,
    yes_option,
)
from volex.commands.halt import show_halt_banner
from volex.errors import UserInputError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from volex.facade import Volex

__all__ = ["parse_since", "register"]

paper_app = typer.Typer(help="The paper trading account.", no_args_is_help=True)
_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str | None) -> datetime | None:
    """``2026-11-25``, an ISO timestamp (UTC unless it says otherwise), or ``30m``/``6h``/``2d``/``1w`` ago."""
    if text is None:
        return None
    match = _RELATIVE.match(text.strip().lower())
    if match:
        try:
            return datetime.now(UTC) - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        except OverflowError:
            raise UserInputError(f"--since {text}: that is before year 1") from None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserInputError(f"bad --since {text!r}; use YYYY-MM-DD, an ISO time, or 30m / 6h / 2d") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _app(ctx: typer.Context, offline: bool = False, live: bool = False) -> Volex:
    overrides = {k: True for k, on in (("offline", offline), ("live", live)) if on}
    return volex(ctx, **overrides)


_LIVE = live_option("The live venue (needs trading.mode = live).")
_OFFLINE = offline_option("Prices from the cache or the bundled sample only.")


def orders(
    ctx: typer.Context,
    symbol: str = typer.Argument(None, help="Only this symbol."),
    as_json: bool = json_option(),
    offline: bool = _OFFLINE,
    live: bool = _LIVE,
) -> None:
    """Open orders (resting limits, stop-losses, take-profits)."""
    from volex.commands.trading_view import orders_table

    app = _app(ctx, offline, live)
    found = app.orders(symbol)
    if as_json:
        print_json([o.model_dump(mode="json") for o in found])
        return
    _listing(app, orders_table(found, app.trading_mode) if found else "no open orders", [])


def _is_symbol(app: Volex, text: str) -> bool:
    from volex.errors import UnknownSymbol

    try:
        app.trade_symbol(text)
    except UnknownSymbol:
        return False
    return True


def cancel(
    ctx: typer.Context,
    target: str = typer.Argument(None, help="An order id (venue or client id) or a symbol."),
    all_orders: bool = typer.Option(False, "--all", help="Cancel every open order."),
    yes: bool = yes_option("Do not ask before --all."),
    reason: str = reason_option(),
    as_json: bool = json_option(),
    live: bool = _LIVE,
) -> None:
    """Cancel an order, every order of a symbol, or --all."""
    from volex.errors import Cancelled

    app = _app(ctx, live=live)
    if all_orders and target:
        raise UserInputError("give an ORDER_ID or SYMBOL, or --all, not both")
    if all_orders and not confirm("Cancel every open order?", yes):
        raise Cancelled("nothing cancelled (not confirmed)")
    order_id = symbol = None
    if target:
        ids = {key for o in app.orders() for key in (o.id, o.client_order_id)}
        order_id, symbol = (target, None) if target in ids else (None, target)
        if symbol is not None and not _is_symbol(app, symbol):
            raise UserInputError(f"no open order {target!r} (see `volex orders`)")
    done = app.cancel(order_id, symbol=symbol, all_orders=all_orders, reason=reason)
    if target and not done:
        raise UserInputError(f"no open order {target!r}, and no open orders for it as a symbol "
                             "(see `volex orders`)")
    if as_json:
        print_json([o.model_dump(mode="json") for o in done])
        return
    from volex.commands.trading_view import mode_badge

    for order in done:
        console.print(f"{mode_badge(app.trading_mode)} cancelled {order.id} ({order.symbol} {order.side} {order.type})")
    if not done:
        console.print("no open orders to cancel")


def positions(
    ctx: typer.Context,
    as_json: bool = json_option(),
    offline: bool = _OFFLINE,
    live: bool = _LIVE,
) -> None:
    """Positions: size, entry, mark, unrealised and realised PnL, stop and target."""
    from volex.commands.trading_view import positions_table

    app = _app(ctx, offline, live)
    found = app.positions()
    if as_json:
        print_json([{**p.model_dump(mode="json"), "unrealised_pnl": str(p.unrealised_pnl),
                     "value": str(p.value)} for p in found])
        return
    _listing(app, positions_table(found, app.settings.quote, app.trading_mode) if found
             else "no positions",
             [p.mark_source for p in found])


def balance(
    ctx: typer.Context,
    as_json: bool = json_option(),
    offline: bool = _OFFLINE,
    live: bool = _LIVE,
) -> None:
    """Balances per asset, free and in orders, valued in the quote currency."""
    from volex.commands.trading_view import balances_table

    app = _app(ctx, offline, live)
    found = app.balances()
    if as_json:
        print_json([{**b.model_dump(mode="json"), "total": str(b.total)} for b in found])
        return
    _listing(app, balances_table(found, app.settings.quote, app.trading_mode),
             [b.price_source for b in found])


def _listing(app: Volex, table: RenderableType, sources: list[str | None]) -> None:
    """The halt banner, the table (the PAPER / LIVE badge on an empty one too), and a note
    when some prices are offline."""
    from volex.commands.trading_view import mode_badge

    show_halt_banner(app)
    console.print(table if not isinstance(table, str) else f"{mode_badge(app.trading_mode)} {table}")
    if any(source in ("cache", "sample") for source in sources):
        console.print("[yellow]* offline price (cache or bundled sample)[/]")


def audit(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", help="From: YYYY-MM-DD, an ISO time, or 30m / 6h / 2d ago."),
    limit: int = typer.Option(200, "--limit", min=1, max=100_000, help="At most this many (the newest)."),
    as_json: bool = json_option(),
) -> None:
    """The audit log: who changed what, when and why."""
    from volex.commands.trading_view import audit_table

    records = volex(ctx).audit(parse_since(since), limit=limit)
    if as_json:
        print_json([r.model_dump(mode="json") for r in records])
        return
    console.print(audit_table(records) if records else "no audit records")


@paper_app.command("reset")
def paper_reset(
    ctx: typer.Context,
    balance: str = typer.Option(None, "--balance", help="Starting balance (default 10,000 or trading.starting_balance)."),
    yes: bool = yes_option(),
    reason: str = reason_option(),
) -> None:
    """Wipe the paper account (orders, fills, holdings) and start again."""
    from volex.commands.trading_view import money
    from volex.errors import Cancelled

    app = volex(ctx)
    if not confirm("Wipe the paper account (orders, fills, holdings)?", yes):
        raise Cancelled("paper account kept (not confirmed)")
    amount = app.paper_reset(balance, reason=reason)
    console.print(f"paper account reset: {money(amount, app.settings.quote)}")


def register(app: typer.Typer) -> None:
    app.command("orders")(orders)
    app.command("cancel")(cancel)
    app.command("positions")(positions)
    app.command("balance")(balance)
    app.command("audit")(audit)
    app.add_typer(paper_app, name="paper")
