"""`volex optimize`: grid or Bayesian (Optuna TPE) parameter search, local or shared."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from volex.commands.backtest import folds_table, metrics_table
from volex.commands.common import (
    console,
    err_console,
    json_option,
    print_json,
    timeframe_option,
    volex,
)
from volex.commands.portfolio_options import (
    MaxAssetPct,
    MaxExposurePct,
    MaxOpen,
    PortfolioFlag,
    PortfolioOptions,
    Stake,
    StakeAmount,
    portfolio_rules,
)

if TYPE_CHECKING:
    from volex.backtest.optimize import OptimizationResult
    from volex.backtest.service import OptimizeRun

__all__ = ["register"]


def _trial_count(result: OptimizationResult) -> str:
    """How many points were scored, and what the other trials of a study were."""
    points = len(result.trials)
    refused = result.extra.get("skipped_by_constraints", 0)
    repeated = result.extra.get("repeated_points", 0)
    if not refused and not repeated:
        return f"{points} trials"
    parts = [f"{points} distinct points"]
    if refused:
        parts.append(f"{refused} refused by the strategy's constraints")
    if repeated:
        parts.append(f"{repeated} repeated a point already scored")
    return f"{points + refused + repeated} trials ({', '.join(parts)})"


def _render(run: OptimizeRun, top: int) -> None:
    from rich.table import Table

    result = run.result
    console.print(f"[bold]{result.strategy}[/] on [bold]{result.symbol}[/] · {result.method} "
                  f"search · objective {result.objective} · {_trial_count(result)}"
                  f"{f' · study {result.study}' if result.study else ''} · {run.source}")
    for note in run.notes:
        console.print(f"[yellow]! {note}[/]")
    names = list(result.best.params)
    table = Table("#", *names, result.objective, "Return", "Max DD", "Trades", show_edge=False,
                  title=f"Top {min(top, len(result.trials))}", title_justify="left")
    for i, trial in enumerate(result.trials[:top], 1):
        m = trial.metrics
        table.add_row(str(i), *(str(trial.params[n]) for n in names), f"{trial.value:.3f}",
                      f"{m['total_return'] * 100:+.1f}%", f"{m['max_drawdown'] * 100:.1f}%",
                      str(m["trades"]))
    console.print(table)
    if run.walk_forward is not None:
        wf = run.walk_forward
        console.print(metrics_table(
            f"Walk-forward, {len(wf.folds)} folds: out-of-sample (what the search would have "
            "earned) vs in-sample", [("out-of-sample", wf.out_of_sample.metrics),
                                     ("in-sample", wf.in_sample)]))
        console.print(folds_table(wf))
    best = ", ".join(f"{k}={v}" for k, v in result.best.params.items())
    if run.saved is not None:
        console.print(f"saved best parameters to {result.strategy}: {best}")
    else:
        console.print(f"best: {best} (pass --save to keep them for `volex backtest`)")


def optimize(
    ctx: typer.Context,
    strategy: Annotated[str, typer.Argument(help="Strategy name (`volex strategy list`).")],
    symbols: Annotated[list[str], typer.Argument(
        help="Symbol, e.g. BTC/USDT; several with --portfolio.")],
    timeframe: str | None = timeframe_option(
        "Bar length (default from config; inferred from --data)."),
    days: Annotated[float | None, typer.Option(help="Use the last N days.")] = None,
    since: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD, UTC).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD, UTC).")] = None,
    data: Annotated[Path | None, typer.Option(help="CSV/Parquet candle file.")] = None,
    method: Annotated[str, typer.Option(help="grid or bayes (Optuna TPE).")] = "grid",
    trials: Annotated[int | None, typer.Option(
        help="Trials to run (bayes: default 100; grid: sample this many grid points).")] = None,
    objective: Annotated[str, typer.Option(help="sharpe, return or calmar.")] = "sharpe",
    walk_forward: Annotated[int | None, typer.Option(
        "--walk-forward", metavar="K",
        help="Also optimise on K rolling windows and report out-of-sample results.")] = None,
    jobs: Annotated[int, typer.Option(help="Parallel workers in this process.")] = 1,
    storage: Annotated[str | None, typer.Option(
        help="Optuna RDB storage URL shared by several processes, e.g. "
             "postgresql+psycopg://user@host/db.")] = None,
    study: Annotated[str | None, typer.Option(help="Study name in --storage.")] = None,
    cluster: Annotated[str | None, typer.Option(
        help="Run the search on a Dask scheduler (tcp://HOST:8786) or local[:N] processes "
             "(default: [cluster] address, else this process).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Fix a parameter, NAME=VALUE (repeatable).")] = None,
    cash: Annotated[float | None, typer.Option(help="Starting cash (default 10000).")] = None,
    fee: Annotated[float | None, typer.Option(help="Fee per fill (default 0.001).")] = None,
    slippage_bps: Annotated[float, typer.Option("--slippage-bps")] = 0.0,
    save: Annotated[bool, typer.Option(
        help="Save the best parameters to the strategy.")] = False,
    file: Annotated[Path | None, typer.Option(help="A Python file with your strategy.")] = None,
    offline: Annotated[bool, typer.Option(
        help="Use only cached candles or the bundled sample.")] = False,
    top: Annotated[int, typer.Option(help="Rows in the results table.")] = 10,
    as_json: bool = json_option(),
    portfolio: PortfolioFlag = False,
    max_open: MaxOpen = None,
    stake: Stake = None,
    stake_amount: StakeAmount = None,
    max_asset_pct: MaxAssetPct = None,
    max_exposure_pct: MaxExposurePct = None,
) -> None:
    """Search STRATEGY's parameters on SYMBOL: grid or Bayesian, optionally shared by many.

    With --portfolio, one parameter set for all SYMBOLs traded from one account."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from volex.strategies.base import parse_param_args

    app = volex(ctx)
    fixed = parse_param_args(param)
    rules = portfolio_rules(app, PortfolioOptions(portfolio, max_open, stake, stake_amount,
                                                  max_asset_pct, max_exposure_pct))
    if rules is None and len(symbols) != 1:
        from volex.errors import UserInputError

        raise UserInputError("optimize one SYMBOL, or several with --portfolio")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[best]}"), console=err_console, transient=True,
                  disable=as_json) as progress:
        task = progress.add_task(f"optimising {strategy}", total=None, best="")

        def on_progress(done: int, total: int, best: Any) -> None:
            shown = (f"best {objective} {best.value:.3f}: "
                     + ", ".join(f"{k}={v}" for k, v in best.params.items())) if best else ""
            progress.update(task, completed=done, total=total, best=shown)

        run = app.optimize(strategy, symbols if rules else symbols[0], timeframe=timeframe, days=days, since=since,
                           until=until, data=data, method=method, trials=trials,
                           objective=objective, walk_forward=walk_forward, jobs=jobs,
                           storage=storage, study=study, params=fixed, cash=cash, fee=fee,
                           slippage_bps=slippage_bps, save=save, strategy_file=file,
                           offline=offline or None, on_progress=on_progress,
                           portfolio=rules, cluster=cluster)
    if as_json:
        print_json(run.to_dict())
        return
    _render(run, top)


def register(app: typer.Typer) -> None:
    app.command("optimize")(optimize)
