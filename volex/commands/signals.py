"""`volex signals`: the current signal of every watched market, refreshed on each new bar.

Also holds ``render_decision``, the AI section `volex analyze` shows: the model's calibrated
probabilities, its out-of-sample track record, the LLM's (or the local stand-in's)
commentary, and the final decision with its reasons.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from volex.commands.common import (
    console,
    exchange_option,
    json_option,
    offline_option,
    print_json,
    timeframe_option,
    volex,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from volex.domain.signals import Decision, SignalBoard, SignalOutcomes
    from volex.facade import Volex

__all__ = ["register", "render_board", "render_decision", "render_outcomes"]

_STYLE = {"buy": "bold green", "sell": "bold red", "hold": "bold yellow"}
# With --watch, how often to look again when a bar is late (or the data is offline).
_RETRY_S = 30.0


def _review_line(decision: Decision) -> str:
    review = decision.review
    if review is None:
        return "[dim]LLM not consulted (it can only veto or lower a trade; this is a hold)[/]"
    who = ("local stand-in (rules)" if review.provider == "local"
           else f"{review.provider} {review.model or ''}".strip())
    tokens = f", {review.usage.total_tokens} tokens" if review.usage.total_tokens else ""
    if review.verdict == "no_opinion":
        return f"[dim]{who}: no opinion ({review.error}){tokens}[/]"
    head = f"[bold]{who}[/] {review.verdict}s{tokens}"
    notes = "".join(f"\n  [yellow]! {n}[/]" for n in review.risk_notes)
    return f"{head}\n  {review.commentary}{notes}"


def render_decision(decision: Decision) -> RenderableType:
    """The AI panel: model outlook and track record, LLM check, the decision and why."""
    from rich.panel import Panel

    lines: list[str] = []
    model = decision.inputs.model
    if model is not None:
        trust = ("[green]may drive trades[/]" if model.trusted
                 else "[yellow]cannot drive trades[/]")
        lines.append(f"Model ({model.kind}, next {model.horizon} bars, calibrated): "
                     f"up [bold]{model.p_up:.0%}[/]  down [bold]{model.p_down:.0%}[/]  "
                     f"flat [bold]{model.p_flat:.0%}[/]  · {trust}")
        lines.append(f"Track record: {model.track_record or 'no past calls at this confidence'}"
                     + (f"; best baseline right {model.best_baseline_accuracy:.0%}"
                        if model.best_baseline_accuracy is not None else ""))
        lines += [f"  [yellow]! {n}[/]" for n in model.notes]
    else:
        lines.append(f"Model: [dim]{decision.inputs.model_missing}[/]")
    lines.append(_review_line(decision))
    style = _STYLE[decision.action]
    veto = " [red](vetoed)[/]" if decision.vetoed else ""
    lines.append(f"Decision: [{style}]{decision.action.upper()}[/]{veto}  "
                 f"confidence {decision.confidence:.0%}")
    lines += [f"  - {r}" for r in decision.reasons]
    return Panel("\n".join(lines), title="AI outlook", title_align="left", border_style=style)


def render_board(board: SignalBoard) -> RenderableType:
    """The signals table."""
    from rich.table import Table

    newest = max((d.as_of for d in board.decisions), default=None)
    title = f"Signals · {board.timeframe}" + (f" · last bar {newest:%Y-%m-%d %H:%M} UTC"
                                               if newest else "")
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in ("Symbol", "Close", "Signal", "Conf.", "Technical", "Model u/d/f"):
        table.add_column(column, no_wrap=True,
                         justify="right" if column in ("Close", "Conf.") else "left")
    table.add_column("Why", overflow="fold", ratio=1)
    for signal in board.signals():
        model = ("[dim]no model[/]" if signal.p_up is None else
                 f"{signal.p_up:.0%}/{signal.p_down:.0%}/{signal.p_flat:.0%}")
        action = f"[{_STYLE[signal.action]}]{signal.action.upper()}[/]"
        stale = "" if newest is None or signal.as_of == newest else " [yellow]*[/]"
        table.add_row(signal.symbol + stale, f"{signal.last_close:,.6g}", action,
                      f"{signal.confidence:.0%}",
                      f"{signal.technical} {signal.technical_score:+.2f}", model, signal.reason)
    for symbol, problem in board.problems.items():
        table.add_row(symbol, "", "[dim]none[/]", "", "", "",
                      f"[yellow]{problem.split(':')[0]}[/]")
    if any(s.as_of != newest for s in board.decisions):
        table.caption = "* last bar older than the newest: stale data for that market"
        table.caption_justify = "left"
    return table


def render_outcomes(outcomes: list[SignalOutcomes]) -> RenderableType:
    """The realised record of stored decisions, per market."""
    from rich.table import Table

    table = Table(title="How past signals turned out (scored once their horizon passed)",
                  title_justify="left", show_edge=False)
    for column in ("Symbol", "TF", "Decisions", "Scored", "Calls", "Right", "Hit rate",
                   "Mean move"):
        table.add_column(column, justify="left" if column in ("Symbol", "TF") else "right")
    for o in outcomes:
        table.add_row(o.symbol, o.timeframe, str(o.decisions), str(o.scored), str(o.calls),
                      str(o.right), "n/a" if o.hit_rate is None else f"{o.hit_rate:.0%}",
                      "n/a" if o.mean_return_pct is None else f"{o.mean_return_pct:+.2f}%")
    if not outcomes:
        table.caption = "no decisions stored yet: run `volex signals` first"
    return table


def _board_json(board: SignalBoard) -> dict:
    return {"timeframe": board.timeframe,
            "signals": [s.model_dump(mode="json") for s in board.signals()],
            "problems": board.problems}


def _next_wait(board: SignalBoard, step_s: float) -> float:
    """Seconds until the bar after the newest one closes (plus a little for the venue)."""
    if not board.decisions:
        return _RETRY_S
    newest = max(d.as_of for d in board.decisions).timestamp()
    return max(_RETRY_S, newest + 2 * step_s + 2 - time.time())


def _watch(app: Volex, symbols: list[str] | None, timeframe: str | None, kwargs: dict,
           updates: int | None, as_json: bool) -> None:
    """Refresh after each new bar: a live table, or one JSON document per line."""
    from contextlib import nullcontext

    from rich.live import Live

    from volex.domain.timeframes import timeframe_ms

    board = app.signals(symbols, timeframe, **kwargs)
    step_s = timeframe_ms(board.timeframe) / 1000
    shown = 1
    live = nullcontext() if as_json else Live(render_board(board), console=console,
                                              refresh_per_second=1)
    with live:
        if as_json:
            print_json(_board_json(board))
        while updates is None or shown < updates:
            time.sleep(_next_wait(board, step_s))
            board = app.signals(symbols, timeframe, **kwargs)
            if as_json:
                print_json(_board_json(board))
            else:
                live.update(render_board(board))  # type: ignore[union-attr]
            shown += 1


def signals(
    ctx: typer.Context,
    symbols: Annotated[list[str] | None, typer.Argument(
        help="Symbols (default: the watchlist in config).")] = None,
    timeframe: str | None = timeframe_option(),
    exchange: str | None = exchange_option(),
    offline: bool = offline_option(),
    watch: Annotated[bool, typer.Option(
        "--watch", "-w", help="Keep the table up, refreshing on each new bar.")] = False,
    train: Annotated[bool, typer.Option(
        "--train", help="Train missing or stale models first (slow).")] = False,
    llm: Annotated[bool, typer.Option(
        "--llm/--no-llm", help="Ask the LLM (or the local stand-in) to check trades.")] = True,
    as_json: bool = json_option(
        "Print JSON: signals and problems (one line per update with --watch)."),
    outcomes: Annotated[bool, typer.Option(
        "--outcomes", help="Score stored decisions whose horizon has passed and show how "
                           "they turned out, instead of new signals.")] = False,
    updates: Annotated[int | None, typer.Option(
        "--updates", hidden=True, help="Stop --watch after N tables.")] = None,
) -> None:
    """Current signals for the watchlist: decision, confidence, technical verdict, model odds."""
    app = volex(ctx)
    if outcomes:
        record = app.signal_outcomes(timeframe, exchange=exchange, offline=offline or None)
        if as_json:
            print_json([o.model_dump(mode="json") | {"hit_rate": o.hit_rate} for o in record])
        else:
            console.print(render_outcomes(record))
        return
    kwargs = {"exchange": exchange, "offline": offline or None, "train": train, "llm": llm}
    if watch:
        _watch(app, symbols or None, timeframe, kwargs, updates, as_json)
        return
    board = app.signals(symbols or None, timeframe, **kwargs)
    if as_json:
        print_json(_board_json(board))
        return
    console.print(render_board(board))


def register(app: typer.Typer) -> None:
    app.command("signals")(signals)
