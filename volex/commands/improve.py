"""`volex improve`: retrain the models in use and promote a candidate only when it beats the
current model on bars that model never saw; every decision is audited and reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import console, err_console, print_json, volex

if TYPE_CHECKING:
    from volex.facade.improve import ImproveReport

__all__ = ["register", "render_improve"]


def render_improve(report: ImproveReport) -> None:
    """The run's report: what was tried, promoted or kept and why, with the numbers."""
    from rich.table import Table

    table = Table("Market", "Decision", "Current model", "Candidate", "Why",
                  title="Models" + (" (dry run: nothing saved)" if report.dry_run else ""))
    for d in report.models:
        colour = "green" if d.outcome == "promoted" else "yellow"
        version = f" v{d.version}" if d.version else ""
        table.add_row(f"{d.symbol} {d.timeframe}", f"[{colour}]{d.outcome}{version}[/]",
                      d.current.describe() if d.current else "-",
                      d.candidate.describe() if d.candidate else "-", d.reason)
    if not report.models:
        console.print("no model in use: the watchlist has no market with a model at the "
                      "configured timeframe (`volex model train SYMBOL`)")
        return
    console.print(table)
    threshold = report.models[0].threshold
    console.print(f"[dim]both models scored on the same bars the current model never saw; "
                  f"calls are up/down at >= {threshold:.0%} confidence[/]")


def improve(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Decide and report; save and "
                                 "audit nothing."),
    offline: bool = typer.Option(False, "--offline", help="Use only cached candles or the "
                                 "bundled sample."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Retrain the models the autopilot uses; promote only what beats the one in use."""
    app = volex(ctx)
    with err_console.status("retraining candidates walk-forward on the new bars"):
        report = app.improve(dry_run=dry_run, offline=offline or None)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    render_improve(report)


def register(app: typer.Typer) -> None:
    app.command("improve")(improve)
