"""`volex improve`: retrain the models in use and promote a candidate only when it beats the
current model on bars that model never saw; every decision is audited and reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from volex.commands.common import (
    console,
    err_console,
    json_option,
    offline_option,
    print_json,
    volex,
)

if TYPE_CHECKING:
    from volex import Volex
    from volex.facade.improve import ImproveReport

__all__ = ["register", "render_improve"]


def render_improve(report: ImproveReport) -> None:
    """The run's report: what was tried, promoted or kept and why, with the numbers."""
    if report.what in ("drift", "all"):
        _render_drift(report)
    if report.what in ("models", "all"):
        _render_models(report)
    if report.what in ("strategies", "all"):
        _render_strategies(report)


def _render_strategies(report: ImproveReport) -> None:
    from rich.table import Table

    if not report.strategies:
        console.print("no strategy in paper or live: nothing to re-tune")
        return
    table = Table("Strategy", "Decision", "Current (out of sample)", "Re-tuned", "New params",
                  "Why", title="Strategies" + (" (dry run)" if report.dry_run else ""))
    for d in report.strategies:
        colour = "green" if d.outcome == "promoted" else "yellow"
        table.add_row(f"{d.strategy} {d.symbol}", f"[{colour}]{d.outcome}[/]",
                      _score(d.objective, d.current_score, d.current_trades),
                      _score(d.objective, d.tuned_score, d.tuned_trades),
                      ", ".join(f"{k}={v}" for k, v in (d.new_params or {}).items()) or "-",
                      d.reason)
    console.print(table)


def _render_drift(report: ImproveReport) -> None:
    from rich.table import Table

    if not report.drift:
        return
    table = Table("Market", "Live calls", "Out of sample", "p-value", "State", "Why",
                  title="Drift watch: live calls against the out-of-sample record")
    for d in report.drift:
        state = ("[red]degraded (new)[/]" if d.newly_degraded else
                 "[red]degraded[/]" if d.degraded else "[green]ok[/]")
        table.add_row(f"{d.symbol} {d.timeframe}", f"{d.right} of {d.calls} right",
                      "-" if d.expected_hit_rate is None else f"{d.expected_hit_rate:.1%}",
                      "-" if d.p_value is None else f"{d.p_value:.4f}", state, d.reason)
    console.print(table)


def _score(objective: str, value: float | None, trades: int) -> str:
    return "-" if value is None else f"{objective} {value:.3f}, {trades} trades"


def _render_models(report: ImproveReport) -> None:
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
    what: str = typer.Option("all", "--what", help="drift, models, strategies or all."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Decide and report; save and "
                                 "audit nothing."),
    offline: bool = offline_option("Use only cached candles or the " "bundled sample."),
    as_json: bool = json_option("Print the report as JSON."),
    schedule: str = typer.Option(None, "--schedule", help="Run on this cron schedule (UTC), "
                                 "e.g. \"0 3 * * *\", until stopped with Ctrl-C."),
) -> None:
    """Retrain the models and re-tune the strategies in use; promote only what beats them
    out of sample, and report every decision with its numbers."""
    app = volex(ctx)
    what = what.strip().lower()
    if schedule is not None:
        _scheduled(app, schedule, what, dry_run, offline, as_json)
        return
    with err_console.status("retraining and re-tuning walk-forward on recent bars"):
        report = app.improve(what=what, dry_run=dry_run, offline=offline or None)
    _show(report, as_json)


def _show(report: ImproveReport, as_json: bool) -> None:
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        render_improve(report)


def _scheduled(app: Volex, cron: str, what: str, dry_run: bool, offline: bool,
               as_json: bool) -> None:
    """The loop: each run's report, or why it did not run (another holds the lease)."""
    from volex.autopilot.clock import LiveClock
    from volex.facade.improve import ImproveReport
    from volex.improve.jobs import next_run, run_on_schedule

    clock = LiveClock()
    err_console.print(f"improving on {cron!r} (UTC); next run "
                      f"{next_run(cron, clock.wall()):%Y-%m-%d %H:%M} UTC; Ctrl-C stops")

    def shown(moment: object, result: ImproveReport | Exception) -> None:
        if isinstance(result, ImproveReport):
            _show(result, as_json)
        else:
            err_console.print(f"run due {moment:%Y-%m-%d %H:%M} UTC skipped: {result}")

    try:
        run_on_schedule(cron, clock, lambda: app.improve(what=what, dry_run=dry_run,
                                                         offline=offline or None), shown)
    except KeyboardInterrupt:
        err_console.print("stopped")


def register(app: typer.Typer) -> None:
    app.command("improve")(improve)
