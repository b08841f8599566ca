"""How a portfolio backtest reads in the terminal: the account, each market, the curve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from volex.commands.backtest import fmt_metric, metrics_table, render_header
from volex.commands.common import console

if TYPE_CHECKING:
    from rich.table import Table

    from volex.backtest.portfolio_service import PortfolioRun

__all__ = ["render_portfolio"]

PORTFOLIO_ROWS = [("max_open_positions", "Max open positions", "int"),
                  ("time_in_market", "Time in market", "share"),
                  ("average_exposure", "Average exposure", "share"),
                  ("refused_signals", "Refused entry signals", "int")]

def _account_table(run: PortfolioRun) -> Table:
    r = run.result
    table = metrics_table(f"Portfolio (max {r.rules.max_open} open, {r.rules.stake})",
                          [("portfolio", r.metrics)])
    stats = r.stats()
    for key, label, kind in PORTFOLIO_ROWS:
        table.add_row(label, fmt_metric(stats[key], kind))
    return table


def _markets_table(run: PortfolioRun) -> Table:
    from rich.table import Table

    table = Table("Market", "Trades", "Win rate", "PnL", "Contribution", "Avg hold",
                  "Refused", title="Per market", title_justify="left", show_edge=False)
    for row in run.result.markets():
        table.add_row(row["symbol"], str(row["trades"]), fmt_metric(row["win_rate"], "share"),
                      f"{row['pnl']:,.2f}", fmt_metric(row["contribution"], "pct"),
                      f"{row['avg_hold_hours']:,.1f} h", str(row["refused"]))
    return table


def render_portfolio(run: PortfolioRun, chart: bool) -> None:
    from rich.text import Text

    r = run.result
    render_header(run, ", ".join(r.symbols))
    console.print(_account_table(run))
    console.print(_markets_table(run))
    if chart and len(r.equity) > 1:
        from volex.backtest.chart import equity_chart

        width = max(40, min(console.width, 120))
        console.print(Text.from_ansi(equity_chart(
            r.timestamps, r.equity, r.hold, f"{r.strategy} portfolio: equity", width)))
