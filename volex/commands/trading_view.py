"""Rendering of trading data for the terminal: trade plans, orders, positions, balances, audit.

Pure functions from domain objects to Rich renderables; the commands print them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

    from volex.domain.audit import AuditRecord
    from volex.domain.orders import Balance, HaltState, Order, Position, TradePlan, TradeResult
    from volex.domain.risk import RiskLimits

__all__ = ["amount", "audit_table", "balances_table", "fee_text", "halt_banner", "mode_badge",
           "money", "orders_table", "plan_panel", "positions_table", "result_lines", "risk_table"]

_OFFLINE = {"cache": "offline: cached price", "sample": "offline: bundled sample price",
            "manual": "price set by hand"}


def amount(value: Decimal | None) -> str:
    """A base amount without trailing zeros."""
    if value is None:
        return "-"
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"


def money(value: Decimal | None, unit: str = "") -> str:
    """A quote amount: 2 decimals with separators, or 6 significant digits below 1."""
    if value is None:
        return "-"
    text = f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.6g}"
    return f"{text} {unit}".rstrip()


def signed(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "-"
    style = "green" if value > 0 else "red" if value < 0 else ""
    text = ("+" if value > 0 else "") + money(value, unit)
    return f"[{style}]{text}[/]" if style else text


def fee_text(value: Decimal, currency: str | None, quote: str) -> str:
    """A fee in the asset the venue charged it in (Binance takes a buy's fee in the coin)."""
    if currency is None or currency == quote:
        return money(value, quote)
    return f"{amount(value)} {currency}"


def mode_badge(mode: str) -> str:
    return "[bold white on red] LIVE [/]" if mode == "live" else "[bold black on cyan] PAPER [/]"


def halt_banner(state: HaltState) -> str | None:
    """One line when trading is halted or reduce-only; None when it is active."""
    if not state.active:
        return None
    badge = ("[bold black on yellow] REDUCE-ONLY [/]" if state.reduce_only
             else "[bold white on red] HALTED [/]")
    return f"{badge} {state.describe()} - `volex resume` lifts it"


def _source(source: str | None) -> str:
    return f" [yellow]({_OFFLINE[source]})[/]" if source in _OFFLINE else ""


def plan_panel(plan: TradePlan) -> RenderableType:
    """The trade plan: side, size, expected fill and fees, stop and target, checks, venue."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    req, quote = plan.request, plan.quote_currency
    base = req.symbol.split("/")[0]
    side = "[bold green]BUY[/]" if req.side == "buy" else "[bold red]SELL[/]"
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    kind = f"limit at {money(req.price)}" if req.type == "limit" else "market"
    grid.add_row("Order", f"{side} {req.symbol} · {kind}")
    grid.add_row("Size", f"{amount(req.amount)} {base} ≈ {money(plan.quote_amount, quote)}")
    grid.add_row("Sized by", plan.sized_by)
    grid.add_row("Expected fill", f"{money(plan.price, quote)}{_source(plan.price_source)}")
    grid.add_row("Fees", f"{money(plan.fee, quote)} ({plan.fee_rate * 100:.3g}%)")
    if plan.stop_loss_price is not None:
        grid.add_row("Stop loss", f"{money(plan.stop_loss_price, quote)} (-{req.stop_loss_pct}%)")
    if plan.take_profit_price is not None:
        grid.add_row("Take profit",
                     f"{money(plan.take_profit_price, quote)} (+{req.take_profit_pct}%)")
    if plan.confidence is not None:
        grid.add_row("Signal confidence", f"{plan.confidence:.2f}")
    grid.add_row("Venue", f"{plan.exchange} {mode_badge(plan.mode)}")
    checks = Table(show_edge=False, box=None, padding=(0, 1))
    checks.add_column("")
    checks.add_column("Risk check", style="cyan")
    checks.add_column("Result")
    for check in plan.checks:
        mark = "[green]✓[/]" if check.passed else "[bold red]✗ BLOCKED[/]"
        checks.add_row(mark, check.name, check.message)
    parts: list[RenderableType] = [grid, "", checks]
    parts += [f"[yellow]! {note}[/]" for note in plan.notes]
    border = "green" if plan.approved else "red"
    title = f"[bold]Trade plan[/] {mode_badge(plan.mode)}"
    return Panel(Group(*parts), title=title, title_align="left", border_style=border)


def result_lines(result: TradeResult) -> list[str]:
    order, quote = result.order, result.plan.quote_currency
    if order.status == "closed":
        lines = [(f"[green]filled[/] {order.side} {amount(order.filled)} {order.symbol} at "
                 f"{money(order.average, quote)}, fee {fee_text(order.fee, order.fee_currency, quote)} "
                 f"(order {order.id})")]
    else:
        lines = [(f"order {order.id} is {order.status}: {order.side} {amount(order.amount)} "
                 f"{order.symbol} at {money(order.price, quote)}")]
    for child in result.protective:
        lines.append(f"{child.type.replace('_', '-')} placed at {money(child.price, quote)} "
                     f"(order {child.id})")
    lines += [f"[yellow]! {note}[/]" for note in result.notes if note not in result.plan.notes]
    return lines


def orders_table(orders: list[Order], mode: str | None = None) -> RenderableType:
    """Open orders, with what has filled and its fee in the asset the venue charged."""
    from rich.table import Table

    table = Table(title=_titled("Open orders", mode), title_justify="left", show_edge=False)
    for name in ("Id", "Symbol", "Side", "Type", "Amount", "Price", "Filled", "Fee",
                 "Created (UTC)"):
        table.add_column(name, no_wrap=name in ("Id", "Symbol", "Type"),
                         justify="right" if name in ("Amount", "Price", "Filled", "Fee") else "left")
    for o in orders:
        quote = o.symbol.partition("/")[2]
        table.add_row(o.id, o.symbol, o.side, o.type.replace("_", "-"), amount(o.amount),
                      money(o.price), amount(o.filled),
                      fee_text(o.fee, o.fee_currency, quote) if o.fee else "-",
                      f"{o.created_at:%m-%d %H:%M}")
    return table


def _titled(title: str, mode: str | None) -> str:
    return f"{title} {mode_badge(mode)}" if mode else title


def positions_table(positions: list[Position], quote: str,
                    mode: str | None = None) -> RenderableType:
    from rich.table import Table

    table = Table(title=_titled(f"Positions (PnL and fees in {quote})", mode),
                  title_justify="left", show_edge=False)
    for name in ("Symbol", "Size", "Entry", "Mark", "Unrealised", "Realised", "Fees", "Stop",
                 "Target"):
        table.add_column(name, justify="left" if name == "Symbol" else "right",
                         no_wrap=name in ("Symbol", "Size"))
    for p in positions:
        mark = money(p.mark_price) + ("*" if p.mark_source in _OFFLINE else "")
        table.add_row(p.symbol, amount(p.amount), money(p.entry_price), mark,
                      signed(p.unrealised_pnl) if p.amount > 0 else "-",
                      signed(p.realised_pnl), money(p.fees), money(p.stop_loss),
                      money(p.take_profit))
    return table


def balances_table(balances: list[Balance], quote: str,
                   mode: str | None = None) -> RenderableType:
    from rich.table import Table

    table = Table(title=_titled("Balances", mode), title_justify="left", show_edge=False)
    for name in ("Asset", "Free", "In orders", "Total", f"Value ({quote})"):
        table.add_column(name, justify="left" if name == "Asset" else "right")
    total = Decimal(0)
    for b in balances:
        value = money(b.value) + ("*" if b.price_source in _OFFLINE else "")
        show = money if b.asset == quote else amount
        table.add_row(b.asset, show(b.free), show(b.used), show(b.total), value)
        total += b.value or 0
    table.add_row("[bold]Equity[/]", "", "", "", f"[bold]{money(total)}[/]")
    return table


def risk_table(limits: RiskLimits) -> RenderableType:
    from rich.table import Table

    from volex.domain.risk import LIMIT_HELP

    table = Table(title="Risk limits", title_justify="left", show_edge=False)
    table.add_column("Setting", style="cyan")
    table.add_column("Value", justify="right")
    table.add_column("Meaning", style="dim")
    for name, meaning in LIMIT_HELP.items():
        value = getattr(limits, name)
        table.add_row(name, amount(value) if isinstance(value, Decimal) else str(value), meaning)
    return table


def audit_table(records: list[AuditRecord]) -> RenderableType:
    from rich.table import Table

    table = Table(title="Audit log", title_justify="left", show_edge=False)
    for name in ("When (UTC)", "Who", "What", "Subject", "Why"):
        table.add_column(name)
    for r in records:
        table.add_row(f"{r.at:%Y-%m-%d %H:%M:%S}", r.actor, r.action, r.subject or "",
                      r.reason or "")
    return table
