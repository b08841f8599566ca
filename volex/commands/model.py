"""`volex model`: train, list and evaluate the signal model (walk-forward, calibrated)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from volex.commands.common import (
    console,
    err_console,
    json_option,
    offline_option,
    print_json,
    timeframe_option,
    volex,
)
from volex.errors import UserInputError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from volex.ml import EvaluationReport

__all__ = ["register", "render_report"]

model_app = typer.Typer(help="Train, list and evaluate the signal model.", no_args_is_help=True)

_KINDS = ("random_forest", "lightgbm", "hist_gradient_boosting")
_BASELINE_NAMES = {"majority": "majority class", "yesterday_direction": "last move repeats"}
# Options shared by train and evaluate, as module-level singletons (ruff B008).
_SYMBOL = typer.Argument(..., help="Symbol, e.g. BTC/USDT (a label with --data).")
_TIMEFRAME = timeframe_option()
_OFFLINE = offline_option()
_TRAIN_DATA = typer.Option(None, "--data", help="Train on a CSV or Parquet candle file.")
_EVALUATE_DATA = typer.Option(None, "--data", help="Evaluate on a CSV or Parquet candle file.")
_EXPORT = typer.Option(None, "--export-predictions", help="Write one row per out-of-sample "
                       "bar: timestamp, p_up, p_down, p_flat, predicted, actual (CSV or Parquet).")
def _kind(value: str | None) -> str | None:
    if value is None:
        return None
    kind = value.strip().lower().replace("-", "_")
    if kind not in _KINDS:
        raise UserInputError(f"unknown model {value!r}; use one of {', '.join(_KINDS)}")
    return kind


def render_report(report: EvaluationReport) -> list[RenderableType]:
    """Out-of-sample metrics next to the baselines, the track record, and the caveats."""
    from rich.panel import Panel
    from rich.table import Table

    spec = report.spec
    table = Table(show_edge=False, box=None, padding=(0, 2))
    for column in ("Predictor", "Acc.", "Bal. acc.", "Log loss", "Brier", "ECE"):
        table.add_column(column, justify="left" if column == "Predictor" else "right")
    rows = [("[bold]model[/]", report.out_of_sample), ("model, raw", report.uncalibrated),
            *((f"[dim]{_BASELINE_NAMES.get(k, k)}[/]", m) for k, m in report.baselines.items())]
    for name, m in rows:
        table.add_row(name, f"{m.accuracy:.1%}", f"{m.balanced_accuracy:.1%}",
                      f"{m.log_loss:.4f}", f"{m.brier:.4f}", f"{m.ece:.3f}")
    record = Table(show_edge=False, box=None, padding=(0, 2))
    for column in ("Confidence", "Calls", "Right", "Hit rate"):
        record.add_column(column, justify="right")
    for band in report.track_record:
        record.add_row(f"{band.lower:.0%}-{band.upper:.0%}", f"{band.calls:,}", f"{band.right:,}",
                       f"{band.right / band.calls:.0%}")
    balance = ", ".join(f"{k} {v:.0%}" for k, v in report.class_balance.items())
    when = (f"{report.first:%Y-%m-%d} .. {report.last:%Y-%m-%d}" if report.first and report.last
            else "")
    head = (f"{spec.kind}, horizon {spec.horizon} bars, threshold {spec.threshold:.2%}, "
            f"{report.folds} scored folds (purge {spec.purge_bars} bars), "
            f"{spec.calibration} calibration\n{report.bars_evaluated:,} out-of-sample bars "
            f"{when}; outcomes: {balance}")
    notes = "".join(f"\n[yellow]! {n}[/]" for n in report.notes)
    title = f"{report.symbol} · {report.timeframe} · walk-forward, out of sample"
    return [
        Panel(head, title=f"[bold]{title}[/]", title_align="left"),
        Panel(table, title="Scores (lower log loss / Brier / ECE is better)", title_align="left"),
        Panel(record, title="Track record: how often a call at this confidence was right",
              title_align="left"),
        *([Panel(notes.lstrip("\n"), title="Caveats", title_align="left",
                 border_style="yellow")] if notes else []),
    ]


@model_app.command("train")
def train(
    ctx: typer.Context,
    symbols: list[str] = typer.Argument(..., help="Symbol(s), e.g. BTC/USDT ETH/USDT (one "
                                                  "label with --data)."),
    timeframe: str = _TIMEFRAME,
    model: str = typer.Option(None, "--model", "-m", help="random_forest (default), lightgbm or hist_gradient_boosting."),
    data: Path = _TRAIN_DATA,
    offline: bool = _OFFLINE,
    with_sentiment: bool = typer.Option(False, "--with-sentiment", help="Also evaluate the same walk-forward with sentiment features (stored news, Fear & Greed) and say whether they beat the model without them."),
    cluster: str = typer.Option(None, "--cluster", help="Train each market on a Dask scheduler "
                                "(tcp://HOST:8786) or local[:N] processes."),
    as_json: bool = json_option("Print the saved metadata as JSON."),
) -> None:
    """Train on the history available, evaluate walk-forward, calibrate and save."""
    from volex.errors import UserInputError

    kind = _kind(model)
    app = volex(ctx)
    if data is not None and (len(symbols) > 1 or cluster is not None):
        raise UserInputError("--data is one market's candles, trained here: give one symbol "
                             "(its label) and no --cluster")
    if with_sentiment and (len(symbols) > 1 or cluster is not None):
        raise UserInputError("--with-sentiment compares one market here: give one symbol and "
                             "no --cluster")
    comparison = None
    shown = ", ".join(symbols)
    with err_console.status(f"training {shown}: walk-forward folds, calibration, final fit"):
        if with_sentiment:
            meta, comparison = app.train_model_with_sentiment(
                symbols[0], timeframe, model=kind, data=data, offline=offline or None)
            metas = [meta]
        elif len(symbols) == 1 and cluster is None:
            metas = [app.train_model(symbols[0], timeframe, model=kind, data=data,
                                     offline=offline or None)]
        else:
            metas = app.train_models(symbols, timeframe, model=kind, offline=offline or None,
                                     cluster=cluster)
    if as_json:
        dumped = [meta.model_dump(mode="json") for meta in metas]
        if comparison is not None:
            dumped[0] |= {"sentiment": comparison.model_dump(mode="json")}
        print_json(dumped[0] if len(symbols) == 1 else dumped)
        return
    for meta in metas:
        for panel in render_report(meta.evaluation):
            console.print(panel)
        if comparison is not None:
            from rich.panel import Panel

            console.print(Panel(
                f"log loss {comparison.log_loss_without:.4f} without, "
                f"{comparison.log_loss_with:.4f} with; accuracy "
                f"{comparison.accuracy_without:.1%} without, {comparison.accuracy_with:.1%} "
                f"with; {comparison.bars_with_news:,} of {comparison.bars_evaluated:,} evaluated "
                f"bars had news\n[{'green' if comparison.beats else 'yellow'}]"
                f"{comparison.verdict}[/]",
                title="Sentiment features, walk-forward", title_align="left"))
        console.print(f"saved {meta.symbol} {meta.timeframe} {meta.kind}: "
                      f"{meta.training_rows:,} labelled bars {meta.first_bar:%Y-%m-%d} .. "
                      f"{meta.last_bar:%Y-%m-%d}, trained in {meta.evaluation.seconds:.1f} s")


@model_app.command("list")
def list_(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Saved models: what they learned from and how they did out of sample."""
    from rich.table import Table

    models = volex(ctx).models()
    if as_json:
        print_json([m.model_dump(mode="json") for m in models])
        return
    if not models:
        console.print("no models yet: `volex model train SYMBOL --timeframe 2h` trains one")
        return
    table = Table("Symbol", "TF", "Model", "Data to", "Bars", "Acc. (majority)", "ECE")
    for m in models:
        ev = m.evaluation
        table.add_row(m.symbol, m.timeframe, m.kind,  # the name --model takes
                      f"{m.last_bar:%Y-%m-%d}", f"{m.training_rows:,}",
                      f"{ev.out_of_sample.accuracy:.1%} ({ev.baselines['majority'].accuracy:.1%})",
                      f"{ev.out_of_sample.ece:.3f}")
    console.print(table)
    console.print("[dim]out-of-sample accuracy next to always calling the majority class; "
                  "`volex model evaluate SYMBOL` for the full report[/]")


