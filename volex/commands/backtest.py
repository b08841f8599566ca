"""`volex backtest`: run a strategy over history; results table, equity curve, HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

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
    Stake,
    StakeAmount,
)

if TYPE_CHECKING:
    from rich.table import Table

    from volex.backtest.metrics import Metrics
    from volex.backtest.portfolio_service import PortfolioRun
    from volex.backtest.service import BacktestRun
    from volex.backtest.walkforward import WalkForwardResult

__all__ = ["METRIC_ROWS", "fmt_metric", "metrics_table", "register"]

METRIC_ROWS = [
    ("total_return", "Total return", "pct"), ("cagr", "CAGR", "pct"),
    ("sharpe", "Sharpe", "num"), ("sortino", "Sortino", "num"),
    ("max_drawdown", "Max drawdown", "pct"), ("calmar", "Calmar", "num"),
    ("win_rate", "Win rate", "share"), ("profit_factor", "Profit factor", "num"),
    ("exposure", "Exposure", "share"), ("trades", "Trades", "int"),
    ("avg_trade", "Average trade", "pct"), ("buy_and_hold", "Buy & hold return", "pct"),
    ("final_equity", "Final equity", "money"),
]


def fmt_metric(value: Any, kind: str) -> str:
    if value is None:
        return "n/a"
    if value == float("inf"):
        return "∞"
    if kind == "pct":
        style = "green" if value > 0 else "red" if value < 0 else ""
        text = f"{value * 100:+,.2f}%"
        return f"[{style}]{text}[/]" if style else text
    if kind == "share":
        return f"{value * 100:.2f}%"
    if kind == "int":
        return f"{int(value):,}"
    return f"{value:,.2f}"


def metrics_table(title: str, columns: list[tuple[str, Metrics | dict[str, Any]]]) -> Table:
    """Metrics as rows, one column per result (symbols, or out-of-sample vs in-sample)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column("Metric", style="cyan")
    for name, _ in columns:
        table.add_column(name, justify="right")
    values = [m if isinstance(m, dict) else m.as_dict() for _, m in columns]
    for key, label, kind in METRIC_ROWS:
        table.add_row(label, *(fmt_metric(v.get(key), kind) for v in values))
    return table


def _parse_params(items: list[str] | None) -> dict[str, str]:
    from volex.strategies.base import parse_param_args

    return parse_param_args(items)


def render_header(run: Any, where: str) -> None:
    """A run's first lines (strategy, markets, parameters, source, notes), then its
    walk-forward scores when it has them: the same for one market and for a portfolio."""
    r = run.result
    params = ", ".join(f"{k}={v}" for k, v in r.params.items())
    console.print(f"[bold]{r.strategy}[/] on [bold]{where}[/] {r.timeframe or ''}"
                  f"{f' ({params})' if params else ''} · {run.source}")
    for note in run.notes:
        console.print(f"[yellow]! {note}[/]")
    if run.walk_forward is not None:
        wf = run.walk_forward
        console.print(metrics_table(f"Walk-forward, {len(wf.folds)} folds (objective "
                                    f"{wf.objective}): only out-of-sample results are real",
                                    [("out-of-sample", r.metrics), ("in-sample", wf.in_sample)]))


def _render(run: BacktestRun, chart: bool) -> None:
    from rich.text import Text

    r = run.result
    render_header(run, r.symbol)
    if run.walk_forward is not None:
        console.print(folds_table(run.walk_forward))
    if chart and len(r.equity) > 1:
        from volex.backtest.chart import equity_chart

        width = max(40, min(console.width, 120))
        console.print(Text.from_ansi(equity_chart(r.timestamps, r.equity, r.close,
                                                  f"{r.strategy} {r.symbol}: equity", width)))


def folds_table(walk: WalkForwardResult) -> Table:
    """Each walk-forward fold: its windows, the parameters the search chose, both scores."""
    from rich.table import Table

    summary = walk.summary()
    table = Table("Fold", "Train", "Test", "Best params", "In-sample", "Out-of-sample",
                  show_edge=False)
    for fold in summary["folds"]:
        table.add_row(str(fold["fold"]), f"{fold['train'][0][:10]} .. {fold['train'][1][:10]}",
                      f"{fold['test'][0][:10]} .. {fold['test'][1][:10]}",
                      ", ".join(f"{k}={v}" for k, v in fold["params"].items()),
                      f"{fold['in_sample']:.2f}", f"{fold['out_of_sample']:.2f}")
    return table


