"""`volex strategy`: the templates, their parameters and constraints, and lifecycle states."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from volex.commands.common import (
    console,
    json_option,
    live_option,
    offline_option,
    print_json,
    timeframe_option,
    volex,
    yes_option,
)

if TYPE_CHECKING:
    from volex.agents.strategy_runner import BarReport

__all__ = ["register"]

strategy_app = typer.Typer(help="Strategy templates: parameters, constraints, lifecycle state.",
                           no_args_is_help=True)

FileOption = Annotated[Path | None, typer.Option(
    "--file", help="A Python file defining your own strategy class.")]
# The size and protection of each entry of a runner (`strategy run` and `volex run`).
EntryPercent = Annotated[str | None, typer.Option(
    "--percent", help="Size of each entry as % of the free quote balance.")]
EntryStopLoss = Annotated[str | None, typer.Option(
    "--stop-loss", help="Stop-loss distance below each entry's fill, in %.")]
EntryTakeProfit = Annotated[str | None, typer.Option(
    "--take-profit", help="Take-profit distance above each entry's fill, in %.")]
_STATE_STYLE = {"draft": "dim", "backtested": "cyan", "paper": "yellow", "live": "bold green"}


def _range(p: dict[str, Any]) -> str:
    return f"{p['low']}..{p['high']} step {p['step']}"


def _state(info: dict[str, Any]) -> str:
    return f"[{_STATE_STYLE[info['state']]}]{info['state']}[/]"


@strategy_app.command("list")
def list_(ctx: typer.Context, file: FileOption = None, as_json: bool = json_option()) -> None:
    """Every strategy with its parameters (default and range), constraints and state."""
    from rich.table import Table

    infos = volex(ctx).strategies(file=file)
    if as_json:
        print_json(infos)
        return
    table = Table("Strategy", "Parameters (default, range)", "Constraints", "State",
                  show_lines=True)
    for info in infos:
        params = "\n".join(f"{p['name']}={p['default']}  [dim]{_range(p)}[/]"
                           for p in info["params"])
        table.add_row(f"[bold]{info['name']}[/]\n[dim]{info['description']}[/]", params,
                      "\n".join(info["constraints"]) or "-", _state(info))
    console.print(table)


@strategy_app.command("show")
def show(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Strategy name.")],
         file: FileOption = None, as_json: bool = json_option()) -> None:
    """One strategy: description, parameter schema, constraints, state, saved parameters."""
    from rich.table import Table

    info = volex(ctx).strategy(name, file=file)
    if as_json:
        print_json(info)
        return
    console.print(f"[bold]{info['name']}[/] ({info['source']}) · state {_state(info)}")
    console.print(info["description"])
    table = Table("Parameter", "Type", "Default", "Range", "Saved", "Meaning", show_edge=False)
    saved = info["saved_params"] or {}
    for p in info["params"]:
        table.add_row(p["name"], p["type"], str(p["default"]), _range(p),
                      str(saved.get(p["name"], "-")), p["help"])
    console.print(table)
    if info["constraints"]:
        console.print("Constraints: " + "; ".join(info["constraints"]))
    if saved:
        console.print(f"Saved best parameters ({info['saved_objective']} "
                      f"{info['saved_score']:.3f}) are used by `volex backtest` unless --param "
                      "overrides them.")


@strategy_app.command("validate")
def validate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Strategy name.")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Parameter NAME=VALUE (repeatable).")] = None,
    file: FileOption = None,
    as_json: bool = json_option(),
) -> None:
    """Check parameters against the schema and constraints; print the full set."""
    from volex.strategies.base import parse_param_args

    result = volex(ctx).validate_strategy(name, parse_param_args(param), file=file)
    if as_json:
        print_json(result)
        return
    shown = ", ".join(f"{k}={v}" for k, v in result["params"].items())
    console.print(f"[green]ok[/] {result['strategy']}: {shown}")


@strategy_app.command("promote")
def promote(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Strategy name.")],
    state: Annotated[str, typer.Argument(help="draft, backtested, paper or live.")],
    file: FileOption = None,
) -> None:
    """Move a strategy along its lifecycle (one step up at a time; down freely)."""
    change = volex(ctx).set_strategy_state(name, state, file=file)
    console.print(f"{change['strategy']}: {change['from']} -> {change['to']}")


_ACTION_STYLE = {"buy": "green", "sell": "red", "blocked": "bold red", "no change": "dim",
                 "done": "dim"}


def _bar_line(report: BarReport) -> str:
    """One line per bar: when, target, holding, and what was done."""
    action = {"blocked": f"blocked by {report.blocked_by}", "done": "nothing to do"}.get(
        report.action, report.action)
    detail = f": {report.detail}" if report.detail else ""
    return (f"{report.bar:%Y-%m-%d %H:%M} {report.symbol} {report.timeframe} · target "
            f"{report.target} · position {report.position.normalize():f} · "
            f"[{_ACTION_STYLE.get(report.action, '')}]{action}[/]{detail}")


@strategy_app.command("run")
def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Strategy name.")],
    symbol: Annotated[str, typer.Argument(help="Symbol to trade: BTC/USDT, btc, eth.")],
    timeframe: str | None = timeframe_option("Bar length (default: the configured timeframe)."),
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Parameter NAME=VALUE (repeatable; saved best ones fill gaps).")
    ] = None,
    quote: Annotated[str | None, typer.Option(
        "--quote", help="Size of each entry in the quote currency (default: risk sizing).")
    ] = None,
    percent: EntryPercent = None,
    stop_loss: EntryStopLoss = None,
    take_profit: EntryTakeProfit = None,
    once: Annotated[bool, typer.Option(
        "--once", help="Act on the latest closed bar, then exit.")] = False,
    live: bool = live_option("Trade live (state live and trading.mode = live)."),
    offline: bool = offline_option("Candles and prices from the cache or the bundled sample only."),
    data: Annotated[Path | None, typer.Option(
        "--data", help="Candles from a CSV/Parquet file (paper replay; its last bar is "
        "the latest).")] = None,
    file: FileOption = None,
    yes: bool = yes_option("Start without asking."),
    as_json: bool = json_option("One JSON object per bar acted on."),
) -> None:
    """Trade a strategy's target on each newly closed bar, through every risk check.

    Buys to go long and sells the holding to go flat when the target and the holding
    differ; never twice on one bar. Runs until Ctrl-C (or one bar with --once).
    """
    from volex.commands.common import confirm, err_console
    from volex.errors import Cancelled
    from volex.strategies.base import parse_param_args

    overrides = {k: v for k, v in (("offline", offline or None), ("live", live or None)) if v}
    app = volex(ctx, **overrides)
    spec = app.prepare_strategy_run(name, symbol, timeframe=timeframe,
                                    params=parse_param_args(param), quote=quote, percent=percent,
                                    stop_loss=stop_loss, take_profit=take_profit, data=data,
                                    file=file)
    out = err_console if as_json else console
    shown = ", ".join(f"{k}={v}" for k, v in spec.params.items())
    out.print(f"[bold]{spec.strategy.name}[/] ({shown}) on [bold]{spec.symbol}[/] "
              f"{spec.timeframe} · {spec.mode.upper()}")
    if not confirm(f"Let {spec.strategy.name} send {spec.mode.upper()} orders on its own?", yes):
        raise Cancelled("not started (not confirmed)")

    def on_bar(report: BarReport) -> None:
        if as_json:
            print_json(report.to_dict())
        else:
            console.print(_bar_line(report))

    try:
        app.run_strategy(spec, on_bar, once=once)
    except KeyboardInterrupt:
        out.print(f"stopped {spec.strategy.name} on {spec.symbol}")


def register(app: typer.Typer) -> None:
    app.add_typer(strategy_app, name="strategy")