@model_app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    symbol: str = _SYMBOL,
    timeframe: str = _TIMEFRAME,
    model: str = typer.Option(None, "--model", "-m", help="Learner (default: the saved model's, else config)."),
    data: Path = _EVALUATE_DATA,
    offline: bool = _OFFLINE,
    as_json: bool = json_option("Print the report as JSON."),
    export: Path = _EXPORT,
) -> None:
    """Walk-forward evaluation with a purge gap, next to naive baselines; nothing is saved."""
    kind = _kind(model)
    app = volex(ctx)
    with err_console.status(f"evaluating {symbol} walk-forward"):
        evaluation = app.evaluate_model(symbol, timeframe, model=kind, data=data,
                                        offline=offline or None)
    written = evaluation.write_predictions(export) if export is not None else None
    if as_json:
        print_json(evaluation.report.model_dump(mode="json"))
    else:
        for panel in render_report(evaluation.report):
            console.print(panel)
    if written is not None:
        err_console.print(f"wrote {len(evaluation.predictions):,} predictions to {written}")


@model_app.command("history")
def history(
    ctx: typer.Context,
    symbol: str = typer.Argument(..., help="Symbol, e.g. BTC/USDT."),
    timeframe: str = _TIMEFRAME,
    as_json: bool = json_option("Print JSON."),
) -> None:
    """The kept versions of a market's model, newest first, with their scores."""
    from rich.table import Table

    view = volex(ctx).model_history(symbol, timeframe)
    if as_json:
        print_json({"symbol": view.symbol, "timeframe": view.timeframe,
                    "threshold": view.threshold, "versions": view.versions})
        return
    table = Table(title=f"{view.symbol} {view.timeframe}: kept models")
    table.add_column("Ver.")
    table.add_column("Trained", no_wrap=True)
    table.add_column("Data", no_wrap=True)
    table.add_column("Log loss", justify="right")
    table.add_column(f"Hit >= {view.threshold:.0%}", justify="right")
    table.add_column("Promoted")
    table.add_column("In use")
    for v in view.versions:
        hit = "-" if v["hit_rate"] is None else f"{v['hit_rate']:.0%} of {v['calls']:,}"
        table.add_row(f"v{v['version']}", v["created_at"][:10],
                      f"{v['first_bar'][:10]}..{v['last_bar'][:10]}", f"{v['log_loss']:.4f}",
                      hit, "yes" if v["promoted"] else f"no: {v['reason']}",
                      "[bold green]yes[/]" if v["in_use"] else "")
    console.print(table)
    console.print("[dim]scores are each model's own walk-forward, out of sample; "
                  "`volex model rollback SYMBOL` brings back the previous one[/]")


@model_app.command("rollback")
def rollback(
    ctx: typer.Context,
    symbol: str = typer.Argument(..., help="Symbol, e.g. BTC/USDT."),
    timeframe: str = _TIMEFRAME,
    as_json: bool = json_option("Print JSON."),
) -> None:
    """Bring back the previously promoted model (audited)."""
    app = volex(ctx)
    was, now = app.rollback_model(symbol, timeframe)
    if as_json:
        print_json({"symbol": app.symbol(symbol), "from_version": was, "to_version": now})
        return
    console.print(f"{app.symbol(symbol)}: model v{now} is back in use (was v{was})")


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