def backtest(
    ctx: typer.Context,
    strategy: Annotated[str, typer.Argument(
        help="Strategy name (`volex strategy list`), or the class name in --file.")],
    symbols: Annotated[list[str], typer.Argument(
        help="One or more symbols, e.g. BTC/USDT ETH/USDT.")],
    timeframe: str | None = timeframe_option(
        "Bar length, e.g. 1h, 2h, 1d (default from config; inferred from --data)."),
    days: Annotated[float | None, typer.Option(help="Test the last N days.")] = None,
    since: Annotated[str | None, typer.Option(
        help="First day to test (YYYY-MM-DD, UTC).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Last day to test (YYYY-MM-DD, UTC).")] = None,
    data: Annotated[Path | None, typer.Option(
        help="CSV/Parquet candle file instead of the exchange/cache/sample.")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Strategy parameter NAME=VALUE (repeatable).")] = None,
    cash: Annotated[float | None, typer.Option(help="Starting cash (default 10000).")] = None,
    fee: Annotated[float | None, typer.Option(
        help="Fee per fill as a fraction (default 0.001).")] = None,
    slippage_bps: Annotated[float, typer.Option(
        "--slippage-bps", help="Slippage per fill, in basis points.")] = 0.0,
    stop_loss: Annotated[float | None, typer.Option(
        "--stop-loss", help="Stop loss, percent below the entry price.")] = None,
    take_profit: Annotated[float | None, typer.Option(
        "--take-profit", help="Take profit, percent above the entry price.")] = None,
    walk_forward: Annotated[int | None, typer.Option(
        "--walk-forward", metavar="K",
        help="Optimise on K rolling windows; report only out-of-sample results.")] = None,
    file: Annotated[Path | None, typer.Option(
        help="A Python file defining your own strategy.")] = None,
    offline: Annotated[bool, typer.Option(
        help="Use only cached candles or the bundled sample.")] = False,
    cluster: Annotated[str | None, typer.Option(
        help="Run each market on a Dask scheduler (tcp://HOST:8786) or local[:N] processes "
             "(default: [cluster] address, else this process).")] = None,
    as_json: bool = json_option("Print metrics and trades as JSON."),
    report: Annotated[Path | None, typer.Option(
        help="Write a self-contained HTML report to this file.")] = None,
    chart: Annotated[bool, typer.Option(help="Draw the equity curve.")] = True,
    portfolio: PortfolioFlag = False,
    max_open: MaxOpen = None,
    stake: Stake = None,
    stake_amount: StakeAmount = None,
    max_asset_pct: MaxAssetPct = None,
    max_exposure_pct: MaxExposurePct = None,
) -> None:
    """Backtest STRATEGY on SYMBOL(s): signals on each close, fills at the next open."""
    from rich.progress import BarColumn, Progress, TextColumn

    from volex.commands.portfolio_options import PortfolioOptions, portfolio_rules

    app = volex(ctx)
    params = _parse_params(param)
    rules = portfolio_rules(app, PortfolioOptions(portfolio, max_open, stake, stake_amount,
                                                  max_asset_pct, max_exposure_pct))
    if rules is not None and cluster:
        from volex.errors import UserInputError

        raise UserInputError("--portfolio does not run on a cluster yet: drop --cluster")
    with Progress(TextColumn("{task.description}"), BarColumn(), console=err_console,
                  transient=True, disable=as_json) as progress:
        task = progress.add_task("backtesting", total=None)
        kwargs: dict[str, Any] = {
            "timeframe": timeframe, "days": days, "since": since, "until": until, "data": data,
            "params": params, "cash": cash, "fee": fee, "slippage_bps": slippage_bps,
            "stop_loss_pct": stop_loss, "take_profit_pct": take_profit,
            "walk_forward": walk_forward, "strategy_file": file, "offline": offline or None,
            "on_step": lambda done, total, what: progress.update(
                task, completed=done, total=total, description=what)}
        if rules is not None and cluster is not None:
            from volex.errors import UserInputError

            raise UserInputError("a --portfolio backtest runs on this machine: drop --cluster")
        if rules is not None:
            book = app.backtest_portfolio(strategy, symbols, rules, **kwargs)
        else:
            runs = app.backtest(strategy, symbols, cluster=cluster, **kwargs)
    if rules is not None:
        _finish_portfolio(book, report, as_json, chart)
        return
    if report is not None:
        from volex.backtest.report import write_report

        written = write_report(runs, report)
        if not as_json:
            console.print(f"report written to {written}")
    if as_json:
        payload = [run.to_dict() for run in runs]
        print_json(payload[0] if len(payload) == 1 else payload)
        return
    for run in runs:
        _render(run, chart)
    if not walk_forward:
        console.print(metrics_table(f"{runs[0].result.strategy} backtest",
                                    [(run.result.symbol, run.result.metrics) for run in runs]))


def _finish_portfolio(run: PortfolioRun, report: Path | None, as_json: bool,
                      chart: bool) -> None:
    from volex.commands.portfolio_view import render_portfolio

    if report is not None:
        from volex.backtest.portfolio_report import write_portfolio_report

        written = write_portfolio_report(run, report)
        if not as_json:
            console.print(f"report written to {written}")
    if as_json:
        print_json(run.to_dict())
        return
    render_portfolio(run, chart)


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)
