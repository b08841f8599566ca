"""`volex strategy`: the templates, their parameters and constraints, and lifecycle states."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from volex.commands.common import console, print_json, volex

__all__ = ["register"]

strategy_app = typer.Typer(help="Strategy templates: parameters, constraints, lifecycle state.",
                           no_args_is_help=True)

FileOption = Annotated[Path | None, typer.Option(
    "--file", help="A Python file defining your own strategy class.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_STATE_STYLE = {"draft": "dim", "backtested": "cyan", "paper": "yellow", "live": "bold green"}


def _range(p: dict[str, Any]) -> str:
    return f"{p['low']}..{p['high']} step {p['step']}"


def _state(info: dict[str, Any]) -> str:
    return f"[{_STATE_STYLE[info['state']]}]{info['state']}[/]"


@strategy_app.command("list")
def list_(ctx: typer.Context, file: FileOption = None, as_json: JsonOption = False) -> None:
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
         file: FileOption = None, as_json: JsonOption = False) -> None:
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
    as_json: JsonOption = False,
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


def register(app: typer.Typer) -> None:
    app.add_typer(strategy_app, name="strategy")
