"""`volex reconcile`: the autopilot's real trades against the backtest's over the same bars."""

from __future__ import annotations

from typing import Any

import typer

from volex.commands.common import console, json_option, print_json, volex

__all__ = ["register"]


def reconcile(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", metavar="DATE",
                                        help="First bar to compare (YYYY-MM-DD, UTC)."),
    until: str | None = typer.Option(None, "--until", metavar="DATE",
                                        help="Last bar to compare (YYYY-MM-DD, UTC)."),
    as_json: bool = json_option(),
) -> None:
    """Compare what the autopilot traded with what the backtest would have: matched, missed,
    extra trades and the cost of the difference (slippage, fees, late fills), per market."""
    report = volex(ctx).reconcile_autopilot(since=since, until=until)
    if as_json:
        print_json(report)
        return
    if not report["ran"]:
        console.print(f"No autopilot ever ran on {report['account']}: nothing to compare.")
        return
    if not report["bars"]:
        console.print(f"The autopilot of {report['account']} journaled no bar in that window: "
                      "nothing to compare.")
        return
    console.print(_table(report))


def _table(report: dict[str, Any]) -> Any:
    from rich.table import Table

    since, until = (report[k][:16].replace("T", " ") for k in ("since", "until"))
    table = Table(title=f"Autopilot {report['account']} ({report['decider']}, "
                        f"{report['timeframe']}) vs backtest, {since} .. {until} UTC; cost in "
                        "quote: slippage + fees beyond the backtest's (Fee+); Late: bars",
                  title_justify="left", show_edge=False)
    for column in ("Market", "Matched", "Missed", "Extra", "Slippage", "Fees", "Fee+", "Late",
                   "Cost"):
        table.add_column(column, justify="left" if column == "Market" else "right",
                         no_wrap=True)
    rows = [*report["markets"], {**report, "symbol": "[bold]total[/]"}]
    for m in rows:
        table.add_row(m["symbol"], str(m["matched"]),
                      f"[yellow]{m['missed']}[/]" if m["missed"] else "0",
                      f"[yellow]{m['extra']}[/]" if m["extra"] else "0",
                      f"{m['slippage']:+.2f}", f"{m['fees']:.2f}", f"{m['fee_excess']:+.2f}",
                      str(m["late_bars"]), f"{m['cost']:+.2f}")
    return table


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile)
